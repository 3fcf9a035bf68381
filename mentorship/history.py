"""Who changed a historied row (django-simple-history), also when there is no request.

In order: an explicit `acting_as(actor)` (tasks and commands wrap their work in it), the request's user
(`simple_history.middleware.HistoryRequestMiddleware`; DRF sets it on the request too), then the row's
own record of who acted (`decided_by`, `updated_by`, ...: services set it from their `actor` argument), so
a service called from a shell, a test or a worker still names the person it acted for.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

_actor: ContextVar = ContextVar("history_actor", default=None)


@contextmanager
def acting_as(user):
    token = _actor.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _actor.reset(token)


def _authenticated(user):
    return user if getattr(user, "is_authenticated", False) else None


def history_user(instance=None, request=None, *, actor_field: str = "", **kwargs):
    """`get_user` for HistoricalRecords (see the module docstring for the order)."""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = _authenticated(getattr(request, "user", None)) if request is not None else None
    if user is None and actor_field and instance is not None:
        user = getattr(instance, actor_field, None)
    return user


def actor_from(field: str):
    """`get_user` for a model that records its actor in `field` (e.g. "decided_by")."""

    def get_user(instance=None, request=None, **kwargs):
        return history_user(instance=instance, request=request, actor_field=field, **kwargs)

    return get_user


def audit_history(*, actor_field: str = "", **kwargs) -> HistoricalRecords:
    """The site's HistoricalRecords: the user found as above, and no database constraint on the history's
    user column. With one, every history row would take a key-share lock on the acting user's row, which
    deadlocks against the services that lock that row to count what a person has (applications per season).
    Users are never deleted (accounts are anonymised), so nothing dangles."""
    get_user = actor_from(actor_field) if actor_field else history_user
    return HistoricalRecords(get_user=get_user, user_db_constraint=False, **kwargs)
