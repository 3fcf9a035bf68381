"""Coordinators set up how a cohort's mentorships run: its settings row and its evaluation questions.

Registered with programs.services.setup so that copying a cohort copies these too.
"""
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from programs.models import Cohort
from programs.permissions import is_coordinator

from ..models import CohortMentoringSettings, EvaluationQuestion
from .evaluations import evaluation_questions_ensure

SETTINGS_EXCLUDED = ("id", "cohort")
QUESTION_FIELDS = ("prompt", "help_text", "kind", "required")


def settings_fields() -> list[str]:
    """Every editable setting of the row (new settings appear on the page without a change here)."""
    return [f.name for f in CohortMentoringSettings._meta.concrete_fields if f.name not in SETTINGS_EXCLUDED]


def _require(actor, cohort: Cohort) -> None:
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied


def mentoring_settings_save(*, actor, cohort: Cohort, data: dict) -> CohortMentoringSettings:
    _require(actor, cohort)
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        row = CohortMentoringSettings.objects.filter(cohort=cohort).first() or CohortMentoringSettings(cohort=cohort)
        for field in settings_fields():
            if field in data:
                setattr(row, field, data[field])
        row.full_clean()
        row.save()
    return row


def evaluation_question_add(*, actor, cohort: Cohort, stage: str, direction: str, data: dict) -> EvaluationQuestion:
    """Add a question to a stage and direction; the defaults become the cohort's own first, so none is lost."""
    _require(actor, cohort)
    with transaction.atomic():
        evaluation_questions_ensure(cohort=cohort, stage=stage, direction=direction)
        last = EvaluationQuestion.objects.filter(cohort=cohort, stage=stage, direction=direction).aggregate(
            m=Max("order"))["m"]
        question = EvaluationQuestion(cohort=cohort, stage=stage, direction=direction,
                                      order=0 if last is None else last + 1,
                                      **{f: data[f] for f in QUESTION_FIELDS if f in data})
        question.full_clean()
        question.save()
    return question


def evaluation_question_save(*, actor, question: EvaluationQuestion, data: dict) -> EvaluationQuestion:
    """Evaluations already written keep the prompt they answered (EvaluationAnswer.prompt)."""
    _require(actor, question.cohort)
    with transaction.atomic():
        question = EvaluationQuestion.objects.select_for_update().get(pk=question.pk)
        for field in QUESTION_FIELDS:
            if field in data:
                setattr(question, field, data[field])
        question.full_clean()
        question.save()
    return question


def evaluation_question_delete(*, actor, question: EvaluationQuestion) -> None:
    _require(actor, question.cohort)
    with transaction.atomic():
        EvaluationQuestion.objects.filter(pk=question.pk).delete()


def copy_mentoring_setup(source: Cohort, target: Cohort, shift: timedelta) -> None:
    """programs.services.setup.cohort_copy calls this: the evaluation questions and settings go along."""
    EvaluationQuestion.objects.bulk_create(
        EvaluationQuestion(cohort=target, stage=q.stage, direction=q.direction, order=q.order,
                           **{f: getattr(q, f) for f in QUESTION_FIELDS})
        for q in EvaluationQuestion.objects.filter(cohort=source)
    )
    row = CohortMentoringSettings.objects.filter(cohort=source).first()
    if row is not None:
        row.pk, row.id, row.cohort = None, None, target
        row._state.adding = True
        row.save()
