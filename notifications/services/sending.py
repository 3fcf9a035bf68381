"""Sending what notify() recorded: queueing, the three-step send, the sweep.

A send is three steps: commit "sending" with a lease, the SMTP call outside any transaction, record the
result. What a crash in the middle means depends on the kind's delivery guarantee (kinds.py, README).
"""
import hashlib
import logging
import smtplib
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import kinds
from ..models import Notification

logger = logging.getLogger(__name__)


def dispatch_batch(*, notification_ids: list[int], chunk: int | None = None) -> bool:
    """Queue sends in chunks: one broker message per chunk, not per person; workers share the chunks."""
    chunk = chunk or settings.NOTIFICATIONS_BATCH_SIZE
    from mentorship.broker import publish

    from ..tasks import send_notification_batch

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

    from ..tasks import send_notification

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
    for attachment in notification.attachments or []:  # stored with the row: every attempt carries the same files
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype") or "text/plain")
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
