"""The mentoring part of each person's dashboard, and the coordinators' cohort overview.

Both read in a constant number of queries, however many mentorships there are: counts and
latest dates come from subqueries, the rest from one prefetch per relation.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..deadlines import RECENT_MEETINGS_DAYS, EvaluationState, evaluation_slots, is_at_risk, today, todos_for
from ..models import CheckIn, Closure, EarlyEndRequest, Evaluation, Goal, Meeting, Mentorship, Role
from .access import coordinated_cohorts_with_mentorships
from .pages import agreement_of, mentor_offer_for, next_cohorts_by_program

OFFER_SHOWN_FOR_DAYS = 180
EVALUATION_FIELDS = ("id", "mentorship_id", "stage", "direction", "due_on", "submitted_at")


def _live_meetings():
    return Meeting.objects.filter(mentorship=OuterRef("pk"), cancelled_at__isnull=True)


def _with_meeting_facts(qs, *, now):
    next_meeting = _live_meetings().filter(starts_at__gte=now).order_by("starts_at")
    last_meeting = _live_meetings().filter(starts_at__lte=now).order_by("-starts_at")
    recent = (
        _live_meetings().filter(starts_at__gte=now - dt.timedelta(days=RECENT_MEETINGS_DAYS), starts_at__lte=now)
        .order_by().values("mentorship").annotate(n=Count("pk")).values("n")
    )
    last_check_in = CheckIn.objects.filter(mentorship=OuterRef("pk")).order_by("-created_at")
    return qs.annotate(
        next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
        next_meeting_id=Subquery(next_meeting.values("pk")[:1]),
        last_meeting_at=Subquery(last_meeting.values("starts_at")[:1]),
        meetings_recent=Coalesce(Subquery(recent, output_field=IntegerField()), 0),
        last_check_in_at=Subquery(last_check_in.values("created_at")[:1]),
        has_pending_early_end=Exists(EarlyEndRequest.objects.filter(mentorship=OuterRef("pk"), status="pending")),
    )


@dataclass
class DashboardItem:
    mentorship: Mentorship
    role: str
    other: object
    todos: list
    goals: list = field(default_factory=list)
    offer: object = None

    @property
    def average_progress(self) -> int | None:
        goals = [g for g in self.goals if g.status != Goal.Status.DROPPED]
        return round(sum(g.progress for g in goals) / len(goals)) if goals else None


def dashboard_for(*, user, now=None) -> dict | None:
    now = now or timezone.now()
    on = today(now)
    recent_completion = now - dt.timedelta(days=OFFER_SHOWN_FOR_DAYS)
    mentorships = list(
        _with_meeting_facts(
            Mentorship.objects.for_person(user).filter(
                Q(status__in=Mentorship.OPEN_STATUSES)
                | Q(status=Mentorship.Status.COMPLETED, mentee=user, completed_at__gte=recent_completion)
            ),
            now=now,
        )
        .select_related("cohort__program", "cohort__mentoring_settings", "mentor__profile", "mentee__profile", "agreement")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("skills")),
            Prefetch("evaluations", queryset=Evaluation.objects.only(*EVALUATION_FIELDS)),
            Prefetch("closures", queryset=Closure.objects.only("id", "mentorship_id", "role")),
        )
        .order_by("ends_on", "pk")
    )
    completed_as_mentee = [m for m in mentorships if m.status == Mentorship.Status.COMPLETED]
    next_cohorts = {}
    if completed_as_mentee:
        next_cohorts = next_cohorts_by_program({m.cohort.program_id for m in completed_as_mentee}, now=now)
    as_mentee, as_mentor = [], []
    for m in mentorships:
        role = Role.MENTOR if m.mentor_id == user.pk else Role.MENTEE
        goals = list(m.goals.all())
        item = DashboardItem(
            mentorship=m, role=role, other=m.mentee if role == Role.MENTOR else m.mentor, goals=goals,
            todos=todos_for(
                m, role, on=on, agreement=agreement_of(m),
                evaluations=list(m.evaluations.all()), closures=list(m.closures.all()), last_check_in_at=m.last_check_in_at,
            ),
        )
        if m.status == Mentorship.Status.COMPLETED:
            item.offer = mentor_offer_for(m, goals, next_cohorts=next_cohorts)
        (as_mentor if role == Role.MENTOR else as_mentee).append(item)
    coordinated = list(coordinated_cohorts_with_mentorships(user=user))
    if not (as_mentee or as_mentor or coordinated):
        return None
    # The profile is already loaded with the mentorship rows: no extra query.
    is_mentor = completed_as_mentee[0].mentee.profile.is_mentor if completed_as_mentee else None
    return {"as_mentee": as_mentee, "as_mentor": as_mentor, "coordinated": coordinated, "is_mentor": is_mentor}


@dataclass
class OverviewRow:
    mentorship: Mentorship
    at_risk: bool
    slots: list
    overdue: int
    due: int


def cohort_overview(*, cohort, now=None) -> dict:
    """Every pair in a cohort: status, recent meetings, risk, evaluations due and overdue, completion."""
    now = now or timezone.now()
    on = today(now)
    mentorships = (
        _with_meeting_facts(Mentorship.objects.filter(cohort=cohort), now=now)
        .select_related("mentor__profile", "mentee__profile", "agreement")
        .prefetch_related(Prefetch("evaluations", queryset=Evaluation.objects.only(*EVALUATION_FIELDS)))
        .order_by("mentee__profile__display_name", "pk")
    )
    groups = {status: [] for status in Mentorship.Status.values}
    counts = dict.fromkeys(Mentorship.Status.values, 0)
    overdue_total = due_total = at_risk_total = 0
    for m in mentorships:
        m.cohort = cohort  # already loaded; saves a join per row
        slots = evaluation_slots(m, list(m.evaluations.all()), on=on)
        row = OverviewRow(
            mentorship=m, at_risk=is_at_risk(m, m.last_meeting_at, now=now, next_meeting_at=m.next_meeting_at), slots=slots,
            overdue=sum(s.state == EvaluationState.OVERDUE for s in slots),
            due=sum(s.state == EvaluationState.DUE for s in slots),
        )
        groups[m.status].append(row)
        counts[m.status] += 1
        overdue_total += row.overdue
        due_total += row.due
        at_risk_total += row.at_risk
    finished = counts[Mentorship.Status.COMPLETED] + counts[Mentorship.Status.ENDED_EARLY]
    return {
        "groups": [(Mentorship.Status(status), rows) for status, rows in groups.items() if rows],
        "counts": counts,
        "total": sum(counts.values()),
        "finished": finished,
        "completion_rate": round(100 * counts[Mentorship.Status.COMPLETED] / finished) if finished else None,
        "evaluations_overdue": overdue_total,
        "evaluations_due": due_total,
        "at_risk": at_risk_total,
        "pending_early_ends": list(
            EarlyEndRequest.objects.filter(mentorship__cohort=cohort, status=EarlyEndRequest.Status.PENDING)
            .select_related("mentorship__mentor__profile", "mentorship__mentee__profile", "requested_by__profile")
        ),
    }
