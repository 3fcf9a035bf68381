"""Where apps above programs plug into decisions (programs imports none of them), registered from their
AppConfig.ready.

- An accepted callback runs inside the accepting transaction: `callback(*, application)`.
- A decision warning is shown on the confirmation page before coordinators decide:
  `warning(*, cohort, status, applications) -> list[str]`.
"""
from collections.abc import Callable

_ACCEPTED: list[Callable] = []
_DECISION_WARNINGS: list[Callable] = []


def register_application_accepted(callback: Callable) -> Callable:
    _ACCEPTED.append(callback)
    return callback


def register_decision_warning(warning: Callable) -> Callable:
    _DECISION_WARNINGS.append(warning)
    return warning


def application_accepted(*, application) -> None:
    for callback in _ACCEPTED:
        callback(application=application)


def decision_warnings(*, cohort, status: str, applications) -> list[str]:
    return [w for warning in _DECISION_WARNINGS for w in warning(cohort=cohort, status=status, applications=applications)]
