"""Coordinators invite people by email: to mentor a cohort, or to coordinate the program with them.

The link is signed (the invitation's id and a random nonce), expires after INVITATION_DAYS and works
once. Inviting answers the same whether or not the address has an account. Accepting a mentor
invitation volunteers and approves in one step, through the enrollment services.
"""
from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile, User
from notifications.services import notify

from ..models import Cohort, Invitation, Program
from ..permissions import is_coordinator
from ..phases import NO_NEW_MENTORS
from .enrollments import mentor_enrollment_decide, mentor_enrollment_request

INVITATION_DAYS = 14
SALT = "programs.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.Signer(salt=SALT).sign_object({"i": invitation.pk, "n": invitation.nonce})


def invitation_url(invitation: Invitation) -> str:
    return reverse("programs:invitation", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, or None for anything forged or unknown (used, expired: the caller says)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("n"), str):
        return None
    return (Invitation.objects.select_related("program", "cohort__program", "invited_by__profile")
            .filter(pk=data["i"], nonce=data["n"]).first())


def _invite(*, actor, program: Program, cohort: Cohort | None, role: str, email: str, message: str) -> Invitation:
    if not is_coordinator(actor, program.pk):
        raise PermissionDenied
    email = User.objects.normalize_email(email.strip())
    now = timezone.now()
    with transaction.atomic():
        # An earlier unused invitation to the same place is replaced: only the newest link works.
        Invitation.objects.filter(program=program, cohort=cohort, role=role, email__iexact=email,
                                  accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        invitation = Invitation.objects.create(
            program=program, cohort=cohort, role=role, email=email, message=message, invited_by=actor,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        known = User.objects.filter(email__iexact=email).select_related("profile").first()
        notify(
            user=known, to_email=email, kind="program_invitation", key=f"invitation:{invitation.pk}:{invitation.nonce}",
            topic=f"cohort:{cohort.pk}" if cohort else "",
            context={
                "role": role, "program": program.name, "cohort": cohort.name if cohort else "",
                "inviter": actor.get_full_name(), "message": message, "url": invitation_url(invitation),
                "expires_at": invitation.expires_at,
            },
        )
    return invitation


def mentor_invite(*, actor, cohort: Cohort, email: str, message: str = "") -> Invitation:
    if cohort.phase in NO_NEW_MENTORS:
        raise ValidationError(_("This cohort no longer takes new mentors."))
    return _invite(actor=actor, program=cohort.program, cohort=cohort, role=Invitation.Role.MENTOR, email=email,
                   message=message)


def coordinator_invite(*, actor, program: Program, email: str, message: str = "") -> Invitation:
    return _invite(actor=actor, program=program, cohort=None, role=Invitation.Role.COORDINATOR, email=email,
                   message=message)


def invitation_problem(invitation: Invitation | None, *, user=None, now=None) -> str:
    """Why this invitation cannot be accepted (by `user`), or "" when it can."""
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.revoked_at is not None:
        return _("This invitation was replaced by a newer one. Use the link in the latest email.")
    if (now or timezone.now()) >= invitation.expires_at:
        return _("This invitation has expired. Ask the coordinator for a new one.")
    if user is not None and user.is_authenticated and user.email.lower() != invitation.email.lower():
        return _("This invitation was sent to another email address. Sign in with the address it was sent to.")
    return ""


def invitation_accept(*, invitation: Invitation, user, capacity: int | None = None, offer: str = "") -> Invitation:
    """Accept once, as the person it was sent to. A mentor is volunteered and approved in one step."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("program", "cohort__program").get(
            pk=invitation.pk)
        problem = invitation_problem(invitation, user=user)
        if problem:
            raise ValidationError(problem, code="invitation_unusable")
        inviter = invitation.invited_by
        if inviter is None or not is_coordinator(inviter, invitation.program_id):
            raise ValidationError(_("The coordinator who invited you no longer runs this program. Ask them again."),
                                  code="inviter_gone")
        if invitation.role == Invitation.Role.MENTOR:
            Profile.objects.filter(user=user, is_mentor=False).update(is_mentor=True)
            enrollment = mentor_enrollment_request(mentor=user, cohort=invitation.cohort, capacity=capacity or 1,
                                                   offer=offer, notify_coordinators=False)
            mentor_enrollment_decide(enrollment=enrollment, approve=True, actor=inviter)
        else:
            invitation.program.coordinators.add(user)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


def invitation_revoke(*, actor, invitation: Invitation) -> None:
    if not is_coordinator(actor, invitation.program_id):
        raise PermissionDenied
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
