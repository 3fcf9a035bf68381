"""Mentors volunteer for a cohort; coordinators approve or decline."""
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify

from ..models import ApprovalStatus, Cohort, MentorEnrollment
from ..permissions import is_coordinator
from ..phases import NO_NEW_MENTORS
from .applications import InvalidTransition
from .conduct import require_conduct_accepted

# How many places of an enrollment are taken. Mentoring (above programs) registers the count of the
# mentorships holding a place, so programs refuses a capacity below it without importing mentoring.
_places_taken_providers: list[Callable[[MentorEnrollment], int]] = []


def register_places_taken(provider: Callable[[MentorEnrollment], int]) -> Callable[[MentorEnrollment], int]:
    if provider not in _places_taken_providers:
        _places_taken_providers.append(provider)
    return provider


def _check_capacity(enrollment: MentorEnrollment, capacity: int) -> None:
    taken = sum(provider(enrollment) for provider in _places_taken_providers)
    if capacity < taken:
        raise ValidationError(
            {"capacity": _("You already mentor %(n)d people in this cohort: the capacity cannot be lower.") % {"n": taken}},
            code="capacity_below_taken",
        )


def mentor_enrollment_request(*, mentor, cohort: Cohort, capacity: int, offer: str = "", topics: str = "",
                              notify_coordinators: bool = True) -> MentorEnrollment:
    """`notify_coordinators=False` when a coordinator invited the mentor and approves at once (services.invitations)."""
    with transaction.atomic():
        # The enrollment row is locked as mentorship_create locks it, so a capacity change and a new pair
        # queue up behind each other and the capacity never ends below the places taken.
        enrollment = MentorEnrollment.objects.select_for_update().filter(cohort=cohort, mentor=mentor).first()
        if enrollment is not None:
            _check_capacity(enrollment, capacity)
        if enrollment is not None and enrollment.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
            enrollment.capacity, enrollment.offer, enrollment.topics = capacity, offer, topics
            enrollment.save(update_fields=["capacity", "offer", "topics"])
            return enrollment
        if cohort.phase in NO_NEW_MENTORS:
            raise ValidationError(_("This cohort no longer takes new mentors."))
        require_conduct_accepted(user=mentor, program=cohort.program)
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
        event = f"requested:{enrollment.created_at.timestamp()}:{timezone.now().timestamp()}"
        if notify_coordinators:
            _notify_enrollment(enrollment, event=event)
            _notify_coordinators(enrollment, event=event)
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


def _notify_coordinators(enrollment: MentorEnrollment, *, event: str) -> None:
    """The program's coordinators approve or decline a new mentor: each is told."""
    cohort = enrollment.cohort
    for coordinator in cohort.program.coordinators.filter(is_active=True).select_related("profile"):
        notify(
            user=coordinator, kind="mentor_volunteered", key=f"enrollment:{enrollment.pk}:{event}:coordinator:{coordinator.pk}",
            topic=f"cohort:{cohort.pk}",
            context={
                "name": coordinator.get_full_name(), "mentor": enrollment.mentor.get_full_name(),
                "program": cohort.program.name, "cohort": cohort.name, "capacity": enrollment.capacity,
                "offer": enrollment.offer, "url": reverse("programs:mentor_enrollments", args=[cohort.pk]),
            },
        )


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


