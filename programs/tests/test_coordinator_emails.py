"""A mentor who volunteers waits for a coordinator's approval: the coordinators are told."""
import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import make_mentor
from programs import services
from programs.tests.factories import cohort_scenario

pytestmark = pytest.mark.django_db


def test_a_mentor_volunteering_tells_the_coordinators(django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=0, mentors=0)
    mentor = make_mentor(name="Seán O'Brien")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_enrollment_request(mentor=mentor, cohort=scenario.cohort, capacity=2, offer="Python & R")
    [to_coordinator] = [m for m in mail.outbox if m.to == [scenario.coordinator.email]]
    assert to_coordinator.subject.startswith("Seán O'Brien offers to mentor in")
    assert "Python & R" in to_coordinator.body
    assert reverse("programs:mentor_enrollments", args=[scenario.cohort.pk]) in to_coordinator.body
    assert [m for m in mail.outbox if m.to == [mentor.email]]  # and the mentor hears it was received
    # Saving the same offer again (still pending) is not a new offer: nobody is told twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_enrollment_request(mentor=mentor, cohort=scenario.cohort, capacity=3, offer="Python & R")
    assert mail.outbox == []
