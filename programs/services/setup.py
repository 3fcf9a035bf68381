"""Coordinators set up their own cohorts: create or copy one, its dates, opening and closing, questions, rubric.

Every verb checks that the actor coordinates the program and runs in one transaction with the cohort
locked. Apps above programs (mentoring, matching) copy their own per-cohort settings through
`register_cohort_copier`, so a copied cohort carries them without programs importing those apps.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApplicationQuestion, Cohort, Phase, Program, Review, ReviewCriterion
from ..permissions import is_coordinator

# Fields a coordinator edits on the dates page (the rest of a cohort is copied as it is).
DATE_FIELDS = (
    "applications_open_at", "applications_close_at", "review_deadline", "starts_on", "ends_on",
    "midpoint_evaluation_due", "final_evaluation_due",
)
COHORT_FIELDS = ("name", "season", "rolling", "max_mentees", "max_applications_per_season", *DATE_FIELDS)
QUESTION_FIELDS = ("prompt", "help_text", "kind", "choices", "required")
CRITERION_FIELDS = ("name", "description", "weight")
# How long a copied cohort that was closed stays open when a coordinator opens it now.
DEFAULT_OPEN_DAYS = 14

_copiers: list[Callable[[Cohort, Cohort, timedelta], None]] = []


def register_cohort_copier(copier: Callable[[Cohort, Cohort, timedelta], None]):
    """`copier(source, target, shift)` copies an app's per-cohort rows; called inside cohort_copy's transaction."""
    if copier not in _copiers:
        _copiers.append(copier)
    return copier


def _require_coordinator(actor, program_id: int) -> None:
    if not is_coordinator(actor, program_id):
        raise PermissionDenied


def _locked_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)


def cohort_create(*, actor, program: Program, data: dict) -> Cohort:
    _require_coordinator(actor, program.pk)
    cohort = Cohort(program=program, **{f: data[f] for f in COHORT_FIELDS if f in data})
    cohort.full_clean()
    with transaction.atomic():
        cohort.save()
    return cohort


def cohort_copy(*, actor, source: Cohort, name: str, applications_open_at: datetime, season: str = "") -> Cohort:
    """A new cohort like `source`: every date moved by the same amount, its questions, rubric and the
    settings that apps above programs registered, copied."""
    _require_coordinator(actor, source.program_id)
    shift = applications_open_at - source.applications_open_at
    days = timedelta(days=round(shift.total_seconds() / 86400))  # calendar dates move by whole days
    target = Cohort(
        program_id=source.program_id, name=name, season=season, rolling=source.rolling,
        max_mentees=source.max_mentees, max_applications_per_season=source.max_applications_per_season,
        applications_open_at=applications_open_at,
    )
    for field in ("applications_close_at", "review_deadline"):
        value = getattr(source, field)
        setattr(target, field, value + shift if value else None)
    for field in ("starts_on", "ends_on", "midpoint_evaluation_due", "final_evaluation_due"):
        value = getattr(source, field)
        setattr(target, field, value + days if value else None)
    target.full_clean()
    with transaction.atomic():
        target.save()
        ApplicationQuestion.objects.bulk_create(
            ApplicationQuestion(cohort=target, **{f: getattr(q, f) for f in (*QUESTION_FIELDS, "order")})
            for q in source.questions.all()
        )
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(cohort=target, **{f: getattr(c, f) for f in (*CRITERION_FIELDS, "order")})
            for c in source.criteria.all()
        )
        for copier in _copiers:
            copier(source, target, days)
    return target


def cohort_dates_preview(cohort: Cohort, data: dict, now: datetime | None = None) -> tuple[Cohort, str]:
    """The cohort as it would be with `data`, unsaved, and its phase then (the one rule: programs.phases)."""
    preview = Cohort(**{f.attname: getattr(cohort, f.attname) for f in Cohort._meta.concrete_fields})
    for field in COHORT_FIELDS:
        if field in data:
            setattr(preview, field, data[field])
    return preview, preview.phase_at(now)


def cohort_update(*, actor, cohort: Cohort, data: dict) -> Cohort:
    _require_coordinator(actor, cohort.program_id)
    with transaction.atomic():
        cohort = _locked_cohort(cohort)
        for field in COHORT_FIELDS:
            if field in data:
                setattr(cohort, field, data[field])
        cohort.full_clean()
        cohort.save()
    return cohort


# --- Opening and closing now ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


def _plan(cohort: Cohort, *, open_now: bool, now: datetime) -> list[Change]:
    """What "open now" / "close now" would change, field by field (the confirmation page lists it)."""
    phase = cohort.phase_at(now)
    if open_now and phase == Phase.ACCEPTING:
        raise ValidationError(_("Applications are already open: nothing was changed."), code="already_open")
    if not open_now and phase != Phase.ACCEPTING:
        raise ValidationError(_("Applications are not open: nothing was changed."), code="not_open")
    changes = []
    if open_now:
        if cohort.applications_open_at > now:
            changes.append(Change("applications_open_at", cohort.applications_open_at, now))
        if not cohort.rolling and (cohort.applications_close_at is None or cohort.applications_close_at <= now):
            changes.append(Change("applications_close_at", cohort.applications_close_at,
                                  now + timedelta(days=DEFAULT_OPEN_DAYS)))
    else:
        if cohort.applications_open_at >= now:
            changes.append(Change("applications_open_at", cohort.applications_open_at, now - timedelta(seconds=1)))
        changes.append(Change("applications_close_at", cohort.applications_close_at, now))
        if cohort.rolling:
            changes.append(Change("rolling", True, False))
    if cohort.phase_override:
        changes.append(Change("phase_override", cohort.phase_override, ""))
    return changes


def applications_window_plan(cohort: Cohort, *, open_now: bool, now: datetime | None = None) -> list[Change]:
    return _plan(cohort, open_now=open_now, now=now or timezone.now())


def applications_window_set(*, actor, cohort: Cohort, open_now: bool, now: datetime | None = None) -> list[Change]:
    """Open or close applications now; refuses (ValidationError) when they already are. Returns the changes."""
    _require_coordinator(actor, cohort.program_id)
    now = now or timezone.now()
    with transaction.atomic():
        cohort = _locked_cohort(cohort)
        changes = _plan(cohort, open_now=open_now, now=now)
        for change in changes:
            setattr(cohort, change.field, change.after)
        cohort.full_clean()
        cohort.save()
    return changes


# --- Questions -----------------------------------------------------------------------


def question_save(*, actor, cohort: Cohort, data: dict, question: ApplicationQuestion | None = None) -> ApplicationQuestion:
    """Add or change a question. Answers already given keep the wording they answered (Answer.prompt)."""
    _require_coordinator(actor, cohort.program_id)
    with transaction.atomic():
        cohort = _locked_cohort(cohort)
        if question is None:
            last = cohort.questions.aggregate(m=Max("order"))["m"]
            question = ApplicationQuestion(cohort=cohort, order=0 if last is None else last + 1)
        else:
            question = ApplicationQuestion.objects.select_for_update().get(pk=question.pk, cohort=cohort)
        for field in QUESTION_FIELDS:
            if field in data:
                setattr(question, field, data[field])
        question.full_clean()
        question.save()
    return question


def question_delete(*, actor, question: ApplicationQuestion) -> None:
    """Remove a question; its answers stay with the application, with the wording asked."""
    _require_coordinator(actor, question.cohort.program_id)
    with transaction.atomic():
        _locked_cohort(question.cohort)
        ApplicationQuestion.objects.filter(pk=question.pk).delete()


def _move(model, *, rows, item, step: int) -> None:
    rows = list(rows)
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index + step
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows):
        row.order = order
    model.objects.bulk_update(rows, ["order"])


def question_move(*, actor, question: ApplicationQuestion, step: int) -> None:
    """Move a question one place up (step -1) or down (+1); orders are renumbered 0..n-1."""
    _require_coordinator(actor, question.cohort.program_id)
    with transaction.atomic():
        cohort = _locked_cohort(question.cohort)
        _move(ApplicationQuestion, rows=cohort.questions.order_by("order", "pk"), item=question, step=step)


# --- Rubric --------------------------------------------------------------------------


def rubric_locked(cohort: Cohort) -> bool:
    """Once reviews are written the rubric stays as it is, so that every score means the same."""
    return Review.objects.filter(application__cohort=cohort).exists()


def _require_rubric_open(cohort: Cohort) -> None:
    if rubric_locked(cohort):
        raise ValidationError(
            _("Reviews have been written with this rubric: it can no longer change, so that every score means the same."),
            code="rubric_locked",
        )


def criterion_save(*, actor, cohort: Cohort, data: dict, criterion: ReviewCriterion | None = None) -> ReviewCriterion:
    _require_coordinator(actor, cohort.program_id)
    with transaction.atomic():
        cohort = _locked_cohort(cohort)
        _require_rubric_open(cohort)
        if criterion is None:
            last = cohort.criteria.aggregate(m=Max("order"))["m"]
            criterion = ReviewCriterion(cohort=cohort, order=0 if last is None else last + 1)
        else:
            criterion = ReviewCriterion.objects.select_for_update().get(pk=criterion.pk, cohort=cohort)
        for field in CRITERION_FIELDS:
            if field in data:
                setattr(criterion, field, data[field])
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_delete(*, actor, criterion: ReviewCriterion) -> None:
    _require_coordinator(actor, criterion.cohort.program_id)
    with transaction.atomic():
        cohort = _locked_cohort(criterion.cohort)
        _require_rubric_open(cohort)
        ReviewCriterion.objects.filter(pk=criterion.pk).delete()
