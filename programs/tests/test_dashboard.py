import pytest
from django.urls import reverse

from programs.models import ApprovalStatus
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory, cohort_scenario

pytestmark = pytest.mark.django_db


def test_dashboard_lists_applications_mentoring_and_coordination(client):
    scenario = cohort_scenario(applications=1, mentors=1)
    application = scenario.applications[0]
    client.force_login(application.applicant)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your applications" in html and reverse("programs:application_detail", args=[application.pk]) in html

    client.force_login(scenario.mentors[0])
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("programs:review_queue", args=[scenario.cohort.pk]) in html

    client.force_login(scenario.coordinator)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]) in html


def test_dashboard_suggests_open_calls_not_yet_applied_to(client):
    applied, other = CohortFactory(), CohortFactory()
    application = ApplicationFactory(cohort=applied)
    client.force_login(application.applicant)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Open calls" in html and other.get_absolute_url() in html
    assert applied.get_absolute_url() not in html.split("Open calls")[1]


def test_dashboard_query_count_is_constant(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = ApplicationFactory()
    user = application.applicant
    client.force_login(user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("accounts:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request also stores the time zone in the session
    few = count()
    for _ in range(10):
        ApplicationFactory(applicant=user)
        EnrollmentFactory(mentor=user, status=ApprovalStatus.PENDING)
        CohortFactory()
    assert count() == few
