"""Membership by consent: people join an organization, a project or a group only by accepting an invitation.

The link carries a signed token ([invitation id, secret], django.core.signing with a salt); the database
keeps only the secret's SHA-256, so a stolen table cannot be turned into links. A link works once and
expires after INVITATION_DAYS. Whoever adds people sees the same answer whether or not an address has
an account: nothing here tells them.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify

from .models import Group, Invitation, Organization, Project

SALT = "organizations.invitation"
Status = Invitation.Status

# Who may be in each kind of thing: the many-to-many of people who may act for it.
PEOPLE_FIELD = {Organization: "members", Project: "maintainers", Group: "members"}
TARGET_FIELD = {Organization: "organization", Project: "project", Group: "group"}


def invitation_days() -> int:
    return getattr(settings, "INVITATION_DAYS", 14)


def people_of(target):
    return getattr(target, PEOPLE_FIELD[type(target)])


def is_member(target, user) -> bool:
    return user.is_authenticated and people_of(target).filter(pk=user.pk).exists()


def is_owner(target, user) -> bool:
    return user.is_authenticated and target.owner_id == user.pk


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _describe(target) -> dict:
    """Words for the email, rendered in the recipient's language by its template."""
    kind = {Organization: "organization", Project: "project", Group: "group"}[type(target)]
    return {"target_kind": kind, "target_name": target.name}


@transaction.atomic
def invitations_send(*, actor, target, emails, context: dict | None = None) -> list[Invitation]:
    """Invite each address to join `target` (a member of it asks). Addresses that already belong to it,
    or have a pending invitation, are skipped silently: the caller's answer is the same for all.

    `context` adds to the email's (a group's application names its "program" and "cohort")."""
    if not is_member(target, actor):
        raise PermissionDenied
    type(target).objects.select_for_update().only("pk").get(pk=target.pk)  # two invites of one address take turns
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    members = {e.lower() for e in people_of(target).filter(email__in=emails).values_list("email", flat=True)}
    field = TARGET_FIELD[type(target)]
    now = timezone.now()
    pending = {
        e.lower() for e in Invitation.objects.filter(**{field: target}, status=Status.PENDING, expires_at__gt=now)
        .values_list("email", flat=True)
    }
    accounts = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=emails).select_related("profile")}
    sent = []
    for email in emails:
        if email in members or email in pending:
            continue
        secret = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(
            **{field: target}, email=email, digest=_digest(secret), invited_by=actor,
            expires_at=now + timedelta(days=invitation_days()),
        )
        token = signing.dumps([invitation.pk, secret], salt=SALT)
        notify(
            user=accounts.get(email), to_email=email, kind="membership_invitation", key=f"invitation:{invitation.pk}",
            context={"inviter": actor.get_full_name(), **_describe(target), **(context or {}),
                     "url": reverse("organizations:invitation", args=[token]),
                     "expires": invitation.expires_at.date().isoformat()},
        )
        sent.append(invitation)
    return sent


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, whatever its state (the page explains); ValidationError for a
    link that is not ours, was altered, or is older than any invitation can be."""
    try:
        pk, secret = signing.loads(token, salt=SALT, max_age=timedelta(days=invitation_days()))
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(_("This invitation link is not valid or has expired.")) from None
    invitation = Invitation.objects.select_related("organization", "project", "group", "invited_by__profile").filter(
        pk=pk,
    ).first()
    if invitation is None or not hmac.compare_digest(invitation.digest, _digest(str(secret))):
        raise ValidationError(_("This invitation link is not valid or has expired."))
    return invitation


def _usable(invitation: Invitation, user) -> None:
    if invitation.status != Status.PENDING:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation link is not valid or has expired."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address. Sign in with that address to accept it."))


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """Join: the invitation is used up and the person becomes one of the target's people."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _usable(invitation, user)
    invitation.status, invitation.accepted_by, invitation.responded_at = Status.ACCEPTED, user, timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "responded_at"])
    people_of(invitation.target).add(user)
    return invitation


@transaction.atomic
def invitation_decline(*, token: str, user) -> Invitation:
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _usable(invitation, user)
    invitation.status, invitation.responded_at = Status.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def _locked(target):
    return type(target).objects.select_for_update().get(pk=target.pk)


@transaction.atomic
def member_leave(*, target, user) -> None:
    """A member leaves. The owner hands ownership to someone else first (unless alone)."""
    target = _locked(target)
    if not is_member(target, user):
        raise PermissionDenied
    if target.owner_id == user.pk and people_of(target).exclude(pk=user.pk).exists():
        raise ValidationError(_("You own it: hand ownership to another member before you leave."))
    people_of(target).remove(user)
    if target.owner_id == user.pk:
        target.owner = None
        target.save(update_fields=["owner"])


@transaction.atomic
def member_remove(*, target, actor, member) -> None:
    target = _locked(target)
    if not is_owner(target, actor):
        raise PermissionDenied
    if member.pk == actor.pk:
        raise ValidationError(_("You own it: hand ownership to another member before you leave."))
    if not is_member(target, member):
        raise ValidationError(_("This person is not a member."))
    people_of(target).remove(member)


@transaction.atomic
def ownership_transfer(*, target, actor, new_owner) -> None:
    target = _locked(target)
    if not is_owner(target, actor):
        raise PermissionDenied
    if not is_member(target, new_owner):
        raise ValidationError(_("Only a member can become the owner."))
    target.owner = new_owner
    target.save(update_fields=["owner"])


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> None:
    invitation = Invitation.objects.select_for_update().select_related("organization", "project", "group").get(pk=invitation.pk)
    if not is_member(invitation.target, actor):
        raise PermissionDenied
    if invitation.status == Status.PENDING:
        invitation.status, invitation.responded_at = Status.REVOKED, timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
