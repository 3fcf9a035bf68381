"""Who changed a historied row (django-simple-history), when there is no request.

Pages get the user from `simple_history.middleware.HistoryRequestMiddleware`; tasks, commands and
services run outside a request wrap their work in `acting_as(actor)` so the audit history names the
person who asked for it (or nobody, for the scheduler).
"""
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("history_actor", default=None)


@contextmanager
def acting_as(user):
    token = _actor.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _actor.reset(token)


def history_user(instance=None, request=None, **kwargs):
    """`get_user` for HistoricalRecords: an explicit `acting_as` wins, then the request's user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None
