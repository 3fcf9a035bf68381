"""Coordinators: the cohort dashboard, bulk decisions with confirmation, mentors, CSV export."""
import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from programs import services
from programs.applicant_data import CSV_COLUMNS
from programs.models import Answer, Application, ApprovalStatus, DuplicateScan, MentorEnrollment, Review
from programs.tasks import scan_duplicates
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory, cohort_scenario

pytestmark = pytest.mark.django_db
Status = Application.Status

ESSAY = (
    "I maintain a small library for reading telescope data and I want to learn how larger scientific "
    "projects organise releases, continuous integration and documentation. During this mentorship I "
    "plan to port the test suite to pytest, write a tutorial for new contributors, and help triage the "
    "issue tracker every week, because I believe good onboarding is what keeps volunteers around."
)
OTHER_ESSAY = (
    "My background is in epidemiology, where I write R scripts to clean survey data from rural clinics. "
    "I would like to become a confident Python developer, contribute a first pull request to pandas, "
    "and understand packaging well enough to publish the cleaning tools my team keeps copying by hand "
    "between laptops and shared drives every single season."
)

THIRD_ESSAY = (
    "Coral reefs are my field: I count fish in underwater photographs and I would like the counting to be done "
    "by a model I can trust. I hope to learn how to label images together with volunteers, train and validate "
    "a detector, and publish the pipeline so that other marine stations can reuse it on their own surveys."
)


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def review(application, reviewer, score, recommendation="yes", **fields):
    return Review.objects.create(
        application=application, reviewer=reviewer, scores={}, weighted_score=score, recommendation=recommendation, **fields,
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Who may see the coordinator pages --------------------------------------------------------


@pytest.mark.parametrize("name", ["cohort_dashboard", "mentor_enrollments", "export_csv"])
def test_coordinator_pages_three_cases(client, name):
    scenario = cohort_scenario(applications=1)
    url = reverse(f"programs:{name}", args=[scenario.cohort.pk])
    assert login_redirect(client.get(url))
    other_coordinator = cohort_scenario(applications=0, mentors=0).coordinator
    for person in (scenario.mentors[0], scenario.applications[0].applicant, other_coordinator):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    for person in (scenario.coordinator, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(person)
        assert client.get(url).status_code == 200


def test_bulk_decide_is_post_only_and_404_for_non_coordinators(client):
    scenario = cohort_scenario(applications=1)
    url = reverse("programs:bulk_decide", args=[scenario.cohort.pk])
    data = {"applications": [scenario.applications[0].pk], "status": "accepted", "confirm": "1"}
    assert login_redirect(client.post(url, data))
    client.force_login(scenario.mentors[0])
    assert client.post(url, data).status_code == 404
    client.force_login(cohort_scenario(applications=0, mentors=0).coordinator)
    assert client.post(url, data).status_code == 404
    client.force_login(scenario.coordinator)
    assert client.get(url).status_code == 405
    scenario.applications[0].refresh_from_db()
    assert scenario.applications[0].status == Status.SUBMITTED


# --- Dashboard ------------------------------------------------------------------------------------


def test_dashboard_counts_coverage_load_and_pending_mentors(client):
    scenario = cohort_scenario(applications=4)
    a, b, c, d = scenario.applications
    m0, m1 = scenario.mentors
    review(a, m0, 4.0)
    review(a, m1, 3.0)
    review(b, m0, 2.0)
    review(c, m1, None, recommendation="", conflict_of_interest=True, conflict_details="Colleague")
    Application.objects.filter(pk=d.pk).update(status=Status.ACCEPTED)
    ApplicationFactory(cohort=scenario.cohort, status=Status.DRAFT, submitted_at=None)
    EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING)
    EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING)
    client.force_login(scenario.coordinator)
    response = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]))
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts == {"draft": 1, "submitted": 3, "under_review": 0, "accepted": 1, "waitlisted": 0,
                      "declined": 0, "withdrawn": 0}
    # b has one review, c only a conflicted one; a has two; d is decided.
    assert response.context["coverage_total"] == 2
    assert [x.pk for x in response.context["coverage"]] == [c.pk, b.pk]
    load = {e.mentor_id: e.reviews_done for e in response.context["mentor_load"]}
    assert load == {m0.pk: 2, m1.pk: 2}
    assert response.context["pending_mentors"] == 2
    html = response.content.decode()
    assert "2 volunteers wait for your decision" in html
    assert reverse("programs:mentor_enrollments", args=[scenario.cohort.pk]) in html
    assert reverse("programs:export_csv", args=[scenario.cohort.pk]) in html


def test_dashboard_ranks_by_normalised_score_not_by_raw_mean(client):
    scenario = cohort_scenario(applications=5)
    strict, lenient = scenario.mentors
    a, b, c, d, unscored = scenario.applications
    review(a, strict, 3.0, "strong_yes")
    review(b, strict, 1.0, "no")
    review(c, lenient, 4.5, "maybe")
    review(d, lenient, 5.0, "yes")
    client.force_login(scenario.coordinator)
    response = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]))
    ranked = [row.application.pk for row in response.context["rows"]]
    # Raw means would give d, c, a, b. Against each reviewer's own average, a's 3 from the
    # strict reviewer is as good as d's 5 from the lenient one, and c's 4.5 is as weak as b's 1.
    assert ranked == [d.pk, a.pk, c.pk, b.pk, unscored.pk]
    rows = {row.application.pk: row for row in response.context["rows"]}
    assert rows[a.pk].score["normalised"] == pytest.approx(1.0)
    assert rows[c.pk].score["normalised"] == pytest.approx(-1.0)
    assert rows[a.pk].tallies == {"strong_yes": 1, "yes": 0, "maybe": 0, "no": 0}
    assert rows[unscored.pk].score is None


def test_dashboard_ranked_list_filters_by_status_and_pages_by_100(client):
    scenario = cohort_scenario(applications=0, mentors=0)
    ApplicationFactory.create_batch(103, cohort=scenario.cohort)
    waitlisted = ApplicationFactory(cohort=scenario.cohort, status=Status.WAITLISTED)
    client.force_login(scenario.coordinator)
    url = reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])
    assert len(client.get(url).context["rows"]) == 100
    assert len(client.get(url, {"page": 2}).context["rows"]) == 4
    only = client.get(url, {"status": "waitlisted"}).context["rows"]
    assert [row.application.pk for row in only] == [waitlisted.pk]


def test_dashboard_flags_possible_duplicates_from_the_stored_scan_with_links_to_both(
    client, django_capture_on_commit_callbacks,
):
    scenario = cohort_scenario(applications=0, mentors=0)
    original = ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name="Original Author"), motivation=ESSAY)
    copied_text = ESSAY.replace("telescope", "satellite").replace("every week", "each week")
    copy = ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name="Copy Cat"), motivation=copied_text)
    different = ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name="Own Words"), motivation=OTHER_ESSAY)
    client.force_login(scenario.coordinator)
    url = reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])
    response = client.get(url)  # a page view computes nothing and queues nothing
    assert response.context["duplicates"] == [] and "Not checked yet" in response.content.decode()
    assert not DuplicateScan.objects.exists()

    assert scan_duplicates(scenario.cohort.pk) == "scanned"  # what the task does after applications change
    response = client.get(url)
    pairs = [(p["first"], p["second"]) for p in response.context["duplicates"]]
    assert pairs == [(original.pk, copy.pk)]
    assert different.pk not in {pk for pair in pairs for pk in pair}
    panel = response.content.decode().split('id="duplicate-list"')[1].split("</ul>")[0]
    assert reverse("programs:review", args=[original.pk]) in panel and reverse("programs:review", args=[copy.pk]) in panel
    assert "Copy Cat" in panel and "Original Author" in panel
    assert 'id="duplicate-scan-time">Checked ' in response.content.decode()

    # An edit that makes the copy original again queues a new scan after commit, which clears the flag.
    with django_capture_on_commit_callbacks(execute=True):
        services.application_save(
            application=copy, actor=copy.applicant, data={"motivation": THIRD_ESSAY},
            answers={scenario.questions[0].pk: "A survey cleaner."}, preferences=[],
        )
    response = client.get(url)
    assert response.context["duplicates"] == []


def test_dashboard_query_count_is_constant_with_500_applications(client, django_assert_max_num_queries):
    scenario = cohort_scenario(applications=0, mentors=3)
    applications = ApplicationFactory.create_batch(500, cohort=scenario.cohort)
    Review.objects.bulk_create(
        Review(application=application, reviewer=mentor, scores={}, weighted_score=1 + (i * 7 + j) % 5,
               recommendation=["strong_yes", "yes", "maybe", "no"][(i + j) % 4])
        for i, application in enumerate(applications) for j, mentor in enumerate(scenario.mentors) if (i + j) % 3
    )
    EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING)
    client.force_login(scenario.coordinator)
    url = reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])
    for params in ({}, {"page": 3}, {"status": "submitted"}):
        # 21 on a cold request: the page plus the panels other apps register (unpaired, funded places,
        # contributions, activities, history), each a fixed number; an N+1 would be hundreds.
        with django_assert_max_num_queries(22):
            response = client.get(url, params)
        assert response.status_code == 200
        assert len(response.context["rows"]) == 100


# --- Bulk decisions --------------------------------------------------------------------------------


def test_bulk_accept_asks_for_confirmation_then_decides_and_emails_applicants(client, django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=3)
    chosen = scenario.applications[:2]
    client.force_login(scenario.coordinator)
    url = reverse("programs:bulk_decide", args=[scenario.cohort.pk])
    data = {"applications": [a.pk for a in chosen], "status": "accepted"}

    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are about to accept 2 applications" in html
    assert "Applicant 0" in html and "Applicant 1" in html and "Applicant 2" not in html
    assert 'name="confirm" value="1"' in html and reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]) in html
    assert Application.objects.filter(status=Status.ACCEPTED).count() == 0  # nothing yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirm": "1"}, follow=True)
    assert "2 applications are now “Accepted”" in response.content.decode()
    assert set(Application.objects.filter(status=Status.ACCEPTED).values_list("pk", flat=True)) == {a.pk for a in chosen}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.applicant.email for a in chosen)
    assert scenario.applications[2].applicant.email not in {m.to[0] for m in mail.outbox}


def test_bulk_decide_reports_what_could_not_change(client, django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=2)
    declined, fine = scenario.applications
    Application.objects.filter(pk=declined.pk).update(status=Status.DECLINED)
    client.force_login(scenario.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:bulk_decide", args=[scenario.cohort.pk]),
            {"applications": [declined.pk, fine.pk], "status": "waitlisted", "confirm": "1"}, follow=True,
        )
    html = response.content.decode()
    assert "1 application is now “Waitlisted”" in html
    assert declined.applicant.email in html and "cannot become" in html
    assert Application.objects.get(pk=declined.pk).status == Status.DECLINED
    assert Application.objects.get(pk=fine.pk).status == Status.WAITLISTED
    assert [m.to[0] for m in mail.outbox] == [fine.applicant.email]


def test_bulk_decide_refuses_applications_of_another_cohort_and_empty_selections(client):
    scenario = cohort_scenario(applications=1)
    foreign = ApplicationFactory(cohort=CohortFactory(program=scenario.cohort.program))
    draft = ApplicationFactory(cohort=scenario.cohort, status=Status.DRAFT, submitted_at=None)
    client.force_login(scenario.coordinator)
    url = reverse("programs:bulk_decide", args=[scenario.cohort.pk])
    for selection in ([foreign.pk], [draft.pk], []):
        response = client.post(url, {"applications": selection, "status": "accepted", "confirm": "1"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])
        assert "Select" in response.content.decode()
    response = client.post(url, {"applications": [scenario.applications[0].pk], "status": "draft", "confirm": "1"})
    assert response.status_code == 302
    assert not Application.objects.filter(status=Status.ACCEPTED).exists()
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


# --- Mentor enrollments ------------------------------------------------------------------------------


def test_coordinator_approves_and_declines_volunteers(client, django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=0, mentors=1)
    keen = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING, mentor=make_mentor(name="Keen Kim"),
                             capacity=3, topics="astropy")
    unsure = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING, mentor=make_mentor(name="Unsure Uma"))
    client.force_login(scenario.coordinator)
    url = reverse("programs:mentor_enrollments", args=[scenario.cohort.pk])
    html = client.get(url).content.decode()
    assert "Keen Kim" in html and "astropy" in html and "Approve<span class=\"visually-hidden\"> Keen Kim" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"enrollment": keen.pk, "decision": "approve"}, follow=True)
    assert "Keen Kim is now a mentor of this cohort." in response.content.decode()
    client.post(url, {"enrollment": unsure.pk, "decision": "decline"})
    keen.refresh_from_db()
    unsure.refresh_from_db()
    assert (keen.status, keen.decided_by) == (ApprovalStatus.APPROVED, scenario.coordinator)
    assert unsure.status == ApprovalStatus.DECLINED
    assert [m.to[0] for m in mail.outbox] == [keen.mentor.email]
    response = client.get(url)
    assert {e.pk for e in response.context["approved"]} == {keen.pk, *[
        e.pk for e in MentorEnrollment.objects.filter(cohort=scenario.cohort, mentor=scenario.mentors[0])]}
    assert response.context["approved_capacity"] == 3 + 2


def test_enrollment_decisions_stay_inside_the_cohort(client):
    scenario = cohort_scenario(applications=0, mentors=0)
    elsewhere = EnrollmentFactory(status=ApprovalStatus.PENDING, cohort=CohortFactory(program=scenario.cohort.program))
    withdrawn = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.WITHDRAWN)
    client.force_login(scenario.coordinator)
    url = reverse("programs:mentor_enrollments", args=[scenario.cohort.pk])
    for enrollment in (elsewhere, withdrawn):
        response = client.post(url, {"enrollment": enrollment.pk, "decision": "approve"}, follow=True)
        assert "Nothing was changed" in response.content.decode()
    elsewhere.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (elsewhere.status, withdrawn.status) == (ApprovalStatus.PENDING, ApprovalStatus.WITHDRAWN)


# --- CSV export ----------------------------------------------------------------------------------------


def test_csv_export_has_one_row_per_application_with_scores_and_answers(client):
    scenario = cohort_scenario(applications=2)
    first, second = scenario.applications
    review(first, scenario.mentors[0], 4.0)
    review(first, scenario.mentors[1], 2.0)
    Answer.objects.create(application=second, question=scenario.questions[1], value="https://github.com/second")
    ApplicationFactory(cohort=scenario.cohort, status=Status.DRAFT, submitted_at=None)  # not exported
    client.force_login(scenario.coordinator)
    response = client.get(reverse("programs:export_csv", args=[scenario.cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = csv_rows(response)
    assert header == ["cohort", "id", "applicant", "email", "status", "submitted_at", "reviews", "mean_score",
                      "normalised_score", "goals", *CSV_COLUMNS, "What have you built?", "Your GitHub profile"]
    person = ["person"] + [""] * (len(CSV_COLUMNS) - 1)  # a person's application: no organization, project or group
    by_id = {int(row[1]): row for row in rows}
    assert set(by_id) == {first.pk, second.pk}
    assert by_id[first.pk][0] == str(scenario.cohort)
    assert by_id[first.pk][2:5] == ["Applicant 0", first.applicant.email, "submitted"]
    assert by_id[first.pk][6:9] == ["2", "3.0", "0.0"]
    assert by_id[first.pk][9:] == [first.goals, *person, "I built tool number 0.", ""]
    assert by_id[second.pk][6:] == ["0", "", "", second.goals, *person, "I built tool number 1.", "https://github.com/second"]


def test_csv_export_neutralises_formulas(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    profile = application.applicant.profile
    profile.display_name = '=HYPERLINK("http://evil.example","click")'
    profile.save()
    Answer.objects.filter(application=application).update(value="+1+cmd|' /C calc'!A0")
    Answer.objects.create(application=application, question=scenario.questions[1], value="@SUM(1,2)")
    scenario.questions[1].prompt = "-2+3"
    scenario.questions[1].save()
    client.force_login(scenario.coordinator)
    header, row = csv_rows(client.get(reverse("programs:export_csv", args=[scenario.cohort.pk])))
    assert header[-1] == "'-2+3"
    assert row[2] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row[10 + len(CSV_COLUMNS):] == ["'+1+cmd|' /C calc'!A0", "'@SUM(1,2)"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header + row)


# --- My cohorts ------------------------------------------------------------------------------------------


def test_my_cohorts_lists_coordinated_and_mentored_cohorts_only(client):
    scenario = cohort_scenario(applications=0)
    unrelated = cohort_scenario(applications=0)
    url = reverse("programs:my_cohorts")
    assert login_redirect(client.get(url))

    client.force_login(scenario.coordinator)
    html = client.get(url).content.decode()
    assert reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]) in html
    assert reverse("programs:cohort_dashboard", args=[unrelated.cohort.pk]) not in html

    mentor = scenario.mentors[0]
    EnrollmentFactory(cohort=unrelated.cohort, mentor=mentor, status=ApprovalStatus.PENDING)
    client.force_login(mentor)
    html = client.get(url).content.decode()
    assert reverse("programs:review_queue", args=[scenario.cohort.pk]) in html
    assert reverse("programs:review_queue", args=[unrelated.cohort.pk]) not in html  # not approved there
    assert "programs:cohort_dashboard" not in html and "/manage/" not in html
