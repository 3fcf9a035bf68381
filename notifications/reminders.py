"""The due-scan: every few minutes, each app's scanners ask "what is due now?" and call notify_many().

Scanners build deterministic keys (what, who, which occasion), so a beat firing twice, two
workers racing or a scan re-run after a crash never produce a second email. Apps register
scanners in their AppConfig.ready(); notifications imports none of them.
"""
import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger(__name__)
_SCANNERS: dict[str, Callable[..., int]] = {}


def register(name: str):
    def decorator(func: Callable[..., int]):
        _SCANNERS[name] = func
        return func

    return decorator


def scanners() -> dict[str, Callable[..., int]]:
    return dict(sorted(_SCANNERS.items()))


def scan_due(*, now: datetime | None = None) -> dict[str, int]:
    """Run every scanner once, then the daily digests. Returns how many messages each one created."""
    from .services import digests_send

    now = now or timezone.now()
    counts = {}
    for name, scanner in scanners().items():
        try:
            counts[name] = scanner(now=now)
        except Exception:  # one broken scanner must not stop the others; the next scan tries again
            logger.exception("Reminder scanner %s failed", name)
            counts[name] = -1
    counts["digests"] = digests_send(now=now)
    return counts
