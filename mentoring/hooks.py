"""Where apps above mentoring plug in (mentoring imports none of them), registered from their AppConfig.ready.

- An evaluation extra adds fields to an evaluation form and keeps their answers inside the submitting
  transaction: `fields(*, mentorship, stage, direction) -> dict[name, Field]` and
  `save(*, evaluation, mentorship, actor, data)` (raise ValidationError to refuse the whole evaluation).
- A mentorship panel adds a section to the mentorship page: `panel(*, mentorship, role, user)` returns a
  dict with a "template" key (and its context), or None.
- A created callback runs inside `mentorship_create`'s transaction: `callback(*, mentorship)`.
"""
from collections.abc import Callable

_EVALUATION_EXTRAS: list = []
_MENTORSHIP_PANELS: list[Callable] = []
_MENTORSHIP_CREATED: list[Callable] = []


def register_evaluation_extra(extra):
    _EVALUATION_EXTRAS.append(extra)
    return extra


def register_mentorship_panel(panel: Callable) -> Callable:
    _MENTORSHIP_PANELS.append(panel)
    return panel


def register_mentorship_created(callback: Callable) -> Callable:
    _MENTORSHIP_CREATED.append(callback)
    return callback


def evaluation_extra_fields(*, mentorship, stage: str, direction: str) -> dict:
    fields = {}
    for extra in _EVALUATION_EXTRAS:
        fields.update(extra.fields(mentorship=mentorship, stage=stage, direction=direction))
    return fields


def evaluation_extras_save(*, evaluation, mentorship, actor, data: dict) -> None:
    for extra in _EVALUATION_EXTRAS:
        extra.save(evaluation=evaluation, mentorship=mentorship, actor=actor, data=data)


def mentorship_panels(*, mentorship, role: str, user) -> list[dict]:
    return [p for p in (panel(mentorship=mentorship, role=role, user=user) for panel in _MENTORSHIP_PANELS) if p]


def mentorship_created(*, mentorship) -> None:
    for callback in _MENTORSHIP_CREATED:
        callback(mentorship=mentorship)
