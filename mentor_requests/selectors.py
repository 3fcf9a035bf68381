from django.db.models import Q
from django.http import Http404

from programs.permissions import is_coordinator, is_site_admin

from .models import MentorshipRequest


def request_role(*, user, request: MentorshipRequest) -> str | None:
    if not user.is_authenticated:
        return None
    if request.mentee_id == user.pk:
        return "mentee"
    if request.mentor_id == user.pk:
        return "mentor"
    if is_coordinator(user, request.cohort.program_id):
        return "coordinator"
    return None


def may_answer(*, user, request: MentorshipRequest) -> bool:
    """Who may accept or decline: the mentor asked, or a site admin acting for them (the Django admin)."""
    return user.is_authenticated and (request.mentor_id == user.pk or is_site_admin(user))


def request_actions(*, request: MentorshipRequest, role: str | None) -> dict[str, bool]:
    """What the request page offers this person now. An answer-by time that has passed closes the
    request for answers at once, before the due scan marks it expired."""
    return {
        "answer": role == "mentor" and request.awaits_answer(),
        "withdraw": role == "mentee" and request.status == MentorshipRequest.Status.PENDING,
    }


def request_get_for_user(*, user, pk: int) -> tuple[MentorshipRequest, str]:
    request = (
        MentorshipRequest.objects.select_related("cohort__program", "mentee__profile", "mentor__profile",
                                                 "suggested_mentor__profile")
        .filter(pk=pk).first()
    )
    role = request_role(user=user, request=request) if request else None
    if role is None:
        raise Http404
    return request, role


def requests_for_user(*, user):
    return (
        MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("cohort__program", "mentee__profile", "mentor__profile")
        .order_by("-created_at")
    )


def requests_for_cohort(*, cohort):
    return (
        MentorshipRequest.objects.filter(cohort=cohort)
        .select_related("mentee__profile", "mentor__profile")
        .order_by("-created_at")
    )
