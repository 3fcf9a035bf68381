"""The apps' privacy providers, found by convention: every installed app may have a `privacy` module.

A provider module defines any of:

- `export_for_user(*, user) -> dict`: JSON-ready data the app holds about the person (nobody else's).
- `export_files_for_user(*, user) -> list[tuple[str, File]]`: (name in the archive, open-able file).
- `deletion_plan_for_user(*, user) -> list[str]`: what deleting the account will do, in words.
- `erase_for_user(*, user) -> dict`: erase or anonymise; returns counts and optional "handovers"
  ({"cohort_id", "what", "url", "other_user_id"}) that the orchestrator tells the coordinators about.
- `purge_for_cohort(*, cohort, dry_run) -> dict[str, int]`: purge the cohort's sensitive data once its
  retention period has passed (or only count it, for a dry run).

Apps added later (stipends, contributions...) plug in by adding the module: nothing to register.
"""
import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from django.apps import apps


@dataclass(frozen=True)
class Provider:
    label: str
    module: ModuleType

    def has(self, name: str) -> bool:
        return callable(getattr(self.module, name, None))

    def call(self, name: str, **kwargs):
        return getattr(self.module, name)(**kwargs)


@cache
def providers() -> tuple[Provider, ...]:
    """In INSTALLED_APPS order: lower layers first."""
    found = []
    for config in apps.get_app_configs():
        if config.name == __package__:
            continue
        module_name = f"{config.name}.privacy"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        found.append(Provider(label=config.label, module=module))
    return tuple(found)


def with_function(name: str, *, top_down: bool = False) -> list[Provider]:
    """Providers that define `name`. Erasure runs top-down (higher layers first, accounts last), so that
    every app still sees the person's name and email while it erases what mentions them."""
    found = [p for p in providers() if p.has(name)]
    return list(reversed(found)) if top_down else found
