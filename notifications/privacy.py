"""The outbox and email preferences: export, and erasure (their mails go; others' mails stop naming them)."""
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils.html import escape

from .models import Notification, NotificationPreference

REDACTED = "[deleted account]"
TEXT_FIELDS = ("subject", "body_text", "body_html")


def export_for_user(*, user) -> dict:
    return {
        "email_preferences": [
            {"kind": p.kind, "email_enabled": p.email_enabled, "mode": p.mode}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
        # Which emails we sent and when; not their text, which names other people (the partner, the coordinator).
        "emails_sent_to_you": [
            {"kind": n.kind, "status": n.status, "created_at": n.created_at, "sent_at": n.sent_at}
            for n in Notification.objects.filter(user=user).order_by("pk").only("kind", "status", "created_at", "sent_at")
        ],
    }


def identifiers_of(user) -> list[str]:
    """What names this person in text others received: the email, the display name (also HTML-escaped)."""
    profile = getattr(user, "profile", None)
    names = [user.email, getattr(profile, "display_name", "") or user.email.split("@")[0]]
    found = []
    for name in names:
        for variant in (name, escape(name)):
            if len(variant) >= 3 and variant not in found:
                found.append(variant)
    return sorted(found, key=len, reverse=True)  # the email before the name it may contain


def erase_for_user(*, user) -> dict:
    identifiers = identifiers_of(user)
    own, _by_model = Notification.objects.filter(Q(user=user) | Q(to_email__iexact=user.email)).delete()
    NotificationPreference.objects.filter(user=user).delete()
    redacted = 0
    for identifier in identifiers:
        for field in TEXT_FIELDS:
            rows = Notification.objects.filter(**{f"{field}__icontains": identifier})
            redacted += rows.update(**{field: Replace(field, Value(identifier), Value(REDACTED))})
    return {"emails_deleted": own, "mentions_redacted": redacted}
