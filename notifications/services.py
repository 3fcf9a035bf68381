"""Telling a person something: `notify()` is the one entry point.

notify() writes a Notification row (unique key) in the caller's transaction and
queues the send after commit. If the broker cannot be reached, the row stays
pending and the periodic sweep (or `manage.py send_pending_notifications`)
dispatches it later: a saved change never turns into an error page.
"""
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import kinds
from .models import Notification, NotificationPreference

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


def render_message(*, kind: kinds.Kind, context: dict, language: str, unsubscribe_url: str | None, tz=None):
    """Render in the recipient's language, with dates in their time zone."""
    ctx = {**context, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url}
    with translation.override(language), timezone.override(tz or ZoneInfo("UTC")):
        subject = render_to_string(f"{kind.template}.subject.txt", ctx).strip()
        text = render_to_string(f"{kind.template}.txt", ctx)
        html = render_to_string(f"{kind.template}.html", ctx)
    return " ".join(subject.split()), text, html


@dataclass
class Message:
    """One message for notify_many()."""

    user: object
    context: dict
    key: str
    to_email: str | None = None
    send_after: datetime | None = None
    topic: str = ""


def _build(*, kind_obj: kinds.Kind, message: Message, enabled: bool, mode: str, now: datetime,
           prerendered: tuple[str, str, str] | None = None) -> Notification:
    """An unsaved outbox row, rendered in the recipient's language, with its status and hold time."""
    user = message.user
    language = user_language(user) if user is not None else translation.get_language() or settings.LANGUAGE_CODE
    headers, unsubscribe_url = {}, None
    if user is not None and not kind_obj.security:
        unsubscribe_url = absolute_url(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=kind_obj.name)])
        )
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
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
    return Notification(
        user=user, to_email=message.to_email or user.email, kind=kind_obj.name, key=message.key[:255],
        language=language, subject=" ".join(subject.split())[:255], body_text=text, body_html=html, headers=headers,
        status=status, send_after=send_after, topic=message.topic[:64],
    )


def _is_due(notification: Notification, now: datetime) -> bool:
    return notification.status == Notification.Status.PENDING and (
        notification.send_after is None or notification.send_after <= now
    )


def notify(*, user=None, kind: str, context: dict | None = None, key: str, to_email: str | None = None,
           prerendered: tuple[str, str, str] | None = None, send_after: datetime | None = None,
           topic: str = "") -> Notification:
    """Record that `user` must be told about `kind`, once per `key`, and send it after commit.

    `prerendered` (subject, text, html) is for mails that another library renders (allauth).
    Reminders wait for the end of the recipient's quiet hours, or go to their daily digest.
    """
    kind_obj = kinds.get(kind)
    existing = Notification.objects.filter(key=key[:255]).first()
    if existing is not None:
        return existing
    enabled, mode = preference(user=user, kind=kind_obj)
    now = timezone.now()
    row = _build(
        kind_obj=kind_obj, now=now, enabled=enabled, mode=mode, prerendered=prerendered,
        message=Message(user=user, context=context or {}, key=key, to_email=to_email, send_after=send_after, topic=topic),
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


def dispatch_batch(*, notification_ids: list[int], chunk: int | None = None) -> bool:
    """Queue sends in chunks: one broker message per chunk, not per person; workers share the chunks."""
    chunk = chunk or settings.NOTIFICATIONS_BATCH_SIZE
    from mentorship.broker import publish

    from .tasks import send_notification_batch

    for start in range(0, len(notification_ids), chunk):
        if not publish(send_notification_batch, notification_ids[start:start + chunk]):
            return False  # the rows stay pending: the sweep queues them
    Notification.objects.filter(pk__in=notification_ids, status=Notification.Status.PENDING).update(
        dispatched_at=timezone.now()
    )
    return True


def dispatch(*, notification_id: int) -> bool:
    """Queue the send task. Returns False (and leaves the row for the sweep) if the broker fails."""
    from mentorship.broker import publish

    from .tasks import send_notification

    if not publish(send_notification, notification_id):  # broker down or hung: the sweep will pick it up
        return False
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        dispatched_at=timezone.now()
    )
    return True


def retry_delay_seconds(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def message_id(notification: Notification) -> str:
    """A Message-ID derived from the notification key: every attempt at one notification carries the same
    one, so a mail client that deduplicates shows a repeated send once."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "mentorship.local"
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:40]
    return f"<{digest}.{notification.kind}@{domain}>"


def send_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_SEND_LEASE_SECONDS)


def _claim_for_sending(notification_id: int) -> Notification | str:
    """Commit "sending" with a lease before the SMTP call, so a crash during the call leaves a trace.

    A row found "sending" with an expired lease belonged to a sender that died mid-call: whether the
    server accepted it is unknown. At-least-once kinds send it again; at-most-once kinds are marked
    failed with the reason (an operator may "Send again").
    """
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "skipped"
        if notification.status == Notification.Status.SENDING:
            if notification.lease_until and notification.lease_until > now:
                return "skipped"  # another worker is in the SMTP call right now
            if _delivery(notification) == kinds.AT_MOST_ONCE:
                logger.warning("Notification %s: its sender stopped mid-send; not sent again (at most once).",
                               notification.pk)
                notification.status, notification.lease_until = Notification.Status.FAILED, None
                notification.last_error = (
                    "The sender stopped during the SMTP call; the server may or may not have accepted it. "
                    "Not sent again: this kind is sent at most once."
                )
                notification.save(update_fields=["status", "lease_until", "last_error"])
                return "failed"
            logger.warning("Notification %s: its sender stopped mid-send; sending again (at least once).",
                           notification.pk)
        elif notification.status != Notification.Status.PENDING:
            return "skipped"
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.lease_until = now + send_lease()
        notification.save(update_fields=["status", "attempts", "lease_until"])
    return notification


def _delivery(notification: Notification) -> str:
    try:
        return kinds.get(notification.kind).delivery
    except LookupError:
        return kinds.AT_LEAST_ONCE


def notification_send(*, notification_id: int) -> str:
    """Send one notification; safe to run twice: a row already sent (or being sent) is skipped.

    Three steps: commit "sending" with a lease; the SMTP call, outside any transaction; record the
    result. Returns "sent", "skipped", "retry" (a transient failure was recorded) or "failed".
    """
    claimed = _claim_for_sending(notification_id)
    if isinstance(claimed, str):
        return claimed
    notification = claimed
    headers = {**(notification.headers or {}), "Message-ID": message_id(notification)}
    message = EmailMultiAlternatives(
        subject=notification.subject, body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.to_email], headers=headers,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(notification, exc)
    # The server has it. Whatever happened to the row meanwhile (a lease taken over), it is sent.
    Notification.objects.filter(pk=notification.pk).exclude(status=Notification.Status.SENT).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", lease_until=None,
    )
    logger.info("Notification %s (%s) accepted by the mail server, attempt %s", notification.pk, notification.kind,
                notification.attempts)
    return "sent"


def _record_failure(notification: Notification, exc: Exception) -> str:
    """The server refused or could not be reached: nothing was accepted, so trying again is safe."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        status, dispatched_at, outcome = Notification.Status.FAILED, notification.dispatched_at, "failed"
    else:
        # Back to pending; tell the sweep this one is already scheduled for later.
        delay = retry_delay_seconds(notification.attempts)
        status, dispatched_at, outcome = Notification.Status.PENDING, timezone.now() + timedelta(seconds=delay), "retry"
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=status, last_error=error, dispatched_at=dispatched_at, lease_until=None,
    )
    return outcome


def pending_for_sweep():
    """Pending rows the after-commit enqueue missed, held rows whose time has come, and rows left
    "sending" by a sender that died (their lease expired)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    missed = Q(created_at__lte=cutoff, send_after__isnull=True)
    held = Q(send_after__lte=now)
    pending = Q(status=Notification.Status.PENDING) & (missed | held) & ~Q(dispatched_at__gt=cutoff)
    stranded = Q(status=Notification.Status.SENDING, lease_until__lt=now)
    return Notification.objects.filter(pending | stranded)


def dispatch_pending(*, limit: int = 500) -> int:
    """Queue every notification still pending after the grace period. Returns how many were queued."""
    ids = list(pending_for_sweep().order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if dispatch(notification_id=pk))


def send_pending_now(*, limit: int = 5000) -> dict[str, int]:
    """Send every pending notification in this process, without the broker (for operators)."""
    counts: dict[str, int] = {}
    now = timezone.now()
    ids = Notification.objects.filter(
        Q(status=Notification.Status.PENDING) | Q(status=Notification.Status.SENDING, lease_until__lt=now),
    ).exclude(send_after__gt=now).order_by("created_at")
    for pk in ids.values_list("pk", flat=True)[:limit]:
        outcome = notification_send(notification_id=pk)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def notification_resend(*, notification: Notification) -> None:
    """Admin "send again": put a failed (or sent) message back in the queue."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING, attempts=0, last_error="", dispatched_at=None,
    )
    notification_id = notification.pk

    def enqueue_resend_after_commit():
        dispatch(notification_id=notification_id)

    transaction.on_commit(enqueue_resend_after_commit, robust=True)


def preference_set(*, user, kind: str, enabled: bool, mode: str | None = None) -> None:
    kind_obj = kinds.get(kind)
    if kind_obj.security:
        raise ValueError("Security emails cannot be turned off.")
    defaults = {"email_enabled": enabled}
    if mode is not None:
        defaults["mode"] = mode if kind_obj.reminder else NotificationPreference.Mode.IMMEDIATE
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=defaults)


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
                context={"name": user.get_full_name(), "items": [{"subject": r.subject, "body": r.body_text} for r in rows]},
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
                  waiting=Count("pk", filter=Q(status__in=[Notification.Status.PENDING, Notification.Status.DIGEST])),
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
