"""The audit history of one cohort, read from django-simple-history's tables, permission-scoped.

Twelve sources (program and cohort settings, questions, rubric, enrollments, application decisions,
reviews, matching weights, proposals, pair rules, mentoring settings, evaluation questions). Each is
read with two queries whatever the number of rows (the page's records, then their previous versions),
so the page's query count does not grow with the history.
"""
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from matching.models import MatchingSettings, MatchProposal, MatchRun, PairRule
from mentoring.models import CohortMentoringSettings, EvaluationQuestion
from programs.models import (
    Application,
    ApplicationQuestion,
    Cohort,
    MentorEnrollment,
    Program,
    Review,
    ReviewCriterion,
)
from programs.selectors import cohort_get_for_coordinator

PAGE_SIZE = 50
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    model: type
    scope: object  # cohort -> filter kwargs on the historical model
    describe: object  # record -> str


def _ids(queryset):
    return queryset.values("pk")


SOURCES = [
    Source("program", _("Program settings"), Program, lambda c: {"id": c.program_id}, lambda r: r.name),
    Source("cohort", _("Cohort settings"), Cohort, lambda c: {"id": c.pk}, lambda r: r.name),
    Source("question", _("Application questions"), ApplicationQuestion, lambda c: {"cohort_id": c.pk},
           lambda r: r.prompt),
    Source("criterion", _("Review rubric"), ReviewCriterion, lambda c: {"cohort_id": c.pk}, lambda r: r.name),
    Source("enrollment", _("Mentor enrollment decisions"), MentorEnrollment, lambda c: {"cohort_id": c.pk},
           lambda r: _("enrollment #%(id)s") % {"id": r.id}),
    Source("application", _("Application decisions"), Application, lambda c: {"cohort_id": c.pk},
           lambda r: _("application #%(id)s") % {"id": r.id}),
    Source("review", _("Reviews"), Review,
           lambda c: {"application_id__in": _ids(Application.objects.filter(cohort=c))},
           lambda r: _("review #%(id)s of application #%(application)s") % {"id": r.id, "application": r.application_id}),
    Source("matching_settings", _("Matching weights and settings"), MatchingSettings, lambda c: {"cohort_id": c.pk},
           lambda r: _("matching settings")),
    Source("proposal", _("Matching actions (swap, lock, confirm)"), MatchProposal,
           lambda c: {"run_id__in": _ids(MatchRun.objects.filter(cohort=c))},
           lambda r: _("proposal #%(id)s for application #%(application)s") % {"id": r.id, "application": r.application_id}),
    Source("pair_rule", _("Pair rules (lock, rule out)"), PairRule, lambda c: {"cohort_id": c.pk},
           lambda r: _("%(kind)s: application #%(application)s, enrollment #%(enrollment)s")
           % {"kind": r.get_kind_display(), "application": r.application_id, "enrollment": r.enrollment_id}),
    Source("mentoring_settings", _("Mentorship settings"), CohortMentoringSettings, lambda c: {"cohort_id": c.pk},
           lambda r: _("mentorship settings")),
    Source("evaluation_question", _("Evaluation questions"), EvaluationQuestion, lambda c: {"cohort_id": c.pk},
           lambda r: r.prompt),
]
SOURCE_CHOICES = [(s.key, s.label) for s in SOURCES]
IGNORED_FIELDS = {"updated_at", "created_at"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: object
    source: Source
    what: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(historical_model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    model_field = historical_model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _changes(record, previous) -> list[Change]:
    if previous is None:
        return []
    model = type(record)
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    result = []
    for change in delta.changes:
        if change.field in IGNORED_FIELDS:
            continue
        label = str(model._meta.get_field(change.field).verbose_name)
        result.append(Change(label, _display(model, change.field, change.old), _display(model, change.field, change.new)))
    return result


def _records(source: Source, cohort, *, limit: int):
    historical = source.model.history.model
    previous = historical.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")) \
        .order_by("-history_date", "-history_id").values("history_id")[:1]
    return list(
        historical.objects.filter(**source.scope(cohort)).select_related("history_user__profile")
        .annotate(previous_history_id=Subquery(previous))
        .order_by("-history_date", "-history_id")[:limit]
    )


def cohort_history(*, user, cohort_pk: int, kind: str = "", page: int = 1):
    """(cohort, entries of the page, has_next). Coordinators of the cohort's program and site admins only;
    404 for anyone else and for a missing cohort."""
    cohort = cohort_get_for_coordinator(user=user, pk=cohort_pk)
    page = max(1, page)
    limit = page * PAGE_SIZE + 1
    sources = [s for s in SOURCES if not kind or s.key == kind]
    tagged = []
    for source in sources:
        tagged += [(record, source) for record in _records(source, cohort, limit=limit)]
    tagged.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    start = (page - 1) * PAGE_SIZE
    window, has_next = tagged[start:start + PAGE_SIZE], len(tagged) > start + PAGE_SIZE
    # The previous versions of the shown records, one query per source that has any.
    previous_ids: dict[type, set] = {}
    for record, _source in window:
        if record.previous_history_id:
            previous_ids.setdefault(type(record), set()).add(record.previous_history_id)
    previous = {}
    for historical, ids in previous_ids.items():
        for row in historical.objects.filter(history_id__in=ids):
            previous[(historical, row.history_id)] = row
    entries = [
        Entry(
            when=record.history_date, who=record.history_user, source=source, what=source.describe(record),
            action=str(ACTIONS.get(record.history_type, record.history_type)),
            changes=_changes(record, previous.get((type(record), record.previous_history_id))),
        )
        for record, source in window
    ]
    return cohort, entries, has_next
