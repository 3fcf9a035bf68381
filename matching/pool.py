"""Who the matching pairs: the one definition of the pool and of "accepted, no mentor yet".

The runs, the hand-pairing page and the cohort dashboard's count all read these querysets, so an
applicant who is accepted before the matching runs stays in it until a mentorship pairs them.
"""
from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from mentoring.models import Mentorship
from programs.models import Application, ApprovalStatus, Cohort, MentorEnrollment

# Applications the matching may propose a mentor for: not yet decided, waitlisted, or accepted.
POOL_STATUSES = (
    Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW, Application.Status.WAITLISTED,
    Application.Status.ACCEPTED,
)


def paired_in_cohort() -> Exists:
    """For an Application row: its applicant has a mentor in its cohort.

    A running (proposed, active, paused) or completed mentorship pairs them; one that ended early
    does not, so that mentee goes back to the pool and can be paired again.
    """
    return Exists(
        Mentorship.objects.filter(cohort=OuterRef("cohort_id"), mentee=OuterRef("applicant_id"))
        .exclude(status=Mentorship.Status.ENDED_EARLY)
    )


def matching_pool(cohort: Cohort | int) -> QuerySet:
    """The applications a run considers: open or accepted, and not paired yet."""
    return Application.objects.filter(cohort=cohort, status__in=POOL_STATUSES).filter(~paired_in_cohort())


def accepted_without_mentor(cohort: Cohort | int) -> QuerySet:
    """Accepted applications whose applicant has no mentor yet (the hand-pairing list and the dashboard count)."""
    return matching_pool(cohort).filter(status=Application.Status.ACCEPTED)


def approved_enrollments(cohort: Cohort | int) -> QuerySet:
    return MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.APPROVED)
