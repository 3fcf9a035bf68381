"""Reads for mentorship pages: only the two people, the cohort's coordinators and site admins."""
from django.db.models import Q
from django.http import Http404

from programs.permissions import is_coordinator

from .models import Mentorship


def mentorship_role(*, user, mentorship: Mentorship) -> str | None:
    if not user.is_authenticated:
        return None
    if mentorship.mentor_id == user.pk:
        return "mentor"
    if mentorship.mentee_id == user.pk:
        return "mentee"
    if is_coordinator(user, mentorship.cohort.program_id):
        return "coordinator"
    return None


def mentorship_get_for_user(*, user, pk: int) -> tuple[Mentorship, str]:
    mentorship = (
        Mentorship.objects.select_related("cohort__program", "mentor__profile", "mentee__profile").filter(pk=pk).first()
    )
    if mentorship is None:
        raise Http404
    role = mentorship_role(user=user, mentorship=mentorship)
    if role is None:
        raise Http404
    return mentorship, role


def mentorships_for_user(*, user):
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("cohort__program", "mentor__profile", "mentee__profile")
        .order_by("-created_at")
    )
