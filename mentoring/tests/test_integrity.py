"""Issue 10, the mentorship part: each finding has a test named after it that failed on the old main."""
import pytest
from django.db import connection

from accounts.tests.factories import make_mentee, make_mentor
from conftest import require
from mentoring import selectors, services
from mentoring.models import Mentorship
from mentoring.tests.factories import RunningCohortFactory
from programs.models import ApprovalStatus, MentorEnrollment
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db
S = Mentorship.Status


def _cohort(**fields):
    from accounts.tests.factories import UserFactory

    coordinator = UserFactory()
    cohort = RunningCohortFactory(program=ProgramFactory(coordinators=[coordinator]), **fields)
    return cohort, coordinator


# --------------------------------------------------------------------------- finding 2: the cohort maximum


def test_cohort_maximum_is_enforced_by_mentorship_create():
    cohort, coordinator = _cohort(max_mentees=2)
    big = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Big Capacity"), capacity=5)
    other = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Other Mentor"), capacity=5)
    services.mentorship_create(enrollment=big, mentee=make_mentee(name="One"), actor=coordinator)
    services.mentorship_create(enrollment=other, mentee=make_mentee(name="Two"), actor=coordinator)
    with pytest.raises(services.CohortFull, match="maximum of 2 mentees"):
        services.mentorship_create(enrollment=big, mentee=make_mentee(name="Three"), actor=coordinator)
    assert Mentorship.objects.filter(cohort=cohort).count() == 2
    # A pair that ended frees its place in the cohort.
    finished = Mentorship.objects.filter(cohort=cohort).first()
    services.mentorship_end_early(mentorship=finished, actor=coordinator, reason="Moved away")
    services.mentorship_create(enrollment=big, mentee=make_mentee(name="Four"), actor=coordinator)
    assert Mentorship.objects.filter(cohort=cohort).holding_a_place().count() == 2


def test_a_cohort_without_a_maximum_is_limited_only_by_its_mentors():
    cohort, coordinator = _cohort(max_mentees=None)
    enrollment = EnrollmentFactory(cohort=cohort, capacity=3)
    for i in range(3):
        services.mentorship_create(enrollment=enrollment, mentee=make_mentee(name=f"M{i}"), actor=coordinator)
    with pytest.raises(services.CapacityFull):
        services.mentorship_create(enrollment=enrollment, mentee=make_mentee(name="M4"), actor=coordinator)
    assert selectors.cohort_places_left(cohort) is None


def test_places_left_function_and_annotation_agree():
    """`capacity_left` / `cohort_places_left` (one row) and the queryset annotations (lists) are one definition."""
    cohort, coordinator = _cohort(max_mentees=4)
    enrollments = [EnrollmentFactory(cohort=cohort, capacity=c) for c in (1, 2, 3)]
    EnrollmentFactory(cohort=cohort, capacity=2, status=ApprovalStatus.PENDING)
    services.mentorship_create(enrollment=enrollments[1], mentee=make_mentee(name="A"), actor=coordinator)
    services.mentorship_create(enrollment=enrollments[2], mentee=make_mentee(name="B"), actor=coordinator)
    gone = services.mentorship_create(enrollment=enrollments[2], mentee=make_mentee(name="C"), actor=coordinator)
    services.mentorship_end_early(mentorship=gone, actor=coordinator, reason="Left")
    services.mentorship_create(
        enrollment=enrollments[2], mentee=make_mentee(name="D"), actor=coordinator, status=S.PROPOSED,
    )
    annotated = {e.pk: e for e in selectors.enrollments_with_places_left(MentorEnrollment.objects.filter(cohort=cohort))}
    assert len(annotated) == 4
    for enrollment in MentorEnrollment.objects.filter(cohort=cohort):
        row = annotated[enrollment.pk]
        assert row.places_left == selectors.capacity_left(enrollment)
        assert row.cohort_places_left == selectors.cohort_places_left(cohort) == 1
        assert row.room == selectors.room_left(enrollment)
    assert [annotated[e.pk].places_left for e in enrollments] == [1, 1, 1]
    row = selectors.cohorts_with_places_left().get(pk=cohort.pk)
    assert (row.mentees_placed, row.mentee_places_left) == (3, selectors.cohort_places_left(cohort))


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creations_never_pass_the_cohort_maximum():
    require(connection.vendor == "postgresql", "the cohort race needs Postgres row locks (set DATABASE_URL)")
    cohort, coordinator = _cohort(max_mentees=3)
    enrollments = [EnrollmentFactory(cohort=cohort, capacity=20) for _ in range(5)]
    mentees = [make_mentee(name=f"Racer {i}") for i in range(50)]

    def create(i):
        return services.mentorship_create(enrollment=enrollments[i % 5], mentee=mentees[i], actor=coordinator)

    outcomes = run_concurrently(create, list(range(50)))
    made = [o for o in outcomes if isinstance(o, Mentorship)]
    refused = [o for o in outcomes if isinstance(o, services.CohortFull)]
    assert len(made) == 3 and len(refused) == 47, [o for o in outcomes if not isinstance(o, Mentorship | services.CohortFull)][:3]
    assert Mentorship.objects.filter(cohort=cohort).count() == 3
