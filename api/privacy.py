"""Personal access tokens: listed in the export (never the secret), revoked and deleted with the account."""
from django.utils.translation import gettext as _

from .models import PersonalAccessToken


def export_for_user(*, user) -> dict:
    return {"tokens": [{"name": t.name, "scope": t.scope, "hint": t.hint, "created_at": t.created_at,
                        "expires_at": t.expires_at, "revoked_at": t.revoked_at}
                       for t in PersonalAccessToken.objects.filter(user=user).order_by("pk")]}


def deletion_plan_for_user(*, user) -> list[str]:
    if PersonalAccessToken.objects.filter(user=user).exists():
        return [_("Your API tokens stop working and are deleted.")]
    return []


def erase_for_user(*, user) -> dict:
    # Deleting the row is the revocation: authentication looks the hash up and finds nothing.
    return {"api_tokens": PersonalAccessToken.objects.filter(user=user).delete()[0]}
