"""GET never writes: every URL of the site, asked with GET by every kind of person, leaves the row
count of every table as it was.

The URLs come from `get_resolver()` (a page added tomorrow is walked too); the objects behind them
from one scenario with one of everything (`tests.url_walk.build_world`). Each request runs in a
savepoint that is rolled back, so a page that does write is reported alone and does not change
what the next one sees.
"""
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.url_walk import ROLES, build_world, fill, url_patterns

pytestmark = pytest.mark.django_db

def row_counts() -> dict[str, int]:
    """Rows in every table of every installed model, in one query."""
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def get_urls(world) -> list[tuple[str, str]]:
    urls = []
    for pattern in url_patterns():
        kwargs = fill(pattern, world)
        if kwargs is not None:
            urls.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return urls


def writes(client, url: str) -> dict[str, tuple[int, int]]:
    """Tables whose row count a GET of `url` changed: {table: (before, after)}."""
    with transaction.atomic():
        before = row_counts()
        client.get(url)
        after = row_counts()
        transaction.set_rollback(True)
    return {table: (before[table], after[table]) for table in before if before[table] != after[table]}


def walk(world, role: str) -> dict[str, dict]:
    client = Client(raise_request_exception=False)
    world.login(client, role)
    found = {}
    for name, url in get_urls(world):
        if name.startswith("admin:") and role != "site_admin":
            continue  # the admin only lets staff in
        changed = writes(client, url)
        if changed:
            found[f"{name} {url}"] = changed
    return found


def test_the_walk_reaches_every_page_of_the_site():
    world = build_world()
    names = {name for name, _url in get_urls(world)}
    for expected in ("programs:cohort_dashboard", "mentoring:meeting_detail", "matching:run_detail",
                     "mentor_requests:detail", "organizations:project_detail", "accounts:dashboard",
                     "admin:mentoring_mentorship_change", "account_login",
                     # the pages that wrote on GET before issue 10: the apply page, an evaluation, matching settings
                     "programs:application_edit", "mentoring:evaluation_submit", "matching:cohort"):
        assert expected in names
    assert len(names) > 200


@pytest.mark.parametrize("role", ROLES)
def test_get_never_writes(role):
    found = walk(build_world(), role)
    assert not found, "\n".join(f"{page}: {changed}" for page, changed in found.items())
