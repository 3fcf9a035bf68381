"""No URL of the site answers 500 to bytes a person never types: NUL, or text that is not UTF-8.

Every named pattern from `get_resolver()` (the admin's and allauth's included) gets NUL and
invalid UTF-8 in each text parameter of its path, in its query string and in POSTed form fields,
asked by a site admin (who can reach every page). Each request runs in a savepoint that is rolled
back, so one cannot change what the next one finds.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.urls.converters import IntConverter

from tests.url_walk import build_world, fill, url_patterns

pytestmark = pytest.mark.django_db

BAD = {"NUL": "%00", "invalid UTF-8": "%FF", "truncated UTF-8": "%C3%28"}
PLACEHOLDER = "zzbadbyteszz"
APPS = ("accounts", "matching", "mentor_requests", "mentoring", "mentorship", "notifications", "organizations", "programs")


def read_parameter_names() -> list[str]:
    """Every GET/POST parameter a view of ours reads by name, plus the admin's search, order and page."""
    found = {"q", "o", "p", "next", "page", "status", "sort"}
    for app in APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            found.update(re.findall(r"""(?:GET|POST)\.get(?:list)?\(\s*["']([\w-]+)""", path.read_text()))
    return sorted(found)


@pytest.fixture
def walk():
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.people["site_admin"])
    targets = []
    for pattern in url_patterns():
        kwargs = fill(pattern, world) or {p: "1" for p in pattern.params}
        targets.append((pattern, kwargs, reverse(pattern.name, kwargs=kwargs)))
    assert len(targets) > 100  # the walk reaches the whole site, not a corner of it

    def ask(method: str, url: str, data=None) -> int:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
        return response.status_code

    return targets, ask


def _bad_paths(pattern, kwargs, url):
    """The URL with each text parameter replaced by bad bytes; for number-only URLs, bad bytes appended."""
    text_params = 0
    for param in pattern.params:
        if isinstance(pattern.converters.get(param), IntConverter):
            continue
        try:
            marked = reverse(pattern.name, kwargs={**kwargs, param: PLACEHOLDER})
        except NoReverseMatch:  # a parameter from a fixed list (the admin's app label)
            continue
        text_params += 1
        for label, raw in BAD.items():
            yield f"{label} in <{param}>", marked.replace(PLACEHOLDER, raw)
    if not text_params:
        for label, raw in BAD.items():
            yield f"{label} appended", url + raw


def test_bad_bytes_in_every_url_path_are_not_a_500(walk):
    targets, ask = walk
    failures = [f"{label}: GET {bad_url}" for pattern, kwargs, url in targets
                for label, bad_url in _bad_paths(pattern, kwargs, url) if ask("get", bad_url) >= 500]
    assert not failures, "\n".join(failures)


def test_bad_bytes_in_every_query_string_are_not_a_500(walk):
    targets, ask = walk
    names = read_parameter_names()
    failures = []
    for _pattern, _kwargs, url in targets:
        for label, raw in BAD.items():
            query = "&".join(f"{name}={raw}" for name in names) + f"&{raw}=1"
            if (status := ask("get", f"{url}?{query}")) >= 500:
                failures.append(f"{label}: GET {url}?{query} -> {status}")
    assert not failures, "\n".join(failures)


def test_nul_in_every_posted_form_is_not_a_500(walk):
    targets, ask = walk
    form = {name: f"a\x00{name}" for name in read_parameter_names()}
    failures = [f"POST {url} -> {status}" for _pattern, _kwargs, url in targets
                if (status := ask("post", url, form)) >= 500]
    assert not failures, "\n".join(failures)


def test_a_readable_request_still_reaches_its_page(client):
    """The guard only turns away unreadable bytes: accents and encoded spaces still work."""
    assert client.get(reverse("programs:catalog"), {"q": "análisis de datos", "page": "1"}).status_code == 200
    assert client.get("/programs/caf%C3%A9/").status_code == 404  # a real 404 from the page, not from the guard
