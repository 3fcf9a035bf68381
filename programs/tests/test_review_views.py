"""Mentors: volunteering, the review queue and the review page (anti-anchoring, conflicts, scores)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SkillFactory, make_mentee, make_mentor
from programs.models import Application, ApplicationPreference, ApprovalStatus, MentorEnrollment, Review
from programs.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    cohort_scenario,
)

pytestmark = pytest.mark.django_db


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def rubric_post(scenario, **extra):
    motivation, experience = scenario.criteria
    data = {f"criterion_{motivation.pk}": "4", f"criterion_{experience.pk}": "2", "recommendation": "yes",
            "comment": "Solid plan."}
    data.update(extra)
    return data


# --- Volunteer --------------------------------------------------------------------------------


def test_volunteer_requires_login(client):
    cohort = CohortFactory()
    assert login_redirect(client.get(reverse("programs:volunteer", args=[cohort.pk])))


def test_volunteer_is_404_for_a_cohort_of_an_unpublished_program(client):
    cohort = CohortFactory(program=ProgramFactory(published=False))
    client.force_login(make_mentor())
    assert client.get(reverse("programs:volunteer", args=[cohort.pk])).status_code == 404


def test_mentor_volunteers_with_capacity_prefilled_from_the_profile(client):
    cohort = CohortFactory()
    mentor = make_mentor(name="Ada", capacity=4)
    client.force_login(mentor)
    url = reverse("programs:volunteer", args=[cohort.pk])
    html = client.get(url).content.decode()
    assert 'name="capacity" value="4"' in html
    response = client.post(url, {"capacity": "3", "offer": "Weekly pairing.", "topics": "numpy, docs"})
    assert response.status_code == 302
    enrollment = MentorEnrollment.objects.get(cohort=cohort, mentor=mentor)
    assert (enrollment.status, enrollment.capacity, enrollment.topics) == (ApprovalStatus.PENDING, 3, "numpy, docs")
    html = client.get(url).content.decode()
    assert "Waiting for approval" in html and "Update my offer" in html and "Withdraw" in html


def test_mentor_updates_and_withdraws_then_volunteers_again(client):
    cohort = CohortFactory()
    enrollment = EnrollmentFactory(cohort=cohort, status=ApprovalStatus.APPROVED, capacity=2)
    client.force_login(enrollment.mentor)
    url = reverse("programs:volunteer", args=[cohort.pk])
    assert "Review applications" in client.get(url).content.decode()  # approved: link to the queue
    client.post(url, {"capacity": "5", "offer": "More time now."})
    enrollment.refresh_from_db()
    assert (enrollment.capacity, enrollment.status) == (5, ApprovalStatus.APPROVED)
    client.post(url, {"action": "withdraw"})
    enrollment.refresh_from_db()
    assert enrollment.status == ApprovalStatus.WITHDRAWN
    assert "You withdrew" in client.get(url).content.decode()
    client.post(url, {"capacity": "1"})
    enrollment.refresh_from_db()
    assert enrollment.status == ApprovalStatus.PENDING


def test_capacity_is_validated(client):
    cohort = CohortFactory()
    mentor = make_mentor()
    client.force_login(mentor)
    response = client.post(reverse("programs:volunteer", args=[cohort.pk]), {"capacity": "0"})
    assert response.status_code == 200
    assert not MentorEnrollment.objects.filter(mentor=mentor).exists()


def test_a_mentee_is_told_to_become_a_mentor_first_and_cannot_volunteer(client):
    cohort = CohortFactory()
    mentee = make_mentee()
    client.force_login(mentee)
    url = reverse("programs:volunteer", args=[cohort.pk])
    html = client.get(url).content.decode()
    assert "Only mentors can volunteer" in html and 'name="capacity"' not in html
    client.post(url, {"capacity": "2"})
    assert not MentorEnrollment.objects.filter(mentor=mentee).exists()


def test_a_running_cohort_takes_no_new_mentors(client):
    today = timezone.localdate()
    cohort = CohortFactory(
        applications_open_at=timezone.now() - timedelta(days=60), applications_close_at=timezone.now() - timedelta(days=40),
        review_deadline=timezone.now() - timedelta(days=30), starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=60),
    )
    mentor = make_mentor()
    client.force_login(mentor)
    response = client.post(reverse("programs:volunteer", args=[cohort.pk]), {"capacity": "2"})
    assert response.status_code == 200
    assert "no longer takes new mentors" in response.content.decode()
    assert not MentorEnrollment.objects.filter(mentor=mentor).exists()


# --- Review queue -------------------------------------------------------------------------------


def test_queue_is_for_approved_mentors_and_coordinators_only(client):
    scenario = cohort_scenario()
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    assert login_redirect(client.get(url))
    pending = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING).mentor
    for person in (pending, scenario.applications[0].applicant, make_mentor()):
        client.force_login(person)
        assert client.get(url).status_code == 404
    for person in (scenario.mentors[0], scenario.coordinator):
        client.force_login(person)
        assert client.get(url).status_code == 200


def test_queue_rows_show_reviews_mine_and_preferences_but_no_scores_to_mentors(client):
    scenario = cohort_scenario(applications=3)
    mentor, other = scenario.mentors
    first, second, third = scenario.applications
    first.skills_wanted.add(SkillFactory(name="Sparse matrices"))
    Review.objects.create(application=first, reviewer=mentor, scores={}, weighted_score=4.0)
    Review.objects.create(application=first, reviewer=other, scores={}, weighted_score=2.0)
    ApplicationPreference.objects.create(application=second, mentor=mentor, rank=2)
    client.force_login(mentor)
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    page = client.get(url)
    rows = {a.pk: a for a in page.context["page"].object_list}
    assert set(rows) == {first.pk, second.pk, third.pk}
    assert (rows[first.pk].review_count, rows[first.pk].reviewed_by_me) == (2, 1)
    assert rows[second.pk].my_rank == 2 and rows[third.pk].my_rank is None
    html = page.content.decode()
    assert "Sparse matrices" in html and "choice #2" in html
    assert "Mean score" not in html  # mentors never see scores in the queue

    preferred = client.get(url, {"preferred": "on"}).context["page"].object_list
    assert [a.pk for a in preferred] == [second.pk]
    unreviewed = client.get(url, {"unreviewed": "on"}).context["page"].object_list
    assert {a.pk for a in unreviewed} == {second.pk, third.pk}
    by_reviews = client.get(url, {"sort": "-review_count"}).context["page"].object_list
    assert by_reviews[0].pk == first.pk


def test_queue_filters_by_status_and_hides_drafts_and_withdrawn(client):
    scenario = cohort_scenario(applications=2)
    accepted = scenario.applications[0]
    Application.objects.filter(pk=accepted.pk).update(status=Application.Status.ACCEPTED)
    draft = ApplicationFactory(cohort=scenario.cohort, status=Application.Status.DRAFT, submitted_at=None)
    withdrawn = ApplicationFactory(cohort=scenario.cohort, status=Application.Status.WITHDRAWN)
    client.force_login(scenario.mentors[0])
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    everything = {a.pk for a in client.get(url).context["page"].object_list}
    assert draft.pk not in everything and withdrawn.pk not in everything and len(everything) == 2
    only_accepted = client.get(url, {"status": "accepted"}).context["page"].object_list
    assert [a.pk for a in only_accepted] == [accepted.pk]


def test_coordinator_sorts_the_queue_by_mean_score(client):
    scenario = cohort_scenario(applications=3)
    low, high, unscored = scenario.applications
    Review.objects.create(application=low, reviewer=scenario.mentors[0], scores={}, weighted_score=1.5)
    Review.objects.create(application=high, reviewer=scenario.mentors[0], scores={}, weighted_score=4.5)
    client.force_login(scenario.coordinator)
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    best_first = [a.pk for a in client.get(url, {"sort": "-mean_score"}).context["page"].object_list]
    assert best_first == [high.pk, low.pk, unscored.pk]
    worst_first = [a.pk for a in client.get(url, {"sort": "mean_score"}).context["page"].object_list]
    assert worst_first == [low.pk, high.pk, unscored.pk]
    assert "Mean score" in client.get(url).content.decode()
    # A mentor asking for the coordinators' sort gets the default order, not scores.
    client.force_login(scenario.mentors[1])
    response = client.get(url, {"sort": "-mean_score"})
    assert not hasattr(response.context["page"].object_list[0], "mean_score")


def test_queue_is_paginated_by_25(client):
    scenario = cohort_scenario(applications=0, mentors=1)
    ApplicationFactory.create_batch(27, cohort=scenario.cohort)
    client.force_login(scenario.mentors[0])
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    assert len(client.get(url).context["page"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 2


def test_queue_query_count_is_constant_with_500_applications(client, django_assert_max_num_queries):
    scenario = cohort_scenario(applications=0, mentors=2)
    skill = SkillFactory(name="Numerics")
    applications = ApplicationFactory.create_batch(500, cohort=scenario.cohort)
    for application in applications[:100]:
        application.skills_wanted.add(skill)
        Review.objects.create(application=application, reviewer=scenario.mentors[1], scores={}, weighted_score=3.0)
    Review.objects.bulk_create(
        Review(application=a, reviewer=scenario.mentors[0], scores={}, weighted_score=4.0) for a in applications[::7]
    )
    url = reverse("programs:review_queue", args=[scenario.cohort.pk])
    for person, filters in ((scenario.mentors[0], {}), (scenario.mentors[0], {"unreviewed": "on", "preferred": ""}),
                            (scenario.coordinator, {"sort": "-mean_score"})):
        client.force_login(person)
        # 3 for session, user and its time zone; up to 13 more build the cohort's matching problem for the
        # mentor's "best fit" box (a fixed number, cached afterwards). An N+1 would be 25 more per page.
        with django_assert_max_num_queries(28):
            response = client.get(url, filters)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 25


# --- Review page ---------------------------------------------------------------------------------


def test_review_page_is_404_for_the_applicant_outsiders_and_unapproved_mentors(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    url = reverse("programs:review", args=[application.pk])
    assert login_redirect(client.get(url))
    pending = EnrollmentFactory(cohort=scenario.cohort, status=ApprovalStatus.PENDING).mentor
    other_mentor = EnrollmentFactory(status=ApprovalStatus.APPROVED).mentor  # approved in another cohort
    for person in (application.applicant, pending, other_mentor, make_mentee()):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, rubric_post(scenario)).status_code == 404
    assert not Review.objects.exists()


def test_an_applicant_who_is_also_an_approved_mentor_cannot_review_themselves(client):
    scenario = cohort_scenario(applications=1)
    applicant_mentor = scenario.mentors[0]
    own = ApplicationFactory(cohort=scenario.cohort, applicant=applicant_mentor)
    client.force_login(applicant_mentor)
    assert client.get(reverse("programs:review", args=[own.pk])).status_code == 404
    assert client.get(reverse("programs:review", args=[scenario.applications[0].pk])).status_code == 200


def test_drafts_are_not_reviewable(client):
    scenario = cohort_scenario(applications=0)
    draft = ApplicationFactory(cohort=scenario.cohort, status=Application.Status.DRAFT, submitted_at=None)
    for person in (scenario.mentors[0], scenario.coordinator):
        client.force_login(person)
        assert client.get(reverse("programs:review", args=[draft.pk])).status_code == 404


def test_review_page_shows_the_application(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    ApplicationPreference.objects.create(application=application, mentor=scenario.mentors[0], rank=1)
    client.force_login(scenario.mentors[0])
    html = client.get(reverse("programs:review", args=[application.pk])).content.decode()
    for text in (application.goals, application.motivation, "What have you built?", "I built tool number 0.",
                 "Mentor 0", "Motivation (weight 2)", "Experience (weight 1)", "Strong yes"):
        assert text in html
    assert "<legend" in html  # radio groups are fieldsets with legends


def test_others_reviews_are_hidden_until_i_submit_mine(client):
    scenario = cohort_scenario(applications=1)
    me, colleague = scenario.mentors
    application = scenario.applications[0]
    Review.objects.create(application=application, reviewer=colleague, scores={}, weighted_score=1.25,
                          recommendation="no", comment="SECRET-COLLEAGUE-NOTE")
    client.force_login(me)
    url = reverse("programs:review", args=[application.pk])
    before = client.get(url).content.decode()
    assert "SECRET-COLLEAGUE-NOTE" not in before and "1.25" not in before
    assert "1 other review so far" in before

    response = client.post(url, rubric_post(scenario))
    assert response.status_code == 302
    after = client.get(url).content.decode()
    assert "SECRET-COLLEAGUE-NOTE" in after and "1.25" in after


def test_coordinators_always_see_reviews_but_do_not_write_them(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    Review.objects.create(application=application, reviewer=scenario.mentors[0], scores={}, weighted_score=3.0,
                          comment="VISIBLE-TO-COORDINATOR")
    client.force_login(scenario.coordinator)
    url = reverse("programs:review", args=[application.pk])
    response = client.get(url)
    assert "VISIBLE-TO-COORDINATOR" in response.content.decode()
    assert response.context["form"] is None
    assert client.post(url, rubric_post(scenario)).status_code == 403
    assert Review.objects.count() == 1


def test_submitting_a_review_saves_weighted_score_and_moves_status_to_under_review(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    client.force_login(scenario.mentors[0])
    client.post(reverse("programs:review", args=[application.pk]), rubric_post(scenario))
    review = Review.objects.get(application=application, reviewer=scenario.mentors[0])
    assert review.weighted_score == pytest.approx((2 * 4 + 1 * 2) / 3, abs=1e-3)
    assert (review.recommendation, review.comment) == ("yes", "Solid plan.")
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW


def test_resubmitting_updates_my_review(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    client.force_login(scenario.mentors[0])
    url = reverse("programs:review", args=[application.pk])
    client.post(url, rubric_post(scenario))
    html = client.get(url).content.decode()
    assert "You reviewed this application" in html
    client.post(url, rubric_post(scenario, recommendation="strong_yes"))
    assert Review.objects.get().recommendation == "strong_yes"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criterion": None}, "Give a score from 1 to 5."),
        ({"criterion": "7"}, "Select a valid choice"),
        ({"criterion": "0"}, "Select a valid choice"),
        ({"criterion": "abc"}, "Select a valid choice"),
        ({"recommendation": ""}, "Choose a recommendation."),
        ({"recommendation": "definitely"}, "Select a valid choice"),
    ],
)
def test_scores_and_recommendation_are_validated(client, change, message):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    data = rubric_post(scenario)
    key = f"criterion_{scenario.criteria[0].pk}"
    if "criterion" in change:
        if change["criterion"] is None:
            del data[key]
        else:
            data[key] = change["criterion"]
    else:
        data.update(change)
    client.force_login(scenario.mentors[0])
    response = client.post(reverse("programs:review", args=[application.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Review.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_conflict_of_interest_needs_details_and_carries_no_scores(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    me, colleague = scenario.mentors
    Review.objects.create(application=application, reviewer=colleague, scores={}, weighted_score=2.0,
                          comment="COLLEAGUE-OPINION")
    client.force_login(me)
    url = reverse("programs:review", args=[application.pk])
    response = client.post(url, {"conflict_of_interest": "on", "conflict_details": ""})
    assert response.status_code == 200 and "Say briefly what the conflict is" in response.content.decode()
    assert not Review.objects.filter(reviewer=me).exists()

    # Scores typed before ticking the box are dropped: a conflicted reviewer does not score.
    client.post(url, rubric_post(scenario, conflict_of_interest="on", conflict_details="My former student."))
    review = Review.objects.get(reviewer=me)
    assert review.conflict_of_interest and review.conflict_details == "My former student."
    assert review.scores == {} and review.weighted_score is None and review.recommendation == ""
    # A conflicted reviewer does not get to read the others' views of someone they know.
    html = client.get(url).content.decode()
    assert "COLLEAGUE-OPINION" not in html and "You declared a conflict of interest" in html


def test_withdrawn_applications_leave_the_mentors_view_and_take_no_reviews(client):
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    url = reverse("programs:review", args=[application.pk])
    client.force_login(scenario.mentors[0])
    assert client.get(url).status_code == 404
    assert client.post(url, rubric_post(scenario)).status_code == 404
    client.force_login(scenario.coordinator)  # coordinators still read it, without a form
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert "The applicant withdrew this application" in response.content.decode()
    assert not Review.objects.exists()


def test_previous_and_next_follow_the_queue_and_save_next_moves_on(client):
    scenario = cohort_scenario(applications=3)
    now = timezone.now()
    for i, application in enumerate(scenario.applications):  # oldest first: 0, 1, 2
        Application.objects.filter(pk=application.pk).update(submitted_at=now - timedelta(days=3 - i))
    first, second, third = scenario.applications
    client.force_login(scenario.mentors[0])
    response = client.get(reverse("programs:review", args=[second.pk]), {"sort": "submitted_at"})
    assert (response.context["previous_pk"], response.context["next_pk"]) == (first.pk, third.pk)
    assert response.context["position"] == 2 and response.context["total"] == 3
    assert f'href="{reverse("programs:review", args=[third.pk])}?sort=submitted_at"' in response.content.decode()

    response = client.post(
        reverse("programs:review", args=[second.pk]) + "?sort=submitted_at", {**rubric_post(scenario), "save_next": ""},
    )
    assert response["Location"] == reverse("programs:review", args=[third.pk]) + "?sort=submitted_at"


def test_the_review_page_has_constant_queries(client, django_assert_max_num_queries):
    scenario = cohort_scenario(applications=40)
    for mentor in scenario.mentors:
        for application in scenario.applications:
            Review.objects.create(application=application, reviewer=mentor, scores={}, weighted_score=3.0, comment="ok")
    client.force_login(scenario.mentors[0])
    with django_assert_max_num_queries(22):  # 20, and up to 2 for the registered panels (contributions)
        assert client.get(reverse("programs:review", args=[scenario.applications[5].pk])).status_code == 200


def test_volunteer_form_takes_a_prefilled_offer(client):
    cohort = CohortFactory()
    client.force_login(make_mentor())
    url = reverse("programs:volunteer", args=[cohort.pk])
    html = client.get(url, {"offer": "What I learned about packaging"}).content.decode()
    assert "What I learned about packaging" in html
