import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import services
from notifications.models import Notification
from notifications.tasks import send_notification

pytestmark = pytest.mark.django_db


def _notify(user, key="k-1", **kwargs):
    return services.notify(user=user, kind="welcome", context={"name": "Ana"}, key=key, **kwargs)


def test_same_key_twice_sends_one_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
        second = _notify(user)
    assert first.pk == second.pk
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_running_the_send_task_twice_sends_one_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    notification = _notify(user)  # on_commit callbacks not run: nothing queued yet
    assert mail.outbox == []
    assert send_notification.apply(args=[notification.pk]).get() == "sent"
    assert send_notification.apply(args=[notification.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_email_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert mail.outbox[0].subject == "Bienvenida a Mentorship"
    assert "Completa tu perfil" in mail.outbox[0].body


def test_email_carries_one_click_unsubscribe_headers(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in url and url in message.body
    html = message.alternatives[0][0]
    assert url in html


def test_security_emails_have_no_unsubscribe_and_ignore_preferences(django_capture_on_commit_callbacks):
    user = UserFactory()
    services.NotificationPreference.objects.create(user=user, kind="account_security", email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=user, kind="account_security", key="sec-1", prerendered=("S", "body", ""))
    assert len(mail.outbox) == 1
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_turned_off_kind_is_recorded_but_not_sent(django_capture_on_commit_callbacks):
    user = UserFactory()
    services.preference_set(user=user, kind="welcome", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert notification.status == Notification.Status.SUPPRESSED
    assert mail.outbox == []


class TestUnsubscribe:
    def _url(self, user, kind="welcome"):
        return reverse("notifications:unsubscribe", args=[services.unsubscribe_token(user=user, kind=kind)])

    def test_works_without_logging_in(self, client):
        user = UserFactory()
        url = self._url(user)
        assert client.get(url).status_code == 200
        assert services.preferences_for(user=user)["welcome"] is True  # a GET changes nothing
        response = client.post(url)
        assert response.status_code == 200
        assert services.preferences_for(user=user)["welcome"] is False
        client.post(url, {"resubscribe": "1"})
        assert services.preferences_for(user=user)["welcome"] is True

    def test_one_click_post_from_a_mail_client(self, client):
        user = UserFactory()
        client.post(self._url(user), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert services.preferences_for(user=user)["welcome"] is False

    def test_cannot_be_forged(self, client):
        victim, attacker = UserFactory(), UserFactory()
        token = services.unsubscribe_token(user=attacker, kind="welcome")
        payload, signature = token.rsplit(":", 1)
        forged = services.unsubscribe_token(user=victim, kind="welcome").rsplit(":", 1)[0] + ":" + signature
        assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
        assert client.post(reverse("notifications:unsubscribe", args=["garbage"])).status_code == 404
        assert services.preferences_for(user=victim)["welcome"] is True

    def test_security_mails_cannot_be_unsubscribed(self, client):
        user = UserFactory()
        assert client.post(self._url(user, kind="account_security")).status_code == 404


def test_preferences_page(client):
    user = UserFactory()
    assert client.get(reverse("notifications:preferences")).status_code == 302
    client.force_login(user)
    assert b"Welcome and getting started" in client.get(reverse("notifications:preferences")).content
    client.post(reverse("notifications:preferences"), {})
    assert services.preferences_for(user=user)["welcome"] is False
    client.post(reverse("notifications:preferences"), {"kind_welcome": "on"})
    assert services.preferences_for(user=user)["welcome"] is True


def test_broker_down_request_still_succeeds_and_sweep_sends_later(client, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "late@example.org", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42"},
        )
    assert response.status_code == 302  # the sign-up is saved and the person sees the next page
    notification = Notification.objects.get(to_email="late@example.org")
    assert notification.status == Notification.Status.PENDING
    assert mail.outbox == []
    monkeypatch.undo()

    assert services.dispatch_pending() == 0  # too fresh: the sweep waits for the grace period
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.dispatch_pending() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["late@example.org"]


PUBLISH_SNIPPET = """
import time, django
django.setup()
from notifications.tasks import send_notification
started = time.monotonic()
try:
    send_notification.delay(1)
    print("published")
except Exception as exc:
    print("raised", type(exc).__name__)
print(round(time.monotonic() - started, 2))
"""


@pytest.mark.parametrize("broker", ["closed port", "hung server"])
def test_publishing_to_an_unreachable_broker_fails_fast(broker, tmp_path):
    """A real publish in a separate process: a hung Redis must not hang the request for long."""
    import os
    import socket
    import subprocess
    import sys

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if broker == "hung server":
        listener.listen(8)  # accepts connections but never answers
    else:
        listener.close()
    env = {
        **os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "mentorship.settings.test", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", PUBLISH_SNIPPET], env=env, capture_output=True, text=True, timeout=60,
        )
    finally:
        listener.close()
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("raised"), result.stdout + result.stderr
    assert float(lines[-1]) < 10


def test_smtp_failure_retries_with_backoff_then_fails_and_can_be_sent_again(
    monkeypatch, admin_client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    notification = _notify(user)
    calls = {"n": 0}

    def smtp_down(self, *args, **kwargs):
        calls["n"] += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
    outcome = services.notification_send(notification_id=notification.pk)
    assert outcome == "retry"
    notification.refresh_from_db()
    assert notification.attempts == 1 and "SMTPServerDisconnected" in notification.last_error
    assert notification.dispatched_at > timezone.now()  # the sweep leaves it to the scheduled retry
    send_notification.apply(args=[notification.pk])  # eager retries run back to back
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 5 and calls["n"] == 5

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "send_again", "_selected_action": [notification.pk]},
        )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
