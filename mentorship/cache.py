"""The Redis cache that degrades instead of breaking.

allauth's rate limits take a lock in the default cache on every login, signup and password reset;
with a plain RedisCache a stopped Redis turns those pages into 500s at once, and a hung one after
the socket timeout. This backend tries Redis with a short timeout; when Redis fails it logs one
warning, serves from a per-process local-memory cache and leaves Redis alone for
`REDIS_CACHE_RETRY_SECONDS` (a circuit breaker), so at most one request per process and per
interval waits for the timeout. While Redis is out, rate limits and debounce keys are counted per
process instead of across processes: looser, never an error page.
"""
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_WRAPPED = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 30.0))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_available(self) -> bool:
        return time.monotonic() >= self._open_until

    def _trip(self, name: str, exc: Exception) -> None:
        with self._lock:
            already_open = not self.redis_available
            self._open_until = time.monotonic() + self.retry_seconds
        if not already_open:
            # The broker is usually the same Redis: spare the next enqueue its own timeout.
            from mentorship import broker

            broker.trip_if_same_server(self._servers[0], reason=f"{type(exc).__name__} in the cache")
            logger.warning(
                "Redis cache unavailable (%s: %s during %s); using a local cache for %.0f s.",
                type(exc).__name__, exc, name, self.retry_seconds,
            )


def _wrap(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if self.redis_available:
            try:
                return redis_method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:  # down or hung: degrade, never break
                self._trip(name, exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in _WRAPPED:
    setattr(FallbackRedisCache, _name, _wrap(_name))
