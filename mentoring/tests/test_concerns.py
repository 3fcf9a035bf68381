"""A private "raise a concern": seen by the program's coordinators and the reporter only; coordinators
are emailed at once and answer with a status and a reply."""
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory, make_mentee
from mentoring.models import Concern
from mentoring.services import concerns as concern_services
from mentoring.tests.factories import pair
from programs.tests.factories import ApplicationFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_a_mentee_raises_a_concern_and_the_coordinators_are_emailed_at_once(client, django_capture_on_commit_callbacks):
    p = pair(mentor_name="Mo Mentor", mentee_name="Mia Mentee")
    client.force_login(p.mentee)
    url = reverse("mentoring:concern_raise_mentorship", args=[p.mentorship.pk])
    assert client.post(url, {"body": "  "}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "My mentor shouts at me."})
    concern = Concern.objects.get()
    assert response["Location"] == reverse("mentoring:concern_detail", args=[concern.pk])
    assert [m.to for m in mail.outbox] == [[p.coordinator.email]]
    assert "My mentor shouts" not in mail.outbox[0].body  # the email only links to it
    # The mentor, other people and anonymous visitors never see it.
    detail = reverse("mentoring:concern_detail", args=[concern.pk])
    for person in (p.mentor, make_mentee(name="Other"), pair(mentor_name="X", mentee_name="Y").coordinator):
        client.force_login(person)
        assert client.get(detail).status_code == 404
        assert "My mentor shouts" not in client.get(reverse("mentoring:cohort_concerns", args=[p.cohort.pk])).content.decode()
    client.logout()
    assert client.get(detail)["Location"].startswith(reverse("account_login"))


def test_the_coordinator_sets_a_status_and_replies_and_the_reporter_reads_it(client, django_capture_on_commit_callbacks):
    p = pair(mentor_name="Mo Mentor", mentee_name="Mia Mentee")
    concern = concern_services.concern_raise(reporter=p.mentee, mentorship=p.mentorship, body="Worried.")
    client.force_login(p.coordinator)
    detail = reverse("mentoring:concern_detail", args=[concern.pk])
    assert "Worried." in client.get(detail).content.decode()
    assert "Mia Mentee" in client.get(reverse("mentoring:cohort_concerns", args=[p.cohort.pk])).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"status": "in_progress", "reply": "We will call you tomorrow."})
    concern.refresh_from_db()
    assert (concern.status, concern.handled_by) == ("in_progress", p.coordinator)
    assert [m.to for m in mail.outbox] == [[p.mentee.email]]
    client.force_login(p.mentee)
    page = client.get(detail).content.decode()
    assert "We will call you tomorrow." in page and "In progress" in page
    assert client.post(detail, {"status": "resolved"}).status_code == 403  # the reporter cannot close it
    concern.refresh_from_db()
    assert concern.status == "in_progress"


def test_an_applicant_raises_a_concern_on_their_application_and_reviewers_never_see_it(client):
    p = pair(mentor_name="Mo Mentor", mentee_name="Mia Mentee")
    applicant = make_mentee(name="Ada Applicant")
    application = ApplicationFactory(cohort=p.cohort, applicant=applicant)
    reviewer = EnrollmentFactory(cohort=p.cohort).mentor
    url = reverse("mentoring:concern_raise_application", args=[application.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    client.post(url, {"body": "An interviewer asked about my religion."})
    concern = Concern.objects.get(application=application)
    detail = reverse("mentoring:concern_detail", args=[concern.pk])
    client.force_login(reviewer)
    assert client.get(detail).status_code == 404
    client.force_login(p.coordinator)
    assert "asked about my religion" in client.get(detail).content.decode()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(detail).status_code == 200


def test_the_concern_list_has_constant_queries(client):
    p = pair(mentor_name="Mo Mentor", mentee_name="Mia Mentee")
    client.force_login(p.coordinator)
    url = reverse("mentoring:cohort_concerns", args=[p.cohort.pk])
    concern_services.concern_raise(reporter=p.mentee, mentorship=p.mentorship, body="One.")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        applicant = make_mentee(name=f"A{i}")
        application = ApplicationFactory(cohort=p.cohort, applicant=applicant)
        concern_services.concern_raise(reporter=applicant, application=application, body="More.")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
