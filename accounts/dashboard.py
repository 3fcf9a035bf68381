"""The dashboard is assembled from sections that other apps register (accounts imports none of them)."""
from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register(section: Callable) -> Callable:
    """`section(request)` returns a dict with a "template" key (and its context), or None."""
    _SECTIONS.append(section)
    return section


def sections_for(request) -> list[dict]:
    return [s for s in (section(request) for section in _SECTIONS) if s]
