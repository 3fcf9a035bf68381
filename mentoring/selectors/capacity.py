"""Places left: the one definition of how many more mentees a mentor's place, and a cohort, can take.

A place is held by every mentorship in `Mentorship.CAPACITY_STATUSES` (proposed, active, paused):
against its mentor's enrollment (`MentorEnrollment.capacity`) and against its cohort
(`Cohort.max_mentees`, empty for no maximum). Each count exists twice on purpose, with one meaning:
a Python function for one row (`capacity_left`, `cohort_places_left`) and a queryset annotation for
lists (`enrollments_with_places_left`, `cohorts_with_places_left`); the tests check they agree.

`mentoring.services.mentorship_create` is the only door that creates a pair; it locks the cohort and
the enrollment and then asks these functions, so what a page shows here is what the door allows.
"""
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Least

from programs.models import Cohort, MentorEnrollment

from ..models import Mentorship

ZERO = Value(0, output_field=IntegerField())


def _held(**outer) -> Coalesce:
    """How many places the outer row's mentorships hold (a correlated subquery, 0 when none)."""
    counted = (
        Mentorship.objects.holding_a_place().filter(**outer).order_by()
        .values(*outer.keys()).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), ZERO)


def enrollments_with_places_left(queryset=None):
    """Mentor enrollments annotated with:

    - `places_taken` / `places_left`: this mentor's places in the cohort, taken and left (capacity minus taken);
    - `cohort_places_left`: the cohort's places left (None when the cohort sets no maximum);
    - `room`: how many more pairs `mentorship_create` accepts for this place now (the smaller of the two).
    """
    qs = MentorEnrollment.objects.all() if queryset is None else queryset
    return qs.annotate(
        places_taken=_held(enrollment=OuterRef("pk")),
        places_left=F("capacity") - F("places_taken"),
        cohort_places_left=F("cohort__max_mentees") - _held(cohort=OuterRef("cohort_id")),
        room=Least(F("places_left"), Coalesce(F("cohort_places_left"), F("places_left"))),
    )


def cohorts_with_places_left(queryset=None):
    """Cohorts annotated with `mentees_placed` and `mentee_places_left` (None when there is no maximum)."""
    qs = Cohort.objects.all() if queryset is None else queryset
    return qs.annotate(
        mentees_placed=_held(cohort=OuterRef("pk")),
        mentee_places_left=F("max_mentees") - F("mentees_placed"),
    )


def places_taken(enrollment: MentorEnrollment) -> int:
    """How many of this mentor's places in the cohort its mentorships hold."""
    return Mentorship.objects.holding_a_place().filter(enrollment=enrollment).count()


def capacity_left(enrollment: MentorEnrollment) -> int:
    """How many more mentees this mentor's place in the cohort takes (never below 0: programs refuses a
    capacity below the places taken, see programs.services.register_places_taken)."""
    return enrollment.capacity - places_taken(enrollment)


def cohort_places_left(cohort: Cohort) -> int | None:
    """How many more mentees the cohort takes, or None when it sets no maximum."""
    if cohort.max_mentees is None:
        return None
    return cohort.max_mentees - Mentorship.objects.holding_a_place().filter(cohort=cohort).count()


def room_left(enrollment: MentorEnrollment) -> int:
    """How many more pairs `mentorship_create` accepts for this place: the mentor's and the cohort's limits together."""
    cohort_left = cohort_places_left(enrollment.cohort)
    mentor_left = capacity_left(enrollment)
    return mentor_left if cohort_left is None else min(mentor_left, cohort_left)
