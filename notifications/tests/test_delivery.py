"""What email delivery guarantees: "sending" is recorded before the SMTP call, the Message-ID comes from
the notification key, and a sender that died mid-call leads to a resend (at least once) or a failure
with the reason (at most once), depending on the kind."""
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import kinds, services
from notifications.models import Notification

pytestmark = pytest.mark.django_db
Status = Notification.Status


def _row(kind="welcome", key="delivery-1", **fields):
    return Notification.objects.create(
        user=UserFactory(), to_email="ana@example.org", kind=kind, key=key, subject="Hello", body_text="Hi",
        **fields,
    )


def test_the_row_says_sending_while_the_smtp_call_runs(monkeypatch):
    row = _row()
    seen = {}

    def look_at_the_row(self, messages):
        fresh = Notification.objects.get(pk=row.pk)
        seen["status"], seen["lease"] = fresh.status, fresh.lease_until
        return len(messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", look_at_the_row)
    assert services.notification_send(notification_id=row.pk) == "sent"
    assert seen["status"] == Status.SENDING and seen["lease"] > timezone.now()
    row.refresh_from_db()
    assert row.status == Status.SENT and row.lease_until is None


def test_the_message_id_comes_from_the_key_and_survives_a_retry(monkeypatch):
    row = _row(key="application:42:accepted")
    calls = {"n": 0}
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def fail_once(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail_once)
    assert services.notification_send(notification_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == Status.PENDING  # nothing was accepted: trying again is safe
    assert services.notification_send(notification_id=row.pk) == "sent"
    expected = services.message_id(row)
    assert mail.outbox[0].extra_headers["Message-ID"] == expected
    assert mail.outbox[0].message()["Message-ID"] == expected
    assert expected != services.message_id(_row(key="application:43:accepted"))


def test_a_row_another_sender_holds_is_left_alone():
    row = _row(status=Status.SENDING, lease_until=timezone.now() + timedelta(seconds=60), attempts=1)
    assert services.notification_send(notification_id=row.pk) == "skipped"
    assert mail.outbox == []


def test_a_sender_that_died_mid_call_means_a_resend_for_at_least_once_kinds():
    assert kinds.get("welcome").delivery == kinds.AT_LEAST_ONCE
    row = _row(status=Status.SENDING, lease_until=timezone.now() - timedelta(seconds=1), attempts=1)
    assert list(services.pending_for_sweep()) == [row]
    assert services.notification_send(notification_id=row.pk) == "sent"
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_a_sender_that_died_mid_call_means_a_failure_with_the_reason_for_at_most_once_kinds():
    assert kinds.get("digest").delivery == kinds.AT_MOST_ONCE
    row = _row(kind="digest", status=Status.SENDING, lease_until=timezone.now() - timedelta(seconds=1), attempts=1)
    assert services.notification_send(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Status.FAILED and "at most once" in row.last_error
    assert mail.outbox == []
    assert not services.pending_for_sweep().exists()


def test_reminder_kinds_default_to_at_most_once(monkeypatch):
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))  # leave the real registry as it was
    kind = kinds.register("test_nudge", "Nudge", "notifications/emails/welcome", reminder=True)
    assert kind.delivery == kinds.AT_MOST_ONCE
    with pytest.raises(ValueError):
        kinds.register("test_bad", "Bad", "notifications/emails/welcome", delivery="exactly_once")
