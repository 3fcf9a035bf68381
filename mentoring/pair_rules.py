"""Rules from the apps above mentoring that may forbid a pair: a coordinator's rule-out, a lock to
another mentor, a declared conflict of interest (all defined in matching).

`mentorship_create`, the one door for every pair, asks them inside its locked transaction, so a pair
by hand, a confirmed proposal and an accepted direct request obey the same rules. Apps register a
checker from their AppConfig.ready; mentoring imports none of them.
"""
from collections.abc import Callable

Checker = Callable[..., str]
_checkers: list[Checker] = []


def register(checker: Checker) -> Checker:
    """`checker(*, enrollment, mentee, application)` returns why the pair is forbidden, or ""."""
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def pair_refused(*, enrollment, mentee, application=None) -> str:
    """Why the registered rules forbid pairing `mentee` with this mentor's place ("" when they allow it)."""
    for checker in _checkers:
        reason = checker(enrollment=enrollment, mentee=mentee, application=application)
        if reason:
            return reason
    return ""
