"""When things are due in a mentorship, and what each person still has to do.

Pure functions over rows the caller already loaded (no queries), so that pages listing
hundreds of mentorships stay at a constant number of queries. Dates are days in the site's zone (programs.dates.cohort_today).
"""
import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programs.dates import cohort_today

from .models import Direction, Mentorship, Role, Stage, cohort_settings

AT_RISK_AFTER_DAYS = 21
MEETING_BOOKED_SOON_DAYS = 7  # a meeting booked this soon clears the at-risk flag
RECENT_MEETINGS_DAYS = 30
CLOSURE_OPENS_DAYS_BEFORE = 14
# Evaluations are written while the pair runs; a completed pair already has both finals.
EVALUATION_STATUSES = (Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED)


def today(now: dt.datetime | None = None) -> dt.date:
    """Cohort dates are days in the site's zone: the one "today" is programs.dates.cohort_today."""
    return cohort_today(now)


def pair_dates(cohort, *, confirmed_on: dt.date, starts_on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A new pair's dates: a fixed cohort's own dates; in a rolling cohort the pair starts when it is
    confirmed (or on the date the two agreed) and lasts the cohort's configured length."""
    if not cohort.rolling:
        return cohort.starts_on, cohort.ends_on
    start = starts_on or confirmed_on
    return start, start + dt.timedelta(weeks=cohort_settings(cohort).mentorship_length_weeks)


def _share_of_span(mentorship, percent: int) -> dt.date:
    span = (mentorship.ends_on - mentorship.starts_on).days
    return mentorship.starts_on + dt.timedelta(days=span * percent // 100)


INITIAL_DUE_AFTER_PERCENT = 10


def evaluation_stages(cohort) -> list[str]:
    """The stages this cohort evaluates: midpoint and final, and the initial one when its window is set."""
    if cohort_settings(cohort).initial_opens_percent is None:
        return [s for s in Stage.values if s != Stage.INITIAL]
    return list(Stage.values)


def _opens_percent(settings, stage: str) -> int:
    if stage == Stage.INITIAL:
        return settings.initial_opens_percent or 0
    return settings.midpoint_opens_percent if stage == Stage.MIDPOINT else settings.final_opens_percent


def evaluation_opens_on(mentorship, stage: str) -> dt.date:
    """Evaluations open at a share of the pair's own span (the cohort's settings; 40 % and 85 % by default;
    the initial one only where the cohort sets it)."""
    return _share_of_span(mentorship, _opens_percent(cohort_settings(mentorship.cohort), stage))


def evaluation_due_on(mentorship, stage: str) -> dt.date:
    """When an evaluation is due. A fixed cohort's due dates apply to its pairs (an extended pair's final
    moves with its end); a rolling cohort's pairs follow their own dates. Never before the window opens."""
    cohort = mentorship.cohort
    fixed = not cohort.rolling
    if stage == Stage.INITIAL:
        percent = _opens_percent(cohort_settings(cohort), stage) + INITIAL_DUE_AFTER_PERCENT
        due = _share_of_span(mentorship, min(percent, 100))
    elif stage == Stage.MIDPOINT:
        due = cohort.midpoint_evaluation_due if fixed and cohort.midpoint_evaluation_due else _share_of_span(mentorship, 50)
    elif fixed and cohort.final_evaluation_due:
        due = cohort.final_evaluation_due + max(mentorship.ends_on - cohort.ends_on, dt.timedelta(0))
    else:
        due = mentorship.ends_on
    return max(due, evaluation_opens_on(mentorship, stage))


def evaluation_is_open(mentorship, stage: str, *, on: dt.date) -> bool:
    """Inside its window: from the day it opens while the pair runs (late evaluations are still welcome).
    Never for a stage the cohort does not evaluate (the initial one where its window is not set)."""
    return (
        mentorship.status in EVALUATION_STATUSES and stage in evaluation_stages(mentorship.cohort)
        and on >= evaluation_opens_on(mentorship, stage)
    )


class EvaluationState:
    NOT_OPEN_YET = "not_open_yet"
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    OVERDUE = "overdue"
    DUE = "due"
    NOT_EXPECTED = "not_expected"


@dataclass(frozen=True)
class EvaluationSlot:
    stage: str
    direction: str
    due_on: dt.date
    state: str
    evaluation: object = None
    opens_on: dt.date | None = None

    @property
    def is_late(self) -> bool:
        return self.state in (EvaluationState.OVERDUE, EvaluationState.SUBMITTED_LATE)

    @property
    def is_open_to_submit(self) -> bool:
        return self.state in (EvaluationState.OVERDUE, EvaluationState.DUE)

    def get_stage_display(self):
        return Stage(self.stage).label

    def get_direction_display(self):
        return Direction(self.direction).label

    def get_author_display(self):
        return _("by the mentor") if self.direction == Direction.ABOUT_MENTEE else _("by the mentee")


def evaluation_slots(mentorship, evaluations, *, on: dt.date) -> list[EvaluationSlot]:
    """The evaluations (the cohort's stages × two directions) and where each stands."""
    by_key = {(e.stage, e.direction): e for e in evaluations}
    slots = []
    for stage in evaluation_stages(mentorship.cohort):
        due, opens = evaluation_due_on(mentorship, stage), evaluation_opens_on(mentorship, stage)
        for direction in Direction.values:
            evaluation = by_key.get((stage, direction))
            if evaluation is not None:
                state = EvaluationState.SUBMITTED_LATE if evaluation.is_late else EvaluationState.SUBMITTED
            elif mentorship.status not in EVALUATION_STATUSES:
                state = EvaluationState.NOT_EXPECTED
            elif not evaluation_is_open(mentorship, stage, on=on):
                state = EvaluationState.NOT_OPEN_YET
            elif on > due:
                state = EvaluationState.OVERDUE
            else:
                state = EvaluationState.DUE
            slots.append(EvaluationSlot(stage, direction, due, state, evaluation, opens))
    return slots


def check_in_due_on(mentorship, last_check_in_at) -> dt.date:
    every = dt.timedelta(days=cohort_settings(mentorship.cohort).check_in_every_days)
    reference = cohort_today(last_check_in_at) if last_check_in_at else mentorship.starts_on
    return reference + every


def check_in_is_due(mentorship, last_check_in_at, *, on: dt.date) -> bool:
    return mentorship.status == Mentorship.Status.ACTIVE and on >= check_in_due_on(mentorship, last_check_in_at)


def meeting_booked_soon(next_meeting_at: dt.datetime | None, *, now: dt.datetime) -> bool:
    """A meeting is booked in the coming week: the pair is in touch, whatever the last meeting was."""
    return next_meeting_at is not None and now <= next_meeting_at <= now + dt.timedelta(days=MEETING_BOOKED_SOON_DAYS)


def is_at_risk(mentorship, last_meeting_at, *, now: dt.datetime, next_meeting_at: dt.datetime | None = None) -> bool:
    """An active pair that has not met for three weeks (counted from the start when they never met)
    and has no meeting booked in the coming week: a pair that is about to meet is not at risk."""
    if mentorship.status != Mentorship.Status.ACTIVE:
        return False
    if meeting_booked_soon(next_meeting_at, now=now):
        return False
    limit = dt.timedelta(days=AT_RISK_AFTER_DAYS)
    if today(now) - mentorship.starts_on < limit:
        return False
    return last_meeting_at is None or now - last_meeting_at > limit


@dataclass(frozen=True)
class Todo:
    label: str
    url: str
    due_on: dt.date | None = None
    overdue: bool = False


def todos_for(mentorship, role: str, *, on: dt.date, agreement, evaluations, closures, last_check_in_at) -> list[Todo]:
    """What this person should do next in this mentorship, most important first."""
    if role not in (Role.MENTOR, Role.MENTEE) or not mentorship.is_open:
        return []
    pk = mentorship.pk
    todos = []
    if agreement is None:
        todos.append(Todo(_("Write your agreement: goals, expectations and how you meet"),
                          reverse("mentoring:agreement_edit", args=[pk])))
    elif agreement.accepted_at(role) is None:
        todos.append(Todo(_("Read and accept your agreement"), reverse("mentoring:agreement", args=[pk])))
    if role == Role.MENTEE and check_in_is_due(mentorship, last_check_in_at, on=on):
        due = check_in_due_on(mentorship, last_check_in_at)
        todos.append(Todo(_("Check in: how is it going?"), reverse("mentoring:check_in_create", args=[pk]), due, on > due))
    mine = Direction.written_by(role)
    for slot in evaluation_slots(mentorship, evaluations, on=on):
        if slot.direction != mine or slot.state not in (EvaluationState.DUE, EvaluationState.OVERDUE):
            continue
        label = {Stage.INITIAL: _("Initial evaluation"), Stage.MIDPOINT: _("Midpoint evaluation")}.get(
            slot.stage, _("Final evaluation"))
        todos.append(Todo(label, reverse("mentoring:evaluation_submit", args=[pk, slot.stage]), slot.due_on,
                          slot.state == EvaluationState.OVERDUE))
    from .selectors.capabilities import Facts, capability_refusal

    facts = Facts(evaluations=frozenset((e.stage, e.direction) for e in evaluations),
                  closed_roles=frozenset(c.role for c in closures))
    if on >= mentorship.ends_on - dt.timedelta(days=CLOSURE_OPENS_DAYS_BEFORE):
        if capability_refusal("close", mentorship=mentorship, role=role, facts=facts, on=on) is None:
            todos.append(Todo(_("Close the mentorship: reflect and say thank you"),
                              reverse("mentoring:closure", args=[pk]), mentorship.ends_on, on > mentorship.ends_on))
    return todos
