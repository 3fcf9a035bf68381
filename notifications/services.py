"""Telling a person something: `notify()` is the one entry point.

notify() writes a Notification row (unique key) in the caller's transaction and
queues the send after commit. If the broker cannot be reached, the row stays
pending and the periodic sweep (or `manage.py send_pending_notifications`)
dispatches it later: a saved change never turns into an error page.
"""
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
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


def is_enabled(*, user, kind: kinds.Kind) -> bool:
    if kind.security or user is None:
        return True
    pref = NotificationPreference.objects.filter(user=user, kind=kind.name).first()
    return pref.email_enabled if pref else True


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


def render_message(*, kind: kinds.Kind, context: dict, language: str, unsubscribe_url: str | None):
    ctx = {**context, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url}
    with translation.override(language):
        subject = render_to_string(f"{kind.template}.subject.txt", ctx).strip()
        text = render_to_string(f"{kind.template}.txt", ctx)
        html = render_to_string(f"{kind.template}.html", ctx)
    return " ".join(subject.split()), text, html


def notify(*, user=None, kind: str, context: dict | None = None, key: str, to_email: str | None = None,
           prerendered: tuple[str, str, str] | None = None) -> Notification:
    """Record that `user` must be told about `kind`, once per `key`, and send it after commit.

    `prerendered` (subject, text, html) is for mails that another library renders (allauth).
    """
    kind_obj = kinds.get(kind)
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    to_email = to_email or user.email
    language = user_language(user) if user is not None else translation.get_language() or settings.LANGUAGE_CODE
    headers = {}
    unsubscribe_url = None
    if user is not None and not kind_obj.security:
        unsubscribe_url = absolute_url(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=kind)])
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    if prerendered is not None:
        subject, text, html = prerendered
    else:
        subject, text, html = render_message(
            kind=kind_obj, context=context or {}, language=language, unsubscribe_url=unsubscribe_url
        )
    enabled = is_enabled(user=user, kind=kind_obj)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, to_email=to_email, kind=kind, key=key[:255], language=language,
                subject=subject[:255], body_text=text, body_html=html, headers=headers,
                status=Notification.Status.PENDING if enabled else Notification.Status.SUPPRESSED,
            )
    except IntegrityError:
        # Someone else wrote the same key a moment ago: theirs is the one that counts.
        return Notification.objects.get(key=key[:255])
    if enabled:
        notification_id = notification.pk

        def enqueue_send_after_commit():
            dispatch(notification_id=notification_id)

        transaction.on_commit(enqueue_send_after_commit, robust=True)
    return notification


def dispatch(*, notification_id: int) -> bool:
    """Queue the send task. Returns False (and leaves the row for the sweep) if the broker fails."""
    from .tasks import send_notification

    try:
        send_notification.delay(notification_id)
    except Exception:  # broker unreachable, timed out...: the sweep will pick it up
        logger.warning("Could not queue notification %s; the sweep will retry.", notification_id, exc_info=True)
        return False
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        dispatched_at=timezone.now()
    )
    return True


def retry_delay_seconds(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def notification_send(*, notification_id: int) -> str:
    """Send one notification; safe to run twice: the row is locked and skipped once sent.

    Returns "sent", "skipped" or "retry" (a transient failure was recorded).
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return "skipped"
        notification.attempts += 1
        message = EmailMultiAlternatives(
            subject=notification.subject, body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.to_email],
            headers=notification.headers or None,
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                outcome = "failed"
            else:
                delay = retry_delay_seconds(notification.attempts)
                # Tell the sweep this one is already scheduled for later.
                notification.dispatched_at = timezone.now() + timedelta(seconds=delay)
                outcome = "retry"
            notification.save(update_fields=["attempts", "last_error", "status", "dispatched_at"])
            return outcome
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"


def pending_for_sweep():
    cutoff = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    return Notification.objects.filter(status=Notification.Status.PENDING, created_at__lte=cutoff).exclude(
        dispatched_at__gt=cutoff
    )


def dispatch_pending(*, limit: int = 500) -> int:
    """Queue every notification still pending after the grace period. Returns how many were queued."""
    ids = list(pending_for_sweep().order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if dispatch(notification_id=pk))


def send_pending_now(*, limit: int = 5000) -> dict[str, int]:
    """Send every pending notification in this process, without the broker (for operators)."""
    counts: dict[str, int] = {}
    ids = Notification.objects.filter(status=Notification.Status.PENDING).order_by("created_at")
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


def preference_set(*, user, kind: str, enabled: bool) -> None:
    kind_obj = kinds.get(kind)
    if kind_obj.security:
        raise ValueError("Security emails cannot be turned off.")
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email_enabled": enabled})


def preferences_for(*, user) -> dict[str, bool]:
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email_enabled"))
    return {k.name: stored.get(k.name, True) for k in kinds.optional_kinds()}
