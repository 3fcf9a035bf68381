import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from programs.models import Application, Cohort, Phase, Program
from programs.tests.factories import CohortFactory, ProgramFactory, cohort_scenario

pytestmark = pytest.mark.django_db


def test_admin_enrolls_program_with_cohort_inline(admin_client):
    coordinator = UserFactory(is_staff=True)
    data = {
        "name": "Package Support", "slug": "package-support", "kind": "package_support",
        "summary": "Help for scientific packages.", "description": "", "contact_email": "ps@example.org",
        "coordinators": [coordinator.pk], "published": "on", "retention_months": "12",
        "cohorts-TOTAL_FORMS": "1", "cohorts-INITIAL_FORMS": "0", "cohorts-MIN_NUM_FORMS": "0", "cohorts-MAX_NUM_FORMS": "1000",
        "cohorts-0-name": "2027 Round 1", "cohorts-0-season": "2027",
        "cohorts-0-applications_open_at_0": "2027-01-01", "cohorts-0-applications_open_at_1": "00:00:00",
        "cohorts-0-applications_close_at_0": "2027-02-01", "cohorts-0-applications_close_at_1": "00:00:00",
        "cohorts-0-review_deadline_0": "", "cohorts-0-review_deadline_1": "",
        "cohorts-0-starts_on": "2027-03-01", "cohorts-0-ends_on": "2027-06-01",
    }
    response = admin_client.post(reverse("admin:programs_program_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get(slug="package-support")
    assert list(program.coordinators.all()) == [coordinator]
    assert program.cohorts.get().name == "2027 Round 1"


def test_admin_refuses_a_cohort_that_closes_before_it_opens(admin_client):
    program = ProgramFactory()
    data = {
        "program": program.pk, "name": "Bad", "season": "", "applications_open_at_0": "2027-02-01",
        "applications_open_at_1": "00:00:00", "applications_close_at_0": "2027-01-01", "applications_close_at_1": "00:00:00",
        "starts_on": "2027-03-01", "ends_on": "2027-06-01",
        "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0", "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:programs_cohort_add"), data)
    assert response.status_code == 200
    assert "must close after they open" in response.content.decode()
    assert not Cohort.objects.filter(name="Bad").exists()


def test_open_and_close_applications_now(admin_client):
    cohort = CohortFactory(applications_open_at=timezone.now() + timezone.timedelta(days=3))
    assert cohort.phase == Phase.UPCOMING
    url = reverse("admin:programs_cohort_changelist")
    admin_client.post(url, {"action": "open_applications_now", "_selected_action": [cohort.pk]})
    cohort.refresh_from_db()
    assert cohort.phase == Phase.ACCEPTING
    admin_client.post(url, {"action": "close_applications_now", "_selected_action": [cohort.pk]})
    cohort.refresh_from_db()
    assert cohort.phase == Phase.REVIEWING


def test_export_csv_neutralises_formulas(admin_client):
    scenario = cohort_scenario(applications=2)
    app = scenario.applications[0]
    app.goals = "=HYPERLINK(\"http://evil\")"
    app.save()
    response = admin_client.post(
        reverse("admin:programs_cohort_changelist"),
        {"action": "export_applications_csv", "_selected_action": [scenario.cohort.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "cohort" and len(rows) == 3
    goals = {row[1]: row[rows[0].index("goals")] for row in rows[1:]}
    assert goals[str(app.pk)].startswith("'=")


def test_admin_accept_action_uses_the_state_machine(admin_client, django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=2)
    first, second = scenario.applications
    second.status = Application.Status.DRAFT
    second.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:programs_application_changelist"),
            {"action": "accept", "_selected_action": [first.pk, second.pk]}, follow=True,
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Application.Status.ACCEPTED
    assert second.status == Application.Status.DRAFT  # a draft cannot be accepted
    assert "cannot become" in response.content.decode()


def test_admin_changelists_load(admin_client):
    cohort_scenario(applications=3)
    for name in ("program", "cohort", "application", "mentorenrollment", "review"):
        assert admin_client.get(reverse(f"admin:programs_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:programs_cohort_changelist"), {"phase": "accepting"}).status_code == 200


def test_the_coordinator_picker_names_staff_and_mentors_only(admin_client):
    from accounts.tests.factories import make_mentee, make_mentor

    mentor, applicant = make_mentor(name="Ada Mentor"), make_mentee(name="Bo Applicant")
    page = admin_client.get(reverse("admin:programs_program_add")).content.decode()
    assert f"Ada Mentor ({mentor.email})" in page
    assert applicant.email not in page


def test_questions_and_rubric_are_reachable_from_the_cohort_list(admin_client):
    scenario = cohort_scenario(applications=0, mentors=0)
    page = admin_client.get(reverse("admin:programs_cohort_changelist")).content.decode()
    questions = reverse("admin:programs_applicationquestion_changelist") + f"?cohort__id__exact={scenario.cohort.pk}"
    assert questions.replace("&", "&amp;") in page
    listing = admin_client.get(questions).content.decode()
    assert "What have you built?" in listing
    rubric = reverse("admin:programs_reviewcriterion_changelist") + f"?cohort__id__exact={scenario.cohort.pk}"
    assert "Motivation" in admin_client.get(rubric).content.decode()
