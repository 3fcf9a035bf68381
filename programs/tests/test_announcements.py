"""Announcements: a segment, a dry run with a preview in a language, one email per person, counts listed."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import make_mentee
from mentoring.tests.factories import pair
from notifications.models import Notification
from notifications.services import preference_set
from programs.models import Announcement, Application
from programs.services import announcements
from programs.tests.factories import ApplicationFactory, cohort_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    s = cohort_scenario(applications=3, mentors=1)
    spanish = s.applications[0].applicant
    spanish.language = "es"
    spanish.save(update_fields=["language"])
    return s


def _data(**extra):
    return {"segment": "applicants:submitted", "subject": "Interviews next week", "body": "Please book a slot.",
            "subject_es": "Entrevistas la semana próxima", "body_es": "Reserva un turno, por favor.", **extra}


def test_pages_anonymous_wrong_and_right_person(client, scenario):
    for name in ("programs:announcement_list", "programs:announcement_new"):
        url = reverse(name, args=[scenario.cohort.pk])
        assert client.get(url)["Location"].startswith(reverse("account_login"))
        client.force_login(scenario.mentors[0])
        assert client.get(url).status_code == 404
        client.force_login(scenario.coordinator)
        assert client.get(url).status_code == 200
        client.logout()
    client.force_login(scenario.applications[1].applicant)
    url = reverse("programs:announcement_new", args=[scenario.cohort.pk])
    assert client.post(url, _data(send="1")).status_code == 404
    assert not Announcement.objects.exists()


def test_the_dry_run_counts_and_previews_in_spanish_and_english_and_sends_nothing(client, scenario):
    client.force_login(scenario.coordinator)
    url = reverse("programs:announcement_new", args=[scenario.cohort.pk])
    spanish = client.post(url, _data(preview="1", preview_language="es")).content.decode()
    assert "3 people will receive this email" in spanish
    assert "Entrevistas la semana próxima" in spanish and "Reserva un turno" in spanish and "Hola" in spanish
    english = client.post(url, _data(preview="1", preview_language="en")).content.decode()
    assert "Interviews next week" in english and "Please book a slot." in english and "Hello" in english
    own = client.post(url, _data(preview="1")).content.decode()  # the first recipient's own language: Spanish
    assert "Entrevistas la semana próxima" in own
    assert not Announcement.objects.exists() and not Notification.objects.filter(kind="announcement").exists()


def test_send_one_email_per_person_in_their_language_respecting_preferences(
        client, scenario, django_capture_on_commit_callbacks):
    opted_out = scenario.applications[2].applicant
    preference_set(user=opted_out, kind="announcement", enabled=False)
    ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name="Drafty"), status=Application.Status.DRAFT)
    client.force_login(scenario.coordinator)
    url = reverse("programs:announcement_new", args=[scenario.cohort.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _data(send="1"))
    assert response["Location"] == reverse("programs:announcement_list", args=[scenario.cohort.pk])
    by_address = {m.to[0]: m for m in mail.outbox}
    spanish, english = scenario.applications[0].applicant, scenario.applications[1].applicant
    assert set(by_address) == {spanish.email, english.email}  # drafts are another segment; the opted-out get none
    assert by_address[spanish.email].subject == "Entrevistas la semana próxima"
    assert by_address[english.email].subject == "Interviews next week"
    assert "List-Unsubscribe" in by_address[english.email].extra_headers
    announcement = Announcement.objects.get()
    assert announcement.recipient_count == 3
    # Delivering again (a retried task) writes nothing new: exactly one email per person.
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.announcement_deliver(announcement_id=announcement.pk) == 0
    Announcement.objects.update(status=Announcement.Status.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.announcement_deliver(announcement_id=announcement.pk) == 0
    assert len(mail.outbox) == 2
    page = client.get(reverse("programs:announcement_list", args=[scenario.cohort.pk])).content.decode()
    assert "Interviews next week" in page
    (listed,) = announcements.announcements_with_counts(scenario.cohort)
    assert (listed.recipient_count, listed.counts["sent"], listed.counts["suppressed"]) == (3, 2, 1)


def test_a_large_segment_is_delivered_by_the_celery_task(client, scenario, settings, django_capture_on_commit_callbacks,
                                                         monkeypatch):
    monkeypatch.setattr(announcements, "INLINE_LIMIT", 1)
    queued = []
    from programs import tasks

    monkeypatch.setattr(tasks.deliver_announcement, "delay_on_commit", lambda pk: queued.append(pk))
    announcement = announcements.announcement_send(actor=scenario.coordinator, cohort=scenario.cohort,
                                                   segment="applicants:submitted", subject="S", body="B", language="en")
    assert queued == [announcement.pk]
    assert not Notification.objects.filter(kind="announcement").exists()
    assert tasks.deliver_announcement(announcement.pk) == 3
    assert Notification.objects.filter(kind="announcement").count() == 3


def test_mentoring_segments_active_pairs_and_evaluation_due():
    p = pair(mentor_name="Pair Mentor", mentee_name="Pair Mentee")
    m = p.mentorship
    assert set(announcements.recipients(m.cohort, "pairs:active")) == {p.mentor, p.mentee}
    assert list(announcements.recipients(m.cohort, "mentees:evaluation_due")) == []
    m.starts_on, m.ends_on = m.starts_on - timedelta(days=400), m.ends_on - timedelta(days=1)
    m.save(update_fields=["starts_on", "ends_on"])
    assert list(announcements.recipients(m.cohort, "mentees:evaluation_due")) == [p.mentee]


def test_the_list_has_constant_queries(client, scenario, django_capture_on_commit_callbacks):
    client.force_login(scenario.coordinator)
    url = reverse("programs:announcement_list", args=[scenario.cohort.pk])

    def send(n):
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                announcements.announcement_send(actor=scenario.coordinator, cohort=scenario.cohort,
                                                segment="applicants:submitted", subject=f"S{i}", body="B",
                                                language="en")
    send(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    send(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_unknown_segment_is_refused_beside_the_field(client, scenario):
    client.force_login(scenario.coordinator)
    url = reverse("programs:announcement_new", args=[scenario.cohort.pk])
    response = client.post(url, _data(segment="everyone:on:earth", send="1"))
    assert response.status_code == 400 and not Announcement.objects.exists()
