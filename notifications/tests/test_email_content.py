"""What an email says and how it is marked: plain text unescaped, the recipient's language everywhere,
the real time left, a compact digest with a one-click way out, the real host in the sign-up email."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentoring.models import Stage
from notifications import kinds, services
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def person(language="en", name="Siobhán O'Brien"):
    user = UserFactory(language=language)
    user.profile.display_name = name
    user.profile.save()
    return user


def send(user, kind, context, key="k", capture=None):
    with time_machine.travel(NOW, tick=False), capture(execute=True):  # 10:00 UTC: outside quiet hours
        services.notify(user=user, kind=kind, context=context, key=key)
    return mail.outbox[-1]


def test_plain_text_and_subject_arrive_as_typed_while_html_stays_escaped(django_capture_on_commit_callbacks):
    user = person()
    message = send(user, "mentorship_started", {
        "name": "Siobhán O'Brien", "other": "Ana <b>R&D</b>", "program": "R&D Labs", "cohort": "Spring",
        "role": "mentee", "url": "/m/1/",
    }, capture=django_capture_on_commit_callbacks)
    assert message.subject == "Meet your mentor in R&D Labs: Ana <b>R&D</b>"
    assert "Hello Siobhán O'Brien," in message.body and "Ana <b>R&D</b> will be your mentor in R&D Labs" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien" in html and "Ana &lt;b&gt;R&amp;D&lt;/b&gt;" in html and "<b>" not in html


@pytest.mark.parametrize(("language", "subject"), [
    ("en", "Your midpoint evaluation is due soon"),
    ("es", "Tu evaluación intermedia vence pronto"),
])
def test_stage_name_is_translated_and_lower_case_mid_sentence(language, subject, django_capture_on_commit_callbacks):
    user = person(language)
    message = send(user, "mentorship_reminder", {
        "event": "evaluation", "stage": Stage.MIDPOINT.label, "window": "7d", "name": "x", "other": "y",
        "program": "P", "due_on": NOW.date(), "url": "/m/1/",
    }, capture=django_capture_on_commit_callbacks)
    assert message.subject == subject
    assert message.extra_headers["Content-Language"] == language
    assert f'<html lang="{language}">' in message.alternatives[0][0]
    row = Notification.objects.get(key="k")
    assert row.headers["Content-Language"] == language and row.language == language


def test_security_and_prerendered_mails_carry_content_language_too(django_capture_on_commit_callbacks):
    user = person("es")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=user, kind="account_security", key="s", prerendered=("Asunto", "Texto", ""))
    assert mail.outbox[-1].extra_headers["Content-Language"] == "es"


@pytest.mark.parametrize(("left", "phrase"), [
    (timedelta(hours=24), "due in 24 hours"),
    (timedelta(hours=5), "due in 5 hours"),
    (timedelta(hours=30), "due tomorrow"),
    (timedelta(hours=48), "due in 2 days"),
])
def test_review_deadline_says_the_real_time_left(left, phrase, django_capture_on_commit_callbacks):
    user = person()
    message = send(user, "review_reminder", {
        "event": "deadline", "name": "x", "program": "Open Source", "cohort": "2027", "deadline": NOW + left,
        "url": "/cohorts/1/reviews/",
    }, capture=django_capture_on_commit_callbacks)
    assert message.subject == f"Reviews for Open Source are {phrase}"
    assert f"Reviews for Open Source (2027) are {phrase}," in message.body
    assert "two days" not in message.subject + message.body


def test_digest_is_compact_and_has_one_click_unsubscribe(client, django_capture_on_commit_callbacks, settings):
    user = person()
    user.profile.timezone = "UTC"
    user.profile.save()
    services.preference_set(user=user, kind="mentorship_reminder", enabled=True, mode=NotificationPreference.Mode.DIGEST)
    for n, title in enumerate(["Write the README", "Fix R&D's build"]):
        services.notify(user=user, kind="mentorship_reminder", key=f"r{n}", context={
            "event": "action", "title": title, "name": "x", "other": "y", "program": "P", "due_on": NOW.date(),
            "url": f"/mentorships/{n}/",
        })
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send() == 1
    [digest] = mail.outbox
    assert digest.body.count("Hello") == 1  # one greeting, not one per item
    assert f"- Due tomorrow: Write the README\n  {settings.SITE_URL}/mentorships/0/" in digest.body
    assert "Due tomorrow: Fix R&D's build" in digest.body and "/mentorships/1/" in digest.body
    assert "is due tomorrow" not in digest.body  # item bodies are not pasted in
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The one-click POST a mail client sends: the reminders the digest gathered stop.
    assert client.post(unsubscribe).status_code == 200
    assert services.preferences_for(user=user)["mentorship_reminder"] is False
    assert client.post(unsubscribe, {"resubscribe": "1"}).status_code == 200
    assert services.preferences_for(user=user)["mentorship_reminder"] is True


def test_digest_unsubscribe_link_cannot_be_forged(client):
    assert kinds.DIGEST.security
    response = client.post(reverse("notifications:unsubscribe", args=["forged:token"]))
    assert response.status_code == 404


def test_sign_up_email_names_the_host_the_person_used(client, django_capture_on_commit_callbacks, settings):
    settings.ALLOWED_HOSTS = ["mentor.example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {
            "email": "new@example.org", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42",
        }, HTTP_HOST="mentor.example.org:8443")
    [message] = mail.outbox
    assert "127.0.0.1:8000" not in message.body
    assert "register an account on mentor.example.org:8443" in message.body


def test_language_tags_for_headers_and_html_are_bcp47():
    assert services.content_language("pt-br") == "pt-BR"
    assert services.content_language("es") == "es"
