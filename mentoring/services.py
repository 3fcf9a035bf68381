"""Verbs for mentorships. Creating one never overfills a mentor, even under concurrent clicks."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from notifications.services import notify
from programs.models import ApprovalStatus, MentorEnrollment

from .models import Mentorship


class CapacityFull(ValidationError):
    """The mentor has no place left in this cohort."""


def capacity_left(enrollment: MentorEnrollment) -> int:
    return enrollment.capacity - Mentorship.objects.holding_a_place().filter(enrollment=enrollment).count()


def mentorship_create(*, enrollment: MentorEnrollment, mentee, actor=None, application=None,
                      status: str = Mentorship.Status.ACTIVE) -> Mentorship:
    """Pair a mentee with an approved mentor's place in a cohort.

    The enrollment row is locked first, so concurrent confirmations queue up behind each
    other and the count they see is the real one: at most `capacity` mentorships.
    """
    with transaction.atomic():
        enrollment = (
            MentorEnrollment.objects.select_for_update(no_key=True)
            .select_related("cohort__program", "mentor")
            .get(pk=enrollment.pk)
        )
        if enrollment.status != ApprovalStatus.APPROVED:
            raise ValidationError(_("This mentor is not approved for the cohort."))
        if enrollment.mentor_id == mentee.pk:
            raise ValidationError(_("A mentor cannot mentor themselves."))
        if capacity_left(enrollment) <= 0:
            raise CapacityFull(_("%(name)s has no place left in this cohort.") % {"name": enrollment.mentor.get_full_name()})
        cohort = enrollment.cohort
        try:
            with transaction.atomic():
                mentorship = Mentorship.objects.create(
                    cohort=cohort, mentor=enrollment.mentor, mentee=mentee, enrollment=enrollment,
                    application=application, status=status, starts_on=cohort.starts_on, ends_on=cohort.ends_on,
                    created_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("This mentee already has a mentorship in this cohort.")) from None
        for person, other in ((enrollment.mentor, mentee), (mentee, enrollment.mentor)):
            notify(
                user=person, kind="mentorship_started", key=f"mentorship:{mentorship.pk}:started:{person.pk}",
                context={
                    "name": person.get_full_name(), "other": other.get_full_name(),
                    "program": cohort.program.name, "cohort": cohort.name,
                    "role": "mentor" if person.pk == enrollment.mentor_id else "mentee",
                    "url": mentorship.get_absolute_url(),
                },
            )
    return mentorship
