"""Apps take part through their `privacy` module; the orchestrator sits on top and nobody imports it."""
import re
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from privacy import registry, services

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_every_app_with_personal_data_provides_the_functions():
    found = {p.label: p for p in registry.providers()}
    assert {"accounts", "organizations", "programs", "mentoring", "mentor_requests", "notifications", "stipends",
            "contributions", "programwork", "api"} <= set(found)
    for label in ("programs", "mentoring", "contributions", "stipends"):
        assert all(found[label].has(name) for name in ("export_for_user", "erase_for_user", "purge_for_cohort"))
    for label in ("programwork", "api", "organizations"):
        assert all(found[label].has(name) for name in ("export_for_user", "erase_for_user", "deletion_plan_for_user"))
    # Erasure runs from the top of the layering down: accounts (the email, the name) goes last.
    order = [p.label for p in registry.with_function("erase_for_user", top_down=True)]
    assert order[-1] == "accounts" and order.index("mentoring") < order.index("programs")


def test_an_app_added_later_plugs_in_by_providing_a_privacy_module(monkeypatch):
    module = types.ModuleType("matching.privacy")  # matching has none today: stands in for stipends
    module.export_for_user = lambda *, user: {"instalments": ["paid"]}
    module.erase_for_user = lambda *, user: {"bank_details": 1}
    module.purge_for_cohort = lambda *, cohort, dry_run: {"matching.payment_details": 3}
    monkeypatch.setitem(sys.modules, "matching.privacy", module)
    registry.providers.cache_clear()
    try:
        assert services.export_data_for_user(user=UserFactory())["matching"] == {"instalments": ["paid"]}
    finally:
        registry.providers.cache_clear()


def test_no_app_imports_the_privacy_app():
    pattern = re.compile(r"^\s*(from privacy[ .]|import privacy\b)", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT)) for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in ("privacy", ".venv", "tests", "bench") and pattern.search(path.read_text())
    ]
    assert offenders == []
