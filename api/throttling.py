"""Rate limits per token (per person for a browser session, per address for anonymous calls).

Counted in the default cache. In production that is `mentorship.cache.FallbackRedisCache`: while Redis
is down the counts live in a per-process cache (looser, never an error). Any other cache error lets the
request through rather than answering 500.
"""
import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PersonalAccessToken

logger = logging.getLogger(__name__)


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at every request (not frozen at import) so settings and tests may change it.
        return settings.API_RATE_LIMITS["token" if self.scope == "api" else self.scope]

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, PersonalAccessToken):
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # a cache that fails outright: serve, and say so once per request
            logger.warning("API rate limit not counted: the cache failed.", exc_info=True)
            return True


class AnonymousRateThrottle(ApiRateThrottle):
    """Anonymous calls share a stricter limit per address."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
