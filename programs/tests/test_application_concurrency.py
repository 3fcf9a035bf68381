"""Twenty clicks at once on "Submit application": one application, one submission, no error page."""
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import make_mentee
from conftest import require
from programs.models import Application
from programs.tests.factories import cohort_scenario

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 20


def _post_all_at_once(*, user, url, data) -> list:
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def click(i):
        # Each thread is its own browser tab: its own client, session and database connection.
        client = Client(raise_request_exception=False)
        try:
            client.force_login(user)
            barrier.wait(timeout=30)
            response = client.post(url, data, follow=False)
            message_texts = [str(m) for m in response.wsgi_request._messages]
            results[i] = (response.status_code, response.get("Location", ""), message_texts, response.content.decode())
        except Exception as exc:  # recorded, so the assertion below names it
            results[i] = ("exception", repr(exc), [], "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_twenty_simultaneous_submits_create_one_application_and_no_error_page():
    require(connection.vendor == "postgresql", "the double-click race needs Postgres (set DATABASE_URL)")
    scenario = cohort_scenario(applications=0)
    mentee = make_mentee(name="Quick Clicker")
    built, github = scenario.questions
    url = reverse("programs:application_edit", args=[scenario.cohort.pk])
    data = {
        "goals": "Maintain a package.", "motivation": "Because.", "hours_per_week": "5",
        f"question_{built.pk}": "A pipeline.", f"question_{github.pk}": "https://github.com/quick",
        "preference_1": str(scenario.mentors[0].pk), "preference_2": str(scenario.mentors[1].pk),
        "action": "submit",
    }

    results = _post_all_at_once(user=mentee, url=url, data=data)

    applications = list(Application.objects.filter(applicant=mentee, cohort=scenario.cohort))
    assert len(applications) == 1
    application = applications[0]
    assert application.status == Application.Status.SUBMITTED
    assert list(application.events.values_list("to_status", flat=True)) == ["submitted"]
    assert [p.mentor for p in application.preferences.all()] == scenario.mentors[:2]
    assert application.answers.count() == 2

    detail = reverse("programs:application_detail", args=[application.pk])
    friendly = ("Your application was submitted.", "already submitted", "another window")
    for status, location, message_texts, body in results:
        assert status in (200, 302), f"got {status}: {location} {body[:500]}"
        if status == 302:
            assert location == detail
        assert any(phrase in text for text in message_texts for phrase in friendly), message_texts
