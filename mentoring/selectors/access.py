"""Who may see what. Only the two people, the cohort's coordinators and site admins see a mentorship;
missing and forbidden both answer 404."""
from django.http import Http404

from programs.models import Program
from programs.permissions import is_coordinator

from ..models import (
    ActionItem,
    Direction,
    EarlyEndRequest,
    Goal,
    Meeting,
    Mentorship,
    Role,
    cohort_settings,
)

COORDINATOR = "coordinator"


def mentorship_role(*, user, mentorship: Mentorship) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if mentorship.mentor_id == user.pk:
        return Role.MENTOR.value
    if mentorship.mentee_id == user.pk:
        return Role.MENTEE.value
    if is_coordinator(user, mentorship.cohort.program_id):
        return COORDINATOR
    return None


def mentorship_get_for_user(*, user, pk: int) -> tuple[Mentorship, str]:
    mentorship = (
        Mentorship.objects.select_related(
            "cohort__program", "cohort__mentoring_settings", "mentor__profile", "mentee__profile", "agreement",
        ).filter(pk=pk).first()
    )
    if mentorship is None:
        raise Http404
    role = mentorship_role(user=user, mentorship=mentorship)
    if role is None:
        raise Http404
    return mentorship, role


def mentorships_for_user(*, user):
    return (
        Mentorship.objects.for_person(user)
        .select_related("cohort__program", "mentor__profile", "mentee__profile")
        .order_by("-created_at")
    )


def _child_get(queryset, *, mentorship: Mentorship, pk: int):
    """A row that belongs to this mentorship (the caller already checked the person may see it); else 404."""
    obj = queryset.filter(mentorship=mentorship, pk=pk).first()
    if obj is None:
        raise Http404
    obj.mentorship = mentorship
    return obj


def goal_get(*, mentorship: Mentorship, pk: int) -> Goal:
    return _child_get(Goal.objects.prefetch_related("skills"), mentorship=mentorship, pk=pk)


def meeting_get(*, mentorship: Mentorship, pk: int) -> Meeting:
    return _child_get(Meeting.objects.all(), mentorship=mentorship, pk=pk)


def action_item_get(*, mentorship: Mentorship, pk: int) -> ActionItem:
    return _child_get(ActionItem.objects.all(), mentorship=mentorship, pk=pk)


def early_end_request_get(*, mentorship: Mentorship, pk: int) -> EarlyEndRequest:
    return _child_get(EarlyEndRequest.objects.all(), mentorship=mentorship, pk=pk)


def may_read_evaluation(*, mentorship: Mentorship, role: str, direction: str) -> bool:
    """What mentees answer about their mentor stays with the coordinators unless the cohort shares it."""
    if role in (COORDINATOR, Role.MENTEE):
        return True
    if direction == Direction.ABOUT_MENTEE:
        return True
    return cohort_settings(mentorship.cohort).share_mentee_feedback_with_mentor


def program_get_for_coordinator(*, user, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not is_coordinator(user, program):
        raise Http404
    return program


def coordinated_cohorts_with_mentorships(*, user, limit: int = 10):
    """Cohorts this person coordinates that have mentorships (all of them for site admins)."""
    from programs.models import Cohort

    if not user.is_authenticated:
        return Cohort.objects.none()
    qs = Cohort.objects.filter(mentorships__isnull=False)
    if not user.is_superuser:
        qs = qs.filter(program__coordinators=user)
    return qs.select_related("program").distinct().order_by("-starts_on", "pk")[:limit]

