"""Queue a task from a request without ever turning a broker failure into a slow or broken page.

Every caller has already saved a "still to do" row (an outbox row, a queued matching run), and a
periodic sweep dispatches what is still pending, so a publish that fails is not lost work. A failed
publish opens a circuit breaker for `BROKER_RETRY_SECONDS`: while it is open, publishes are skipped
at once instead of each waiting for the socket timeout (a hung Redis would otherwise cost every
enqueue in the request a full timeout).
"""
import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

_state = {"open_until": 0.0}
_lock = threading.Lock()


def broker_available() -> bool:
    return time.monotonic() >= _state["open_until"]


def reset() -> None:
    """Close the breaker (tests, and after an operator fixed the broker)."""
    _state["open_until"] = 0.0


def _trip(seconds: float) -> None:
    with _lock:
        _state["open_until"] = time.monotonic() + seconds


def trip_if_same_server(redis_url: str, *, reason: str) -> None:
    """The cache just found `redis_url` down or hung: if the broker lives there too, skip it for a while."""
    if urlsplit(redis_url).netloc == urlsplit(settings.CELERY_BROKER_URL).netloc and broker_available():
        _trip(getattr(settings, "BROKER_RETRY_SECONDS", 15.0))
        logger.warning("Broker marked unavailable (%s).", reason)


def publish(task, *args, countdown: float | None = None, **kwargs) -> bool:
    """`task.apply_async(args, kwargs)`; False (logged) when the broker is down, hung or known to be."""
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if not eager and not broker_available():
        logger.info("Broker marked unavailable; %s left for the sweep.", task.name)
        return False
    try:
        task.apply_async(args, kwargs, countdown=countdown)
    except Exception as exc:  # OperationalError, timeouts, refused connections: the sweep will dispatch it
        if not eager:
            _trip(getattr(settings, "BROKER_RETRY_SECONDS", 15.0))
        logger.warning("Could not queue %s (%s: %s); the sweep will dispatch it.", task.name, type(exc).__name__, exc)
        return False
    return True
