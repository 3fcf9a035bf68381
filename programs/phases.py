"""The one definition of a cohort's phase, with a Python form and an SQL form.

Both forms are read from the same rule table, so they cannot drift apart:
`phase_of(cohort, now)` walks the table in Python, `phase_expression(now)` turns it into one
SQL CASE expression (used by `Cohort.objects.with_phase()` / `.in_phase()`).
programs/tests/test_integrity.py checks the two against each other on generated cohorts.

The rules, first match wins:
  a coordinator's phase_override, when set;
  upcoming   before applications open;
  finished   after the mentorships' last day;
  accepting  while a rolling cohort runs, or before applications close;
  running    from the mentorships' first day;
  reviewing  before the review deadline;
  matching   otherwise.
"Today" for the calendar dates is programs.dates.cohort_today (the site's zone).
"""
import datetime as dt
import operator
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import cohort_today


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ACCEPTING = "accepting", _("Accepting applications")
    REVIEWING = "reviewing", _("Reviewing applications")
    MATCHING = "matching", _("Matching")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


# Phases in which a cohort no longer takes new mentors (the volunteer service refuses; the page hides the offer).
NO_NEW_MENTORS = (Phase.RUNNING, Phase.FINISHED)

NOW, TODAY = "now", "today"
_OPERATORS = {"gt": operator.gt, "lt": operator.lt, "lte": operator.le, "exact": operator.eq}


@dataclass(frozen=True)
class FieldTest:
    """`<field> <lookup> <against>`, where against is NOW, TODAY or a constant. An empty field never holds."""

    field: str
    lookup: str
    against: object

    def _operand(self, moments: dict):
        return moments.get(self.against, self.against) if isinstance(self.against, str) else self.against

    def holds(self, cohort, moments: dict) -> bool:
        value = getattr(cohort, self.field)
        return value is not None and _OPERATORS[self.lookup](value, self._operand(moments))

    def q(self, moments: dict, prefix: str = "") -> Q:
        return Q(**{f"{prefix}{self.field}__{self.lookup}": self._operand(moments)})


OVERRIDE_FIELD = "phase_override"
RULES: tuple[tuple[str, FieldTest], ...] = (
    (Phase.UPCOMING, FieldTest("applications_open_at", "gt", NOW)),
    (Phase.FINISHED, FieldTest("ends_on", "lt", TODAY)),
    (Phase.ACCEPTING, FieldTest("rolling", "exact", True)),
    (Phase.ACCEPTING, FieldTest("applications_close_at", "gt", NOW)),
    (Phase.RUNNING, FieldTest("starts_on", "lte", TODAY)),
    (Phase.REVIEWING, FieldTest("review_deadline", "gt", NOW)),
)
DEFAULT = Phase.MATCHING


def _moments(now: dt.datetime | None) -> dict:
    now = now or timezone.now()
    return {NOW: now, TODAY: cohort_today(now)}


def phase_of(cohort, now: dt.datetime | None = None) -> str:
    """The cohort's phase at `now`, in Python."""
    override = getattr(cohort, OVERRIDE_FIELD)
    if override:
        return override
    moments = _moments(now)
    for phase, test in RULES:
        if test.holds(cohort, moments):
            return phase
    return DEFAULT


def phase_expression(now: dt.datetime | None = None, *, prefix: str = "") -> Case:
    """The same rules as one SQL CASE; `prefix` reaches a cohort through a relation ("cohort__")."""
    moments = _moments(now)
    override = f"{prefix}{OVERRIDE_FIELD}"
    whens = [When(~Q(**{override: ""}), then=F(override))]
    whens += [When(test.q(moments, prefix), then=Value(phase)) for phase, test in RULES]
    return Case(*whens, default=Value(DEFAULT), output_field=models.CharField())


class CohortQuerySet(models.QuerySet):
    def with_phase(self, now: dt.datetime | None = None):
        """Each cohort with `current_phase`, computed in SQL by the one rule table."""
        return self.annotate(current_phase=phase_expression(now))

    def in_phase(self, *phases: str, now: dt.datetime | None = None):
        """Cohorts whose phase at `now` is one of `phases`."""
        return self.alias(_phase=phase_expression(now)).filter(_phase__in=phases)
