"""The audit history: who changed what and when, for coordinators of the cohort (404 for anyone else)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from matching import services as matching
from matching.models import MatchingSettings, MatchProposal, PairRule
from matching.tasks import confirm_proposals
from matching.tests.factories import hand_made_cohort
from programs.models import ApprovalStatus, MentorEnrollment, Review
from programs.services.reviews import review_submit
from programs.tests.factories import EnrollmentFactory, QuestionFactory, cohort_scenario

pytestmark = pytest.mark.django_db


def history_url(cohort):
    return reverse("privacy:cohort_history", args=[cohort.pk])


def test_a_decision_made_on_a_page_names_the_person_who_clicked(client):
    scenario = cohort_scenario(mentors=0, applications=0)
    enrollment = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING)
    client.force_login(scenario.coordinator)
    client.post(reverse("programs:mentor_enrollments", args=[scenario.cohort.pk]),
                {"enrollment": enrollment.pk, "decision": "approve"})
    latest = MentorEnrollment.history.filter(id=enrollment.pk).latest()
    assert latest.status == ApprovalStatus.APPROVED and latest.history_user == scenario.coordinator

    page = client.get(history_url(scenario.cohort)).content.decode()
    assert "Mentor enrollment decisions" in page
    assert "Waiting for approval → Approved" in page


def test_matching_actions_and_a_confirmation_in_a_worker_are_recorded_with_who_asked(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1)
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = matching.run_request(cohort=made.cohort, actor=made.coordinator)
    run.refresh_from_db()
    matching.matching_settings_update(cohort=made.cohort, actor=made.coordinator, data={"weight_skills": 7})
    matching.pair_rule_set(cohort=made.cohort, application_id=made.c.pk, enrollment_id=made.y.pk,
                           kind=PairRule.Kind.RULED_OUT, actor=made.coordinator)
    assert MatchingSettings.history.filter(cohort_id=made.cohort.pk).latest().history_user == made.coordinator
    assert PairRule.history.get(kind=PairRule.Kind.RULED_OUT).history_user == made.coordinator

    # A new run (settings changed), confirmed by the worker: no request, the actor is still named.
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = matching.run_request(cohort=made.cohort, actor=made.coordinator)
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        confirm_proposals.apply(args=(run.pk, made.coordinator.pk))
    confirmed = MatchProposal.history.filter(run_id=run.pk, status="confirmed")
    assert confirmed.exists() and {h.history_user for h in confirmed} == {made.coordinator}


def test_reviews_are_recorded_without_their_comment():
    scenario = cohort_scenario(mentors=1, applications=1)
    application, reviewer = scenario.applications[0], scenario.mentors[0]
    review_submit(application=application, reviewer=reviewer, scores={}, recommendation="accept", comment="first")
    review_submit(application=application, reviewer=reviewer, scores={}, recommendation="decline", comment="second")
    versions = Review.history.filter(application_id=application.pk).order_by("history_date")
    assert [v.recommendation for v in versions] == ["accept", "decline"]
    assert not hasattr(versions[0], "comment")


def test_only_the_cohorts_coordinators_and_site_admins_see_the_history(client):
    scenario = cohort_scenario(mentors=1, applications=1)
    url = history_url(scenario.cohort)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    other_coordinator = cohort_scenario(mentors=0, applications=0).coordinator
    for stranger in (other_coordinator, scenario.mentors[0], scenario.applications[0].applicant):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(scenario.coordinator)
    assert client.get(reverse("privacy:cohort_history", args=[999999])).status_code == 404
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200
    # The dashboard links to it.
    client.force_login(scenario.coordinator)
    assert url in client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])).content.decode()


def _page_queries(client, cohort, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(history_url(cohort), params)
    assert response.status_code == 200
    return len(queries)


def _changes(scenario, start, count):
    for i in range(start, start + count):
        question = QuestionFactory(cohort=scenario.cohort, prompt=f"Question {i}?")
        question.prompt = f"Question {i}, reworded?"
        question.save()
        review_submit(application=scenario.applications[i % 2], reviewer=scenario.mentors[0], scores={},
                      recommendation=["accept", "decline"][i % 2])


def test_the_history_page_takes_the_same_number_of_queries_as_it_grows(client):
    from privacy.history import SOURCES

    scenario = cohort_scenario(mentors=2, applications=2)
    client.force_login(scenario.coordinator)
    # At most two queries per source (the page's rows, their previous versions) and the page's own few.
    bound = 2 * len(SOURCES) + 10
    assert _page_queries(client, scenario.cohort) <= bound
    _changes(scenario, 0, 30)
    some = _page_queries(client, scenario.cohort)
    _changes(scenario, 30, 60)
    assert _page_queries(client, scenario.cohort) == some <= bound
    page = client.get(history_url(scenario.cohort)).content.decode()
    assert "Question 89? → Question 89, reworded?" in page
    assert "Older" in page  # more than one page
    assert _page_queries(client, scenario.cohort, page=2) == some
    assert _page_queries(client, scenario.cohort, kind="question") < some


def test_site_admins_see_every_history_in_the_admin(client):
    scenario = cohort_scenario(mentors=1, applications=1)
    review = review_submit(application=scenario.applications[0], reviewer=scenario.mentors[0], scores={},
                           recommendation="accept")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:programs_review_history", args=[review.pk]))
    assert response.status_code == 200
    assert client.get(reverse("admin:programs_cohort_history", args=[scenario.cohort.pk])).status_code == 200
    assert client.get(reverse("admin:matching_pairrule_changelist")).status_code == 200
