"""Making one pair, from a confirmed proposal or by hand: the rules every pair passes, then the mentorship.

Both doors lock the cohort and the mentor's place first (the rows `mentoring.services.mentorship_create`
locks, in its order; `pair_rule_set` locks the place before it adds a rule), so a rule or a mentorship
added meanwhile is seen.
The mentor's capacity and the cohort's maximum mentees are checked by `mentorship_create` itself.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.models import Mentorship
from mentoring.services import capacity_left, mentorship_create
from programs.models import Application, Cohort, MentorEnrollment, Review
from programs.permissions import is_coordinator

from ..models import PairRule
from ..pool import accepted_without_mentor, matching_pool


def require_coordinator(actor, cohort_or_program_id) -> None:
    program_id = cohort_or_program_id.program_id if isinstance(cohort_or_program_id, Cohort) else cohort_or_program_id
    if actor is None or not is_coordinator(actor, program_id):
        raise PermissionDenied


def blocked_message(code: str) -> str:
    return {
        "current": _("This mentee is already proposed to this mentor."),
        "conflict": _("This mentor declared a conflict of interest with the applicant (or is the applicant)."),
        "ruled_out": _("This pair is ruled out; remove the rule first."),
        "full": _("This mentor has no place left in this run."),
        "cohort_full": _("The cohort has reached its maximum mentees."),
    }.get(code, code)


def has_conflict(*, application: Application, mentor_id: int) -> bool:
    """The mentor is the applicant, or declared a conflict of interest reviewing the application."""
    return application.applicant_id == mentor_id or Review.objects.filter(
        application=application, reviewer_id=mentor_id, conflict_of_interest=True,
    ).exists()


def lock_enrollment(*, cohort: Cohort, enrollment_id: int) -> MentorEnrollment:
    """Lock the cohort, then the mentor's place: the order `mentorship_create` locks them in (no deadlock)."""
    Cohort.objects.select_for_update(no_key=True).filter(pk=cohort.pk).first()
    enrollment = (
        MentorEnrollment.objects.select_for_update(no_key=True).select_related("mentor")
        .filter(pk=enrollment_id, cohort=cohort).first()
    )
    if enrollment is None:
        raise ValidationError(_("This mentor is not a mentor of this cohort."))
    return enrollment


def pair_refusal(*, application: Application, enrollment: MentorEnrollment) -> str:
    """Why the coordinators' rules forbid this pair now ("" when they allow it). Call with the enrollment locked."""
    rules = PairRule.objects.filter(application=application)
    if rules.filter(enrollment=enrollment, kind=PairRule.Kind.RULED_OUT).exists():
        return blocked_message("ruled_out")
    if has_conflict(application=application, mentor_id=enrollment.mentor_id):
        return blocked_message("conflict")
    lock = rules.filter(kind=PairRule.Kind.LOCKED).exclude(enrollment=enrollment).select_related("enrollment__mentor").first()
    if lock is not None:
        return _("This applicant is locked to %(mentor)s; pair them there or remove the lock.") % {
            "mentor": lock.enrollment.mentor.get_full_name(),
        }
    kept = PairRule.objects.filter(
        enrollment=enrollment, kind=PairRule.Kind.LOCKED, application__in=matching_pool(enrollment.cohort_id),
    ).exclude(application=application).count()
    if kept and kept >= capacity_left(enrollment):
        return _("This mentor's places left are kept for the mentees locked to them.")
    return ""


def mentorship_pair_refusal(*, enrollment: MentorEnrollment, mentee, application: Application | None = None) -> str:
    """`pair_refusal` as mentoring's one door asks it (`mentoring.pair_rules`): for a direct request
    there is no application in hand, so the rules on the mentee's application in the cohort apply."""
    if application is None:
        application = Application.objects.filter(cohort_id=enrollment.cohort_id, applicant=mentee).first()
    if application is None:
        return ""
    return pair_refusal(application=application, enrollment=enrollment)


def pair_create(*, application: Application, enrollment: MentorEnrollment, actor) -> Mentorship:
    """The mentorship, through the one capacity-safe door. An application whose earlier mentorship
    ended early stays linked to that one."""
    linked = None if Mentorship.objects.filter(application=application).exists() else application
    return mentorship_create(enrollment=enrollment, mentee=application.applicant, actor=actor, application=linked)


def application_pair_by_hand(*, cohort: Cohort, application_id: int, enrollment_id: int, actor) -> Mentorship:
    """Pair an accepted applicant who has no mentor yet with an approved mentor of the cohort.

    Refused when the applicant is no longer waiting (paired meanwhile, withdrawn), when a rule or a
    conflict of interest forbids the pair, or when the mentor or the cohort is full.
    """
    require_coordinator(actor, cohort)
    with transaction.atomic():
        enrollment = lock_enrollment(cohort=cohort, enrollment_id=enrollment_id)
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("applicant")
            .filter(pk=application_id, cohort=cohort).first()
        )
        if application is None or not accepted_without_mentor(cohort).filter(pk=application.pk).exists():
            raise ValidationError(_("This applicant is no longer waiting for a mentor (paired meanwhile, or not accepted)."))
        refusal = pair_refusal(application=application, enrollment=enrollment)
        if refusal:
            raise ValidationError(refusal)
        return pair_create(application=application, enrollment=enrollment, actor=actor)
