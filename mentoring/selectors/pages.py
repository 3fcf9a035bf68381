"""What the mentorship pages show, read in a fixed number of queries."""
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Cohort, Phase

from ..deadlines import evaluation_slots, today, todos_for
from ..models import (
    ActionItem,
    CalendarFeed,
    CheckIn,
    Closure,
    Direction,
    EarlyEndRequest,
    Evaluation,
    EvaluationAnswer,
    Goal,
    GoalComment,
    Meeting,
    MeetingPrivateNote,
    Mentorship,
    MentorshipExtension,
    Role,
)
from .access import COORDINATOR, may_read_evaluation
from .capabilities import Facts, extended_days, mentorship_capabilities

RECENT_MEETINGS = 10
RECENT_CHECK_INS = 5


def next_cohorts_by_program(program_ids: Iterable[int], *, now=None) -> dict[int, Cohort]:
    """For each program, its next cohort that is upcoming or accepting applications (one query;
    the phase is programs' one rule, in SQL)."""
    candidates = (
        Cohort.objects.in_phase(Phase.UPCOMING, Phase.ACCEPTING, now=now).filter(program_id__in=set(program_ids))
        .select_related("program").order_by("applications_open_at", "pk")
    )
    found: dict[int, Cohort] = {}
    for cohort in candidates:
        found.setdefault(cohort.program_id, cohort)
    return found


def volunteer_offer_text(mentorship: Mentorship, goals: Iterable[Goal]) -> str:
    """A first draft of “what you can offer”, from what the mentee worked on and learned."""
    goals = [g for g in goals if g.status != Goal.Status.DROPPED]
    skills = sorted({skill.local_name for goal in goals for skill in goal.skills.all()})
    parts = [_("I completed a mentorship in %(program)s (%(cohort)s).") % {
        "program": mentorship.cohort.program.name, "cohort": mentorship.cohort.name,
    }]
    if skills:
        parts.append(_("What I learned: %(skills)s.") % {"skills": ", ".join(skills)})
    if goals:
        parts.append(_("Goals I worked on: %(goals)s.") % {"goals": "; ".join(g.title for g in goals)})
    parts.append(_("I would like to help new mentees take the same first steps."))
    return " ".join(parts)


def volunteer_url(cohort: Cohort, offer_text: str) -> str:
    return reverse("programs:volunteer", args=[cohort.pk]) + "?" + urlencode({"offer": offer_text})


@dataclass
class MentorOffer:
    cohort: Cohort | None
    url: str | None


def mentor_offer_for(mentorship: Mentorship, goals, *, next_cohorts: dict[int, Cohort]) -> MentorOffer:
    cohort = next_cohorts.get(mentorship.cohort.program_id)
    if cohort is None:
        return MentorOffer(None, None)
    return MentorOffer(cohort, volunteer_url(cohort, volunteer_offer_text(mentorship, goals)))


def mentorship_page(*, mentorship: Mentorship, role: str, user) -> dict:
    """Everything on a mentorship's main page, for this viewer."""
    now = timezone.now()
    goals = list(
        Goal.objects.filter(mentorship=mentorship).prefetch_related("skills").annotate(comment_count=Count("comments"))
    )
    meetings = list(Meeting.objects.filter(mentorship=mentorship).order_by("-starts_at")[:50])
    # A finished mentorship has nothing coming up; meetings left in its calendar are shown as past.
    upcoming = sorted((m for m in meetings if m.ends_at >= now and not m.is_cancelled and mentorship.is_open),
                      key=lambda m: m.starts_at)
    past = [m for m in meetings if m not in upcoming][:RECENT_MEETINGS]
    evaluations = list(Evaluation.objects.filter(mentorship=mentorship))
    closures = list(Closure.objects.filter(mentorship=mentorship))
    check_ins = list(CheckIn.objects.filter(mentorship=mentorship)[:RECENT_CHECK_INS])
    agreement = agreement_of(mentorship)
    on = today(now)
    slots = evaluation_slots(mentorship, evaluations, on=on)
    readable = {d for d in ("about_mentee", "about_mentor") if may_read_evaluation(mentorship=mentorship, role=role, direction=d)}
    my_closure = next((c for c in closures if c.role == role), None)
    other_closure = next((c for c in closures if role in Role.values and c.role != role), None)
    extensions = list(MentorshipExtension.objects.filter(mentorship=mentorship))
    pending_early_end = EarlyEndRequest.objects.filter(
        mentorship=mentorship, status=EarlyEndRequest.Status.PENDING,
    ).select_related("requested_by__profile").first()
    facts = Facts(
        evaluations=frozenset((e.stage, e.direction) for e in evaluations),
        closed_roles=frozenset(c.role for c in closures), pending_early_end=pending_early_end is not None,
        extended_days=extended_days((e.previous_ends_on, e.new_ends_on) for e in extensions),
    )
    can = mentorship_capabilities(mentorship=mentorship, role=role, facts=facts, on=on)
    offer = None
    if role == Role.MENTEE and mentorship.status == Mentorship.Status.COMPLETED:
        offer = mentor_offer_for(mentorship, goals, next_cohorts=next_cohorts_by_program([mentorship.cohort.program_id]))
    return {
        "agreement": agreement,
        "goals": goals,
        "upcoming_meetings": upcoming,
        "past_meetings": past,
        "open_action_items": list(
            ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=True).select_related("meeting")
        ),
        "check_ins": check_ins,
        "evaluation_slots": slots,
        "readable_directions": readable,
        "closures": closures if role == COORDINATOR else [c for c in closures if c.role == role],
        "my_closure": my_closure,
        # The thank-you note reaches the other person once both have closed.
        "thank_you_for_me": other_closure.thank_you if other_closure and mentorship.status == Mentorship.Status.COMPLETED else "",
        "pending_early_end": pending_early_end,
        "extensions": extensions,
        "can": can,
        # The evaluations this viewer may write now (theirs, inside its window).
        "my_open_slots": [
            slot for slot in slots
            if role in Role.values and slot.direction == Direction.written_by(role) and can[f"evaluate_{slot.stage}"]
        ],
        "i_accepted_agreement": bool(agreement and role in Role.values and agreement.accepted_at(role)),
        "todos": todos_for(
            mentorship, role, on=on, agreement=agreement, evaluations=evaluations, closures=closures,
            last_check_in_at=check_ins[0].created_at if check_ins else None,
        ),
        "mentor_offer": offer,
    }


def agreement_of(mentorship: Mentorship):
    """The mentorship's agreement, or None (uses select_related data when it is there)."""
    from ..models import Agreement

    try:
        return mentorship.agreement
    except Agreement.DoesNotExist:
        return None


def goal_page(*, goal: Goal) -> dict:
    return {"comments": list(GoalComment.objects.filter(goal=goal).select_related("author__profile"))}


def meeting_page(*, meeting: Meeting, user) -> dict:
    """A meeting with its shared notes and action items, and the viewer's own private note only."""
    return {
        "action_items": list(ActionItem.objects.filter(meeting=meeting)),
        "private_note": MeetingPrivateNote.objects.filter(meeting=meeting, author=user).first(),
    }


def check_ins_for(*, mentorship: Mentorship):
    return CheckIn.objects.filter(mentorship=mentorship)


def evaluations_for(*, mentorship: Mentorship, role: str) -> list[Evaluation]:
    """The submitted evaluations this viewer may read, with their answers."""
    evaluations = (
        Evaluation.objects.filter(mentorship=mentorship).select_related("author__profile")
        .prefetch_related(Prefetch("answers", queryset=EvaluationAnswer.objects.order_by("order", "pk")))
    )
    return [e for e in evaluations if may_read_evaluation(mentorship=mentorship, role=role, direction=e.direction)]


def calendar_meetings_for(*, user, limit: int = 500):
    """Meetings in every mentorship this person is one of the two people in, newest first."""
    return (
        Meeting.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("mentorship__mentor__profile", "mentorship__mentee__profile", "mentorship__cohort__program")
        .order_by("-starts_at")[:limit]
    )


def calendar_feed_owner(*, token: str):
    """The person whose secret feed this is, or None (unknown, revoked or malformed token)."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed else None
