"""Telling a person something: `notify()` is the one entry point.

notify() writes a Notification row (unique key) in the caller's transaction and
queues the send after commit. If the broker cannot be reached, the row stays
pending and the periodic sweep (or `manage.py send_pending_notifications`)
dispatches it later: a saved change never turns into an error page.
"""
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from .. import kinds
from ..models import Notification, NotificationPreference
from .rendering import content_language, render_message  # noqa: F401 (re-exported)
from .sending import (  # noqa: F401 (the send path, re-exported: callers use notifications.services)
    dispatch,
    dispatch_batch,
    dispatch_pending,
    message_id,
    notification_resend,
    notification_send,
    pending_for_sweep,
    retry_delay_seconds,
    send_lease,
    send_pending_now,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class TransientSendError(Exception):
    """Sending failed in a way that may work later (SMTP down, timeout)."""


def user_language(user) -> str:
    language = getattr(user, "language", "") if user is not None else ""
    return language or settings.LANGUAGE_CODE


def preference(*, user, kind: kinds.Kind) -> tuple[bool, str]:
    """(enabled, mode) for one person and kind."""
    if kind.security or user is None:
        return True, NotificationPreference.Mode.IMMEDIATE
    pref = NotificationPreference.objects.filter(user=user, kind=kind.name).first()
    return (pref.email_enabled, pref.mode) if pref else (True, NotificationPreference.Mode.IMMEDIATE)


def is_enabled(*, user, kind: kinds.Kind) -> bool:
    return preference(user=user, kind=kind)[0]


def user_timezone(user) -> ZoneInfo:
    name = getattr(getattr(user, "profile", None), "timezone", "") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_hours_end(*, user, now: datetime) -> datetime | None:
    """When the recipient's quiet hours end, if `now` falls in them (local time); else None."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    local = now.astimezone(user_timezone(user))
    if start > end:  # e.g. 21 -> 8, across midnight
        quiet = local.hour >= start or local.hour < end
    else:
        quiet = start <= local.hour < end
    if not quiet:
        return None
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(UTC)


def unsubscribe_token(*, user, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (user id, kind); raise signing.BadSignature for anything forged."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        raise signing.BadSignature("malformed token")
    return data["u"], data["k"]


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass
class Message:
    """One message for notify_many()."""

    user: object
    context: dict
    key: str
    to_email: str | None = None
    send_after: datetime | None = None
    topic: str = ""
    attachments: list[dict] | None = None


def _build(*, kind_obj: kinds.Kind, message: Message, enabled: bool, mode: str, now: datetime,
           prerendered: tuple[str, str, str] | None = None) -> Notification:
    """An unsaved outbox row, rendered in the recipient's language, with its status and hold time."""
    user = message.user
    language = user_language(user) if user is not None else translation.get_language() or settings.LANGUAGE_CODE
    headers, unsubscribe_url = {"Content-Language": content_language(language)}, None
    # The digest is a security kind (always sent once chosen) but carries its own one-click way out.
    if user is not None and (not kind_obj.security or kind_obj.name == kinds.DIGEST.name):
        unsubscribe_url = absolute_url(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=kind_obj.name)])
        )
        headers.update({"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    if prerendered is not None:
        subject, text, html = prerendered
    else:
        subject, text, html = render_message(
            kind=kind_obj, context=message.context or {}, language=language, unsubscribe_url=unsubscribe_url,
            tz=user_timezone(user),
        )
    send_after = message.send_after
    if not enabled:
        status = Notification.Status.SUPPRESSED
    elif kind_obj.reminder and mode == NotificationPreference.Mode.DIGEST:
        status = Notification.Status.DIGEST
    else:
        status = Notification.Status.PENDING
        if kind_obj.reminder and user is not None:
            wake = quiet_hours_end(user=user, now=max(send_after or now, now))
            if wake is not None:
                send_after = wake
    url = (message.context or {}).get("url") or ""
    return Notification(
        user=user, to_email=message.to_email or user.email, kind=kind_obj.name, key=message.key[:255],
        language=language, subject=" ".join(subject.split())[:255], body_text=text, body_html=html, headers=headers,
        status=status, send_after=send_after, topic=message.topic[:64], attachments=list(message.attachments or []),
        link=(absolute_url(url) if url.startswith("/") else url)[:500],
    )


def _is_due(notification: Notification, now: datetime) -> bool:
    return notification.status == Notification.Status.PENDING and (
        notification.send_after is None or notification.send_after <= now
    )


def notify(*, user=None, kind: str, context: dict | None = None, key: str, to_email: str | None = None,
           prerendered: tuple[str, str, str] | None = None, send_after: datetime | None = None,
           topic: str = "", attachments: list[dict] | None = None) -> Notification:
    """Record that `user` must be told about `kind`, once per `key`, and send it after commit.

    `prerendered` (subject, text, html) is for mails that another library renders (allauth).
    Reminders wait for the end of the recipient's quiet hours, or go to their daily digest.
    `attachments` ({"filename", "content", "mimetype"}, text content) are stored with the row, so a retry or
    a "send again" carries them too.
    """
    kind_obj = kinds.get(kind)
    existing = Notification.objects.filter(key=key[:255]).first()
    if existing is not None:
        return existing
    enabled, mode = preference(user=user, kind=kind_obj)
    now = timezone.now()
    row = _build(
        kind_obj=kind_obj, now=now, enabled=enabled, mode=mode, prerendered=prerendered,
        message=Message(user=user, context=context or {}, key=key, to_email=to_email, send_after=send_after, topic=topic,
                        attachments=attachments),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Someone else wrote the same key a moment ago: theirs is the one that counts.
        return Notification.objects.get(key=key[:255])
    if _is_due(row, now):
        notification_id = row.pk

        def enqueue_send_after_commit():
            dispatch(notification_id=notification_id)

        transaction.on_commit(enqueue_send_after_commit, robust=True)
    return row


def notify_many(*, kind: str, messages: list[Message]) -> int:
    """notify() for many people at once, in a constant number of queries. Returns how many were new.

    Callers pass users with their profile loaded (select_related("profile")) so that language and
    time zone need no query per person.
    """
    if not messages:
        return 0
    kind_obj = kinds.get(kind)
    keys = [m.key[:255] for m in messages]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [m for m in messages if m.key[:255] not in existing]
    if not fresh:
        return 0
    prefs = {}
    if not kind_obj.security:
        prefs = {
            user_id: (enabled, mode)
            for user_id, enabled, mode in NotificationPreference.objects.filter(
                kind=kind, user_id__in=[m.user.pk for m in fresh if m.user is not None]
            ).values_list("user_id", "email_enabled", "mode")
        }
    now = timezone.now()
    rows = []
    for message in fresh:
        enabled, mode = prefs.get(getattr(message.user, "pk", None), (True, NotificationPreference.Mode.IMMEDIATE))
        rows.append(_build(kind_obj=kind_obj, message=message, enabled=enabled, mode=mode, now=now))
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        due_keys = [r.key for r in rows if _is_due(r, now)]
        if due_keys:
            due_ids = list(Notification.objects.filter(key__in=due_keys, status=Notification.Status.PENDING)
                           .values_list("pk", flat=True))

            def enqueue_batch_after_commit():
                dispatch_batch(notification_ids=due_ids)

            transaction.on_commit(enqueue_batch_after_commit, robust=True)
    return len(rows)


def preference_set(*, user, kind: str, enabled: bool, mode: str | None = None) -> None:
    kind_obj = kinds.get(kind)
    if kind_obj.security:
        raise ValueError("Security emails cannot be turned off.")
    defaults = {"email_enabled": enabled}
    if mode is not None:
        defaults["mode"] = mode if kind_obj.reminder else NotificationPreference.Mode.IMMEDIATE
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=defaults)


def digest_unsubscribe(*, user, resubscribe: bool = False) -> int:
    """Turn off (or back on) every kind this person gets in their daily digest. Returns how many."""
    return NotificationPreference.objects.filter(user=user, mode=NotificationPreference.Mode.DIGEST).update(
        email_enabled=resubscribe, updated_at=timezone.now(),
    )


def digest_enabled(*, user) -> bool:
    """Whether anything still reaches this person's daily digest."""
    return NotificationPreference.objects.filter(
        user=user, mode=NotificationPreference.Mode.DIGEST, email_enabled=True,
    ).exists()


def preferences_for(*, user) -> dict[str, bool]:
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email_enabled"))
    return {k.name: stored.get(k.name, True) for k in kinds.optional_kinds()}


def modes_for(*, user) -> dict[str, str]:
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    return {k.name: stored.get(k.name, NotificationPreference.Mode.IMMEDIATE) for k in kinds.optional_kinds()}


# --- Daily digests -------------------------------------------------------------------


def digests_send(*, now: datetime | None = None) -> int:
    """Gather each person's held reminders into one email, once a day, after DIGEST_HOUR local time.

    The digest's key holds the person and their local date, so running this twice sends one.
    """
    now = now or timezone.now()
    held = (
        Notification.objects.filter(status=Notification.Status.DIGEST)
        .select_related("user__profile").order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for row in held:
        by_user.setdefault(row.user_id, []).append(row)
    sent = 0
    for rows in by_user.values():
        user = rows[0].user
        local = now.astimezone(user_timezone(user))
        if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
            continue
        with transaction.atomic():
            digest = notify(
                user=user, kind="digest", key=f"digest:{user.pk}:{local.date().isoformat()}",
                context={"name": user.get_full_name(), "items": [{"subject": r.subject, "link": r.link} for r in rows]},
            )
            Notification.objects.filter(pk__in=[r.pk for r in rows], status=Notification.Status.DIGEST).update(
                status=Notification.Status.SENT, sent_at=now, digest=digest,
            )
        sent += 1
    return sent


def topic_summary(*, topic: str) -> list[dict]:
    """What went out about a topic (e.g. a cohort), per kind: how many, how many are waiting, and the last one."""
    from django.db.models import Count, Max

    rows = (
        Notification.objects.filter(topic=topic)
        .values("kind")
        .annotate(sent=Count("pk", filter=Q(status=Notification.Status.SENT)),
                  waiting=Count("pk", filter=Q(status__in=[
                      Notification.Status.PENDING, Notification.Status.SENDING, Notification.Status.DIGEST])),
                  failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
                  last_sent=Max("sent_at"))
        .order_by("kind")
    )
    summary = []
    for row in rows:
        try:
            label = kinds.get(row["kind"]).label
        except LookupError:
            label = row["kind"]
        summary.append({**row, "label": label})
    return summary
