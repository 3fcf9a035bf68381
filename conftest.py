"""Shared fixtures. With CI=true, a skipped test fails the run: CI must run everything."""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls that
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(condition: bool, reason: str):
    """Skip locally when a service is missing; fail in CI, where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test but cannot: {reason}")
    pytest.skip(reason)


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped)} test(s) were skipped; in CI that is a failure: " + ", ".join(_skipped[:10]),
            red=True,
        )


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set (start Redis and export REDIS_URL=redis://127.0.0.1:6379/0)")
    return url


@pytest.fixture(scope="session")
def _playwright():
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    )
    yield browser
    browser.close()


def searchable_lists_ready(page):
    """Searchable lists (static/js/widgets.js) are built after the page loads: wait for them before typing."""
    page.locator("html[data-widgets-ready]").wait_for(state="attached")


@pytest.fixture
def page(chromium, live_server, settings):
    """A fresh browser context per test, pointed at the live server."""
    settings.SITE_URL = live_server.url
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if os.environ.get("BROWSER_SCREENSHOTS"):
        os.makedirs("test-artifacts", exist_ok=True)
        name = os.environ.get("PYTEST_CURRENT_TEST", "page").split(":")[-1].split(" ")[0]
        page.screenshot(path=f"test-artifacts/{name}.png", full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Transactional tests flush the database afterwards, including the rows that data migrations
    load (spoken languages, the site). Load them again for every test that runs in transactions."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_languages_and_site").load(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Debounce keys, rate limits and cached suggestions live in the cache: every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Spanish or Portuguese leaves its language active in the thread; every test starts and
    ends in the site's default language, so no test depends on the one before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
