"""Rate limits per token, counted in the cache; a Redis that is down never turns a call into a 500."""
import socket

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from api.services import token_create
from api.throttling import ApiRateThrottle
from mentorship.cache import FallbackRedisCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.API_RATE_LIMITS = {"token": "3/min", "anonymous": "2/min"}


def _get(raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client().get(reverse("api:program_list"), **headers)


def test_each_token_has_its_own_limit(three_a_minute):
    person = UserFactory()
    _a, first = token_create(user=person, name="a", scope="read", expires_in_days=7)
    _b, second = token_create(user=person, name="b", scope="read", expires_in_days=7)
    assert [_get(first).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = _get(first)
    assert int(refused["Retry-After"]) > 0 and "detail" in refused.json()
    assert _get(second).status_code == 200  # another token of the same person counts apart


def test_anonymous_calls_share_a_stricter_limit_per_address(three_a_minute):
    assert [_get().status_code for _ in range(3)] == [200, 200, 429]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_redis_down_the_limit_falls_back_to_the_local_cache_and_never_errors(three_a_minute, monkeypatch):
    down = FallbackRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "retry_seconds": 30},
    })
    monkeypatch.setattr(ApiRateThrottle, "cache", down)
    _token, raw = token_create(user=UserFactory(), name="a", scope="read", expires_in_days=7)
    assert [_get(raw).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert not down.redis_available  # it did try Redis, and tripped to the local cache


class _Broken:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache unreachable")

    set = get


def test_a_cache_that_fails_outright_lets_the_call_through(three_a_minute, monkeypatch):
    monkeypatch.setattr(ApiRateThrottle, "cache", _Broken())
    assert [_get().status_code for _ in range(4)] == [200] * 4
