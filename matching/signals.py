"""Staleness: a saved change to a profile, an application, a mentor's place or a review makes the
cohort's last run stale and queues a debounced re-run. Only matching imports the other apps."""
import logging

from django.db import DatabaseError
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile
from mentoring.models import Mentorship
from programs.models import Application, ApprovalStatus, Cohort, MentorEnrollment, Review

from .pool import POOL_STATUSES
from .services.staleness import runs_mark_stale

logger = logging.getLogger(__name__)

# Profile fields the score reads. A save that names its fields and touches none of these is ignored.
PROFILE_FIELDS = {"timezone", "utc_offset_minutes", "hours_per_week", "bio", "career_goals", "display_name"}


def _mark(cohort_ids, reason: str) -> None:
    """One SELECT when there is no run to mark (the common case); the UPDATE runs in a savepoint."""
    try:
        runs_mark_stale(cohort_ids=cohort_ids, reason=reason)
    except DatabaseError:
        logger.warning("Could not mark matching runs stale (%s).", reason, exc_info=True)


def _user_cohorts(user_id: int):
    return Cohort.objects.filter(
        Q(applications__applicant_id=user_id, applications__status__in=POOL_STATUSES)
        | Q(mentor_enrollments__mentor_id=user_id, mentor_enrollments__status=ApprovalStatus.APPROVED)
    ).values("pk")


@receiver(post_save, sender=Profile, dispatch_uid="matching_profile_changed")
def profile_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw:
        return
    if update_fields is not None and not (set(update_fields) & PROFILE_FIELDS):
        return
    _mark(_user_cohorts(instance.user_id), "profile")


@receiver(post_save, sender=Application, dispatch_uid="matching_application_changed")
def application_changed(sender, instance, created, raw=False, **kwargs):
    if raw or instance.status == Application.Status.DRAFT:
        return
    _mark([instance.cohort_id], "application")


@receiver(post_save, sender=MentorEnrollment, dispatch_uid="matching_enrollment_changed")
def enrollment_changed(sender, instance, created, raw=False, **kwargs):
    if raw or (created and instance.status != ApprovalStatus.APPROVED):
        return
    _mark([instance.cohort_id], "mentor")


@receiver(post_save, sender=Review, dispatch_uid="matching_review_changed")
def review_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _mark(Application.objects.filter(pk=instance.application_id).values("cohort_id"), "review")


@receiver(post_save, sender=Mentorship, dispatch_uid="matching_mentorship_changed")
def mentorship_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _mark([instance.cohort_id], "mentorship")
