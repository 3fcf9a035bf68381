from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from programs import services
from programs.models import Application, ApprovalStatus, Phase
from programs.selectors import application_scores
from programs.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    cohort_scenario,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_phase_follows_the_dates():
    now = timezone.now()
    cohort = CohortFactory()
    assert cohort.phase_at(now) == Phase.ACCEPTING
    assert cohort.phase_at(cohort.applications_open_at - timedelta(hours=1)) == Phase.UPCOMING
    assert cohort.phase_at(cohort.applications_close_at + timedelta(hours=1)) == Phase.REVIEWING
    assert cohort.phase_at(cohort.review_deadline + timedelta(hours=1)) == Phase.MATCHING
    assert cohort.phase_at(now + timedelta(days=60)) == Phase.RUNNING
    assert cohort.phase_at(now + timedelta(days=200)) == Phase.FINISHED
    cohort.phase_override = Phase.MATCHING
    assert cohort.phase_at(now) == Phase.MATCHING


def test_rolling_cohort_accepts_until_it_ends():
    cohort = CohortFactory(rolling=True, applications_close_at=None)
    assert cohort.phase_at(timezone.now() + timedelta(days=100)) == Phase.ACCEPTING


def test_draft_submit_decide_emails_the_applicant_each_time(django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=0)
    mentee = make_mentee(name="Sofia")
    with django_capture_on_commit_callbacks(execute=True):
        application, created = services.application_start(applicant=mentee, cohort=scenario.cohort)
        assert created and application.status == Status.DRAFT
        again, created_again = services.application_start(applicant=mentee, cohort=scenario.cohort)
        assert again.pk == application.pk and not created_again
        services.application_save(
            application=application, actor=mentee, data={"goals": "Ship a release"},
            answers={scenario.questions[0].pk: "A data pipeline"}, preferences=[scenario.mentors[1], scenario.mentors[0]],
        )
        services.application_submit(application=application, actor=mentee)
        services.application_decide(application=application, status=Status.ACCEPTED, actor=scenario.coordinator)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert [p.mentor for p in application.preferences.all()] == [scenario.mentors[1], scenario.mentors[0]]
    assert [m.subject for m in mail.outbox] == [
        f"Application received: {scenario.cohort.program.name}",
        f"You are accepted: {scenario.cohort.program.name}",
    ]
    assert list(application.events.values_list("to_status", flat=True)) == ["submitted", "accepted"]


def test_submit_refuses_missing_required_answers_and_closed_windows():
    scenario = cohort_scenario(applications=0)
    mentee = make_mentee()
    application, _ = services.application_start(applicant=mentee, cohort=scenario.cohort)
    services.application_save(application=application, actor=mentee, data={"goals": "x"}, answers={}, preferences=[])
    with pytest.raises(ValidationError, match="What have you built"):
        services.application_submit(application=application, actor=mentee)
    services.application_save(application=application, actor=mentee, data={},
                              answers={scenario.questions[0].pk: "stuff"}, preferences=[])
    scenario.cohort.applications_close_at = timezone.now() - timedelta(minutes=1)
    scenario.cohort.save()
    with pytest.raises(ValidationError, match="closed"):
        services.application_submit(application=application, actor=mentee)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_impossible_transition_raises_and_changes_nothing():
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    services.application_decide(application=application, status=Status.DECLINED, actor=scenario.coordinator)
    with pytest.raises(services.InvalidTransition):
        services.application_decide(application=application, status=Status.ACCEPTED, actor=scenario.coordinator)
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert application.events.count() == 1


def test_only_coordinators_decide_and_only_the_applicant_withdraws():
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    with pytest.raises(PermissionDenied):
        services.application_decide(application=application, status=Status.ACCEPTED, actor=scenario.mentors[0])
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, actor=UserFactory())
    services.application_withdraw(application=application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_season_limit_counts_applications_across_programs():
    first = CohortFactory(season="2026-T3", max_applications_per_season=1)
    second = CohortFactory(season="2026-T3", max_applications_per_season=1)
    mentee = make_mentee()
    ApplicationFactory(cohort=first, applicant=mentee)
    application, _ = services.application_start(applicant=mentee, cohort=second)
    services.application_save(application=application, actor=mentee, data={"goals": "g"}, answers={}, preferences=[])
    with pytest.raises(ValidationError, match="already submitted 1 application to the cohorts that share this limit"):
        services.application_submit(application=application, actor=mentee)


def test_review_moves_to_under_review_and_scores_are_weighted():
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    motivation, experience = scenario.criteria
    review = services.review_submit(
        application=application, reviewer=scenario.mentors[0],
        scores={str(motivation.pk): 5, str(experience.pk): 2}, recommendation="yes",
    )
    assert review.weighted_score == pytest.approx((2 * 5 + 1 * 2) / 3, abs=1e-3)
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    with pytest.raises(PermissionDenied):
        services.review_submit(application=application, reviewer=make_mentee(), scores={})
    with pytest.raises(ValidationError):
        services.review_submit(application=application, reviewer=scenario.mentors[1], scores={str(motivation.pk): 9})


def test_normalised_score_corrects_reviewer_strictness():
    scenario = cohort_scenario(applications=5, mentors=2)
    strict, lenient = scenario.mentors
    c1, c2 = scenario.criteria
    a, x, y, c, p = scenario.applications
    # a is the best the strict reviewer saw (3 of 5); c is the worst the lenient one saw (4 of 5).
    for app, s in [(a, 3), (x, 1), (y, 1)]:
        services.review_submit(application=app, reviewer=strict, scores={str(c1.pk): s, str(c2.pk): s})
    for app, s in [(c, 4), (p, 5)]:
        services.review_submit(application=app, reviewer=lenient, scores={str(c1.pk): s, str(c2.pk): s})
    scores = application_scores(scenario.cohort)
    assert scores[c.pk]["mean"] > scores[a.pk]["mean"]  # raw means favour the lenient reviewer's pile
    assert scores[a.pk]["normalised"] > 0 > scores[c.pk]["normalised"]  # corrected, a ranks above c
    assert scores[a.pk]["count"] == 1


def test_mentor_enrollment_request_and_decide(django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=0, mentors=0)
    cohort = scenario.cohort
    enrollment = EnrollmentFactory(cohort=cohort, status=ApprovalStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            services.mentor_enrollment_decide(enrollment=enrollment, approve=True, actor=enrollment.mentor)
        services.mentor_enrollment_decide(enrollment=enrollment, approve=True, actor=scenario.coordinator)
    enrollment.refresh_from_db()
    assert enrollment.status == ApprovalStatus.APPROVED
    assert mail.outbox[-1].subject.startswith("You are a mentor in")


def test_save_refuses_foreign_questions_mentors_and_organizations():
    from organizations.models import Organization

    scenario = cohort_scenario(applications=0)
    other = cohort_scenario(applications=0)
    mentee = make_mentee()
    application, _ = services.application_start(applicant=mentee, cohort=scenario.cohort)
    with pytest.raises(ValidationError, match="does not belong"):
        services.application_save(application=application, actor=mentee, data={},
                                  answers={other.questions[0].pk: "x"}, preferences=[])
    with pytest.raises(ValidationError, match="only rank mentors of this cohort"):
        services.application_save(application=application, actor=mentee, data={}, answers={},
                                  preferences=[other.mentors[0]])
    with pytest.raises(ValidationError, match="only once"):
        services.application_save(application=application, actor=mentee, data={}, answers={},
                                  preferences=[scenario.mentors[0], scenario.mentors[0]])
    someone_elses = Organization.objects.create(name="Not yours", kind="company")
    with pytest.raises(PermissionDenied):
        services.application_save(application=application, actor=mentee, data={"organization": someone_elses},
                                  answers={}, preferences=[])


def test_a_stale_copy_cannot_reopen_a_submitted_application():
    scenario = cohort_scenario(applications=0)
    mentee = make_mentee()
    application, _ = services.application_start(applicant=mentee, cohort=scenario.cohort)
    stale = Application.objects.get(pk=application.pk)
    services.application_save(application=application, actor=mentee, data={"goals": "g"},
                              answers={scenario.questions[0].pk: "a"}, preferences=[])
    services.application_submit(application=application, actor=mentee)
    services.application_save(application=stale, actor=mentee, data={"goals": "edited"}, answers={}, preferences=[])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.goals == "edited"


def test_a_reviewer_with_one_review_is_judged_on_the_cohort_scale():
    scenario = cohort_scenario(applications=3, mentors=2)
    regular, newcomer = scenario.mentors
    c1, c2 = scenario.criteria
    a, b, c = scenario.applications
    for app, s in [(a, 2), (b, 4)]:
        services.review_submit(application=app, reviewer=regular, scores={str(c1.pk): s, str(c2.pk): s})
    services.review_submit(application=c, reviewer=newcomer, scores={str(c1.pk): 5, str(c2.pk): 5})
    scores = application_scores(scenario.cohort)
    # One review tells nothing about the newcomer's strictness: a 5 is still above the cohort's mean.
    assert scores[c.pk]["normalised"] > 0


def test_review_refuses_garbage_scores_and_a_conflict_does_not_start_the_review():
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]
    c1 = scenario.criteria[0]
    with pytest.raises(ValidationError):
        services.review_submit(application=application, reviewer=scenario.mentors[0], scores={str(c1.pk): "five"})
    services.review_submit(application=application, reviewer=scenario.mentors[0], scores={},
                           conflict_of_interest=True, conflict_details="My student")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_bulk_decide_checks_permission_before_changing_anything():
    scenario = cohort_scenario(applications=1)
    other = cohort_scenario(applications=1)
    mixed = [scenario.applications[0], other.applications[0]]
    with pytest.raises(PermissionDenied):
        services.applications_decide_bulk(applications=mixed, status=Status.ACCEPTED, actor=scenario.coordinator)
    scenario.applications[0].refresh_from_db()
    assert scenario.applications[0].status == Status.SUBMITTED
