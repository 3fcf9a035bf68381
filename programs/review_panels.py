"""Panels that apps beside or above programs add to the review and application pages.

programs imports none of them: `register(panel, page="review"|"application")`, where
`panel(*, application, viewer)` returns a dict with a "template" key (and its context) or None.
A panel must read what it shows in a constant number of queries.
"""
from collections.abc import Callable

_PANELS: dict[str, list[Callable]] = {"review": [], "application": []}


def register(panel: Callable, *, page: str = "review") -> Callable:
    if panel not in _PANELS[page]:
        _PANELS[page].append(panel)
    return panel


def panels_for(*, page: str, application, viewer) -> list[dict]:
    return [p for p in (panel(application=application, viewer=viewer) for panel in _PANELS[page]) if p]
