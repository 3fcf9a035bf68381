"""The GitHub and GitLab REST APIs over one requests Session, with ETag caching and honest errors.

No scraping: only the documented JSON endpoints. The base URLs and tokens come from settings
(GITHUB_API_URL, GITLAB_API_URL, GITHUB_TOKEN, GITLAB_TOKEN); tests point the base URLs at a local
fake server. The client never sleeps: a rate limit or an outage raises an `ApiError` that says when
to try again, and the caller (the fetch service) schedules that.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings

USER_AGENT = "mentorship-contributions/1"
MAX_PAGES = 10


class ApiError(Exception):
    """`retry_at`: when a retry makes sense (None: the caller's backoff); `permanent`: retrying will not help soon."""

    def __init__(self, reason: str, *, retry_at: datetime | None = None, permanent: bool = False, status: int | None = None):
        super().__init__(reason)
        self.reason, self.retry_at, self.permanent, self.status = reason, retry_at, permanent, status


class RateLimited(ApiError):
    pass


class NotFound(ApiError):
    pass


class Unavailable(ApiError):
    pass


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


_SESSIONS: dict[str, requests.Session] = {}


def session_for(platform: str) -> requests.Session:
    """One Session per platform and process: connections are reused across fetches."""
    if platform not in _SESSIONS:
        _SESSIONS[platform] = _session()
    return _SESSIONS[platform]


def base_url(platform: str) -> str:
    return (settings.GITHUB_API_URL if platform == "github" else settings.GITLAB_API_URL).rstrip("/")


def _auth_headers(platform: str) -> dict:
    if platform == "github":
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if settings.GITHUB_TOKEN:
            headers["Authorization"] = f"Bearer {settings.GITHUB_TOKEN}"
        return headers
    return {"PRIVATE-TOKEN": settings.GITLAB_TOKEN} if settings.GITLAB_TOKEN else {}


def _retry_at(response: requests.Response, now: datetime) -> datetime | None:
    """When the platform says to come back: Retry-After (seconds or a date), else the rate-limit reset time."""
    after = response.headers.get("Retry-After")
    if after:
        if after.strip().isdigit():
            return now + timedelta(seconds=int(after))
        try:
            return parsedate_to_datetime(after).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    reset = response.headers.get("X-RateLimit-Reset") or response.headers.get("RateLimit-Reset")
    if reset and reset.strip().isdigit():
        value = int(reset)
        # GitHub and GitLab send an epoch time; some proxies send seconds to wait.
        return datetime.fromtimestamp(value, UTC) if value > 10**9 else now + timedelta(seconds=value)
    return None


def _is_rate_limit(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    remaining = response.headers.get("X-RateLimit-Remaining") or response.headers.get("RateLimit-Remaining")
    return response.status_code == 403 and (remaining == "0" or "Retry-After" in response.headers
                                            or "rate limit" in response.text[:500].lower())


class Client:
    """GET JSON from one platform. `cache` (url -> {"etag", "body"}) is the caller's, stored on its row:
    a 304 Not Modified answers from it without counting against the rate limit."""

    def __init__(self, platform: str, *, cache: dict | None = None, session: requests.Session | None = None,
                 timeout: float | None = None):
        self.platform = platform
        self.cache = cache if cache is not None else {}
        self.used: set[str] = set()  # urls read in this fetch (the caller drops the rest of the cache)
        self.session = session or session_for(platform)
        self.timeout = timeout if timeout is not None else settings.CONTRIBUTIONS_API_TIMEOUT
        self.base = base_url(platform)
        self.headers = _auth_headers(platform)

    def _request(self, url: str, params: dict | None, key: str) -> requests.Response:
        headers = dict(self.headers)
        cached = self.cache.get(key)
        if cached and cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        try:
            response = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        except requests.Timeout as exc:
            raise Unavailable(f"no answer within {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise Unavailable(f"could not connect ({type(exc).__name__})") from exc
        now = datetime.now(UTC)
        if response.status_code == 304 and cached:
            return response
        if _is_rate_limit(response):
            raise RateLimited("rate limit reached", retry_at=_retry_at(response, now), status=response.status_code)
        if response.status_code == 404:
            raise NotFound("not found (deleted, private or mistyped)", permanent=True, status=404)
        if response.status_code in (401, 403):
            raise ApiError(f"access refused ({response.status_code})", permanent=True, status=response.status_code)
        if response.status_code >= 500:
            raise Unavailable(f"the platform answered {response.status_code}", retry_at=_retry_at(response, now),
                              status=response.status_code)
        if response.status_code != 200:
            raise ApiError(f"unexpected answer {response.status_code}", status=response.status_code)
        return response

    def _key(self, url: str, params: dict | None) -> str:
        if not params:
            return url
        return url + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))

    def get(self, path: str, params: dict | None = None, *, with_next: bool = False):
        """The JSON at `path` (relative to the platform's API base), from the cache when unchanged;
        with `with_next`, (body, the next page's url or None)."""
        url = path if path.startswith("http") else f"{self.base}{path}"
        key = self._key(url, params)
        self.used.add(key)
        response = self._request(url, params, key)
        if response.status_code == 304:
            entry = self.cache[key]
            return (entry["body"], entry.get("next")) if with_next else entry["body"]
        try:
            body = response.json()
        except ValueError as exc:
            raise Unavailable("the answer was not JSON") from exc
        following = response.links.get("next", {}).get("url")
        etag = response.headers.get("ETag")
        if etag:
            self.cache[key] = {"etag": etag, "body": body, "next": following}
        return (body, following) if with_next else body

    def get_all(self, path: str, params: dict | None = None) -> list:
        """Every page of a list (the Link header's rel="next"), at most MAX_PAGES pages."""
        items: list = []
        url = path if path.startswith("http") else f"{self.base}{path}"
        page_params = {"per_page": 100, **(params or {})}
        for _page in range(MAX_PAGES):
            body, following = self.get(url, page_params, with_next=True)
            items.extend(body if isinstance(body, list) else [])
            if not following:
                break
            url, page_params = following, None
        return items
