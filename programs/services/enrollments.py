"""Mentors volunteer for a cohort; coordinators approve or decline."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify

from ..models import ApprovalStatus, Cohort, MentorEnrollment
from ..permissions import is_coordinator
from ..phases import NO_NEW_MENTORS
from .applications import InvalidTransition


def mentor_enrollment_request(*, mentor, cohort: Cohort, capacity: int, offer: str = "", topics: str = "") -> MentorEnrollment:
    enrollment = MentorEnrollment.objects.filter(cohort=cohort, mentor=mentor).first()
    if enrollment is not None and enrollment.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        enrollment.capacity, enrollment.offer, enrollment.topics = capacity, offer, topics
        enrollment.save(update_fields=["capacity", "offer", "topics"])
        return enrollment
    if cohort.phase in NO_NEW_MENTORS:
        raise ValidationError(_("This cohort no longer takes new mentors."))
    with transaction.atomic():
        if enrollment is None:
            try:
                with transaction.atomic():
                    enrollment = MentorEnrollment.objects.create(
                        cohort=cohort, mentor=mentor, capacity=capacity, offer=offer, topics=topics,
                    )
            except IntegrityError:
                return MentorEnrollment.objects.get(cohort=cohort, mentor=mentor)
        else:  # declined or withdrawn before: ask again
            enrollment.status = ApprovalStatus.PENDING
            enrollment.capacity, enrollment.offer, enrollment.topics = capacity, offer, topics
            enrollment.decided_by, enrollment.decided_at = None, None
            enrollment.save()
        _notify_enrollment(enrollment, event=f"requested:{enrollment.created_at.timestamp()}:{timezone.now().timestamp()}")
    return enrollment


def mentor_enrollment_decide(*, enrollment: MentorEnrollment, approve: bool, actor) -> MentorEnrollment:
    if not is_coordinator(actor, enrollment.cohort.program_id):
        raise PermissionDenied
    with transaction.atomic():
        enrollment = MentorEnrollment.objects.select_for_update().select_related("cohort__program").get(pk=enrollment.pk)
        target = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
        if enrollment.status == target:
            return enrollment
        if enrollment.status == ApprovalStatus.WITHDRAWN:
            raise InvalidTransition(_("The mentor withdrew; they must volunteer again."))
        enrollment.status, enrollment.decided_by, enrollment.decided_at = target, actor, timezone.now()
        enrollment.save()
        _notify_enrollment(enrollment, event=f"{target}:{enrollment.decided_at.timestamp()}")
    return enrollment


def mentor_enrollment_withdraw(*, enrollment: MentorEnrollment, actor) -> MentorEnrollment:
    if actor.pk != enrollment.mentor_id:
        raise PermissionDenied
    with transaction.atomic():
        enrollment = MentorEnrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status == ApprovalStatus.WITHDRAWN:
            return enrollment
        enrollment.status = ApprovalStatus.WITHDRAWN
        enrollment.save(update_fields=["status"])
    return enrollment


def _notify_enrollment(enrollment: MentorEnrollment, *, event: str) -> None:
    cohort = enrollment.cohort
    notify(
        user=enrollment.mentor,
        kind="mentor_enrollment",
        key=f"enrollment:{enrollment.pk}:{event}",
        context={
            "name": enrollment.mentor.get_full_name(),
            "status": enrollment.status,
            "program": cohort.program.name,
            "cohort": cohort.name,
            "url": cohort.get_absolute_url(),
        },
    )


