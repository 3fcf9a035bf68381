import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory, make_mentee
from conftest import require
from mentoring import services
from mentoring.models import Mentorship
from programs.models import ApprovalStatus
from programs.tests.factories import EnrollmentFactory, cohort_scenario
from tests.concurrency import run_concurrently


@pytest.mark.django_db
def test_create_emails_both_people(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(capacity=1)
    mentee = make_mentee(name="Sofía")
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = services.mentorship_create(enrollment=enrollment, mentee=mentee)
    assert mentorship.starts_on == enrollment.cohort.starts_on
    assert sorted(m.to[0] for m in mail.outbox) == sorted([enrollment.mentor.email, mentee.email])
    assert any("Meet your mentor" in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_capacity_and_approval_are_enforced():
    enrollment = EnrollmentFactory(capacity=1)
    services.mentorship_create(enrollment=enrollment, mentee=make_mentee())
    with pytest.raises(services.CapacityFull):
        services.mentorship_create(enrollment=enrollment, mentee=make_mentee())
    pending = EnrollmentFactory(status=ApprovalStatus.PENDING)
    with pytest.raises(ValidationError):
        services.mentorship_create(enrollment=pending, mentee=make_mentee())


@pytest.mark.django_db
def test_a_mentee_gets_one_open_mentorship_per_cohort():
    scenario = cohort_scenario(applications=0, mentors=2)
    first, second = scenario.cohort.mentor_enrollments.all()
    mentee = make_mentee()
    services.mentorship_create(enrollment=first, mentee=mentee)
    with pytest.raises(ValidationError, match="already has a mentorship"):
        services.mentorship_create(enrollment=second, mentee=mentee)


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_confirmations_never_overfill_a_mentor():
    require(connection.vendor == "postgresql", "the capacity race needs Postgres row locks (set DATABASE_URL)")
    enrollment = EnrollmentFactory(capacity=3)
    mentees = [make_mentee(name=f"M{i}") for i in range(50)]
    results = run_concurrently(lambda mentee: services.mentorship_create(enrollment=enrollment, mentee=mentee), mentees)
    outcomes = ["full" if isinstance(r, services.CapacityFull) else "ok" if isinstance(r, Mentorship) else repr(r)
                for r in results]
    assert outcomes.count("ok") == 3 and outcomes.count("full") == 47
    assert Mentorship.objects.filter(enrollment=enrollment).count() == 3


@pytest.mark.django_db
class TestMentorshipPagePermissions:
    def test_three_cases(self, client):
        scenario = cohort_scenario(applications=0, mentors=1)
        enrollment = scenario.cohort.mentor_enrollments.get()
        mentee = make_mentee(name="Paired Mentee")
        mentorship = services.mentorship_create(enrollment=enrollment, mentee=mentee)
        url = reverse("mentoring:mentorship_detail", args=[mentorship.pk])
        assert client.get(url).status_code == 302  # anonymous: log in first
        for stranger in (UserFactory(), make_mentee(), cohort_scenario(applications=0).coordinator):
            client.force_login(stranger)
            assert client.get(url).status_code == 404
        for person in (mentee, enrollment.mentor, scenario.coordinator):
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == 200 and "Paired Mentee" in response.content.decode()
