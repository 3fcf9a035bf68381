"""Tokens: a person creates one (shown once) and revokes it. Nothing else writes a token row."""
import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import TOKEN_PREFIX, PersonalAccessToken, Scope, token_hash

EXPIRY_DAYS = (7, 30, 90, 365)
MAX_USABLE_TOKENS = 20


def token_create(*, user, name: str, scope: str, expires_in_days: int) -> tuple[PersonalAccessToken, str]:
    """A new token for `user`; returns the row and the token itself (never stored, shown once)."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Sign in to create a token."))
    if scope not in Scope.values:
        raise ValidationError(_("Choose a scope."))
    if expires_in_days not in EXPIRY_DAYS:
        raise ValidationError(_("Choose when the token expires."))
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    with transaction.atomic():
        # The limit counts rows that may not exist yet: lock the person, a row that always exists.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        if PersonalAccessToken.objects.filter(user=user).usable().count() >= MAX_USABLE_TOKENS:
            raise ValidationError(_("You have %(n)d tokens in use: revoke one first.") % {"n": MAX_USABLE_TOKENS})
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = PersonalAccessToken.objects.create(
            user=user, name=name[:80], scope=scope, key_hash=token_hash(raw), hint=raw[: len(TOKEN_PREFIX) + 6],
            expires_at=now + dt.timedelta(days=expires_in_days),
        )
    return token, raw


def token_revoke(*, token: PersonalAccessToken, actor) -> PersonalAccessToken:
    """The owner revokes a token; revoking twice changes nothing."""
    if token.user_id != actor.pk:
        raise ValidationError(_("This is not your token."))
    with transaction.atomic():
        token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
