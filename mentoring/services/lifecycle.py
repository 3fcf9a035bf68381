"""Creating a mentorship and moving it through its life: named transitions, dates, extension, early end.

Creating one never overfills a mentor, even under concurrent clicks. Every transition locks the
mentorship row, checks who asks and from which status, writes an audit event, and changes nothing
when it refuses.
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from programs.models import ApprovalStatus, Cohort, MentorEnrollment

from .. import hooks
from ..deadlines import pair_dates, today
from ..models import EarlyEndRequest, Mentorship, MentorshipEvent, MentorshipExtension, Role
from ..pair_rules import pair_refused
from ..selectors.capabilities import capability_check, transition_refused
from ..selectors.capacity import capacity_left, cohort_places_left
from . import emails

PARTICIPANTS = (Role.MENTOR, Role.MENTEE)
COORDINATOR = "coordinator"
EVERYONE = (Role.MENTOR, Role.MENTEE, COORDINATOR)


class CapacityFull(ValidationError):
    """The mentor has no place left in this cohort."""


class CohortFull(ValidationError):
    """The cohort has reached its maximum number of mentees."""


def mentorship_create(*, enrollment: MentorEnrollment, mentee, actor=None, application=None,
                      status: str = Mentorship.Status.ACTIVE, starts_on=None) -> Mentorship:
    """Pair a mentee with an approved mentor's place in a cohort: the one door for every pair.

    The cohort row is locked first, then the enrollment row (always in that order), so concurrent
    creations in a cohort queue up behind each other and the counts they see are the real ones:
    at most `capacity` mentorships per mentor and at most `max_mentees` per cohort.

    The coordinators' pair rules (`mentoring.pair_rules`) are asked under those locks too.
    A fixed cohort's pairs take the cohort's dates; in a rolling cohort each pair starts today (or on
    `starts_on`, a date the two agreed) and lasts the cohort's configured length.
    """
    with transaction.atomic():
        Cohort.objects.select_for_update(no_key=True).filter(pk=enrollment.cohort_id).first()
        enrollment = (
            MentorEnrollment.objects.select_for_update(no_key=True)
            .select_related("cohort__program", "mentor")
            .get(pk=enrollment.pk)
        )
        if enrollment.status != ApprovalStatus.APPROVED:
            raise ValidationError(_("This mentor is not approved for the cohort."))
        if enrollment.mentor_id == mentee.pk:
            raise ValidationError(_("A mentor cannot mentor themselves."))
        refusal = pair_refused(enrollment=enrollment, mentee=mentee, application=application)
        if refusal:
            raise ValidationError(refusal, code="pair_refused")
        if capacity_left(enrollment) <= 0:
            raise CapacityFull(_("%(name)s has no place left in this cohort.") % {"name": enrollment.mentor.get_full_name()})
        cohort = enrollment.cohort
        if starts_on is not None and cohort.rolling and starts_on < today():
            raise ValidationError(_("A new mentorship cannot start in the past."))
        pair_starts_on, pair_ends_on = pair_dates(cohort, confirmed_on=today(), starts_on=starts_on)
        left = cohort_places_left(cohort)
        if left is not None and left <= 0:
            raise CohortFull(
                _("%(cohort)s has reached its maximum of %(count)s mentees.")
                % {"cohort": cohort.name, "count": cohort.max_mentees},
                code="cohort_full",
            )
        try:
            with transaction.atomic():
                mentorship = Mentorship.objects.create(
                    cohort=cohort, mentor=enrollment.mentor, mentee=mentee, enrollment=enrollment,
                    application=application, status=status, starts_on=pair_starts_on, ends_on=pair_ends_on,
                    created_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("This mentee already has a mentorship in this cohort.")) from None
        hooks.mentorship_created(mentorship=mentorship)
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


def _lock(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().select_related("cohort__program", "mentor", "mentee").get(pk=mentorship.pk)


def _refuse(mentorship: Mentorship, target: str):
    raise transition_refused(mentorship, target)


def _copy_state(target: Mentorship, source: Mentorship) -> Mentorship:
    for field in ("status", "starts_on", "ends_on", "completed_at", "ended_early_at", "end_reason"):
        setattr(target, field, getattr(source, field))
    return target


def transition(*, mentorship: Mentorship, to: str, actor, note: str = "") -> Mentorship:
    """Move the (locked) mentorship to `to` or refuse. Call inside a transaction after `capability_check`;
    this only guards the status graph (the last line of defence for every door)."""
    if not mentorship.can_become(to):
        _refuse(mentorship, to)
    previous = mentorship.status
    mentorship.status = to
    now = timezone.now()
    fields = ["status"]
    if to == Mentorship.Status.COMPLETED:
        mentorship.completed_at = now
        fields.append("completed_at")
    elif to == Mentorship.Status.ENDED_EARLY:
        mentorship.ended_early_at = now
        mentorship.end_reason = note
        fields += ["ended_early_at", "end_reason"]
    mentorship.save(update_fields=fields)
    MentorshipEvent.objects.create(
        mentorship=mentorship, actor=actor, action=MentorshipEvent.Action.STATUS,
        from_status=previous, to_status=to, note=note[:500],
    )
    return mentorship


def _named_transition(*, mentorship, actor, action, to, note=""):
    with transaction.atomic():
        locked = _lock(mentorship)
        capability_check(action, mentorship=locked, actor=actor)
        transition(mentorship=locked, to=to, actor=actor, note=note)
        event_id = MentorshipEvent.objects.filter(mentorship=locked).values_list("pk", flat=True).latest("pk")
        emails.status_changed(mentorship=locked, actor=actor, action=action, event_id=event_id, note=note)
    return _copy_state(mentorship, locked)


def mentorship_activate(*, mentorship: Mentorship, actor) -> Mentorship:
    """A proposed pair starts working together."""
    return _named_transition(mentorship=mentorship, actor=actor, action="activate", to=Mentorship.Status.ACTIVE)


def mentorship_pause(*, mentorship: Mentorship, actor, reason: str = "") -> Mentorship:
    return _named_transition(mentorship=mentorship, actor=actor, action="pause", to=Mentorship.Status.PAUSED, note=reason)


def mentorship_resume(*, mentorship: Mentorship, actor) -> Mentorship:
    return _named_transition(mentorship=mentorship, actor=actor, action="resume", to=Mentorship.Status.ACTIVE)


def mentorship_complete(*, mentorship: Mentorship, actor) -> Mentorship:
    """A coordinator marks a pair completed without waiting for both closures: only once it has started
    and both final evaluations are in (otherwise it ends early, with a reason)."""
    return _named_transition(mentorship=mentorship, actor=actor, action="complete", to=Mentorship.Status.COMPLETED)


def mentorship_end_early(*, mentorship: Mentorship, actor, reason: str) -> Mentorship:
    """A coordinator ends a mentorship before its time (directly, or by confirming a request)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the mentorship ends early."))
    with transaction.atomic():
        locked = _lock(mentorship)
        capability_check("end_early", mentorship=locked, actor=actor)
        transition(mentorship=locked, to=Mentorship.Status.ENDED_EARLY, actor=actor, note=reason)
        pending = EarlyEndRequest.objects.filter(mentorship=locked, status=EarlyEndRequest.Status.PENDING)
        pending.update(status=EarlyEndRequest.Status.CONFIRMED, decided_by=actor, decided_at=timezone.now())
        _notify_early_end_confirmed(locked, reason)
    return _copy_state(mentorship, locked)


def mentorship_dates_set(*, mentorship: Mentorship, actor, starts_on, ends_on, note: str = "") -> Mentorship:
    """Coordinators adjust a pair's dates (they start from the cohort's)."""
    if ends_on < starts_on:
        raise ValidationError(_("The end must not be before the start."))
    with transaction.atomic():
        locked = _lock(mentorship)
        capability_check("set_dates", mentorship=locked, actor=actor)
        previous = f"{locked.starts_on} – {locked.ends_on}"
        locked.starts_on, locked.ends_on = starts_on, ends_on
        locked.save(update_fields=["starts_on", "ends_on"])
        event = MentorshipEvent.objects.create(
            mentorship=locked, actor=actor, action=MentorshipEvent.Action.DATES,
            note=(f"{previous} → {starts_on} – {ends_on}. {note}").strip()[:500],
        )
        emails.dates_changed(mentorship=locked, actor=actor, event_id=event.pk, reason=note.strip())
    return _copy_state(mentorship, locked)


def mentorship_extend(*, mentorship: Mentorship, actor, new_ends_on, reason: str) -> MentorshipExtension:
    """Give the pair more time, with a reason. The mentor may, up to the cohort's maximum in total
    (`max_extension_weeks`); beyond it only a coordinator may."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the mentorship needs more time."))
    with transaction.atomic():
        locked = _lock(mentorship)
        capability_check("extend", mentorship=locked, actor=actor, new_ends_on=new_ends_on)
        extension = MentorshipExtension.objects.create(
            mentorship=locked, previous_ends_on=locked.ends_on, new_ends_on=new_ends_on, reason=reason, created_by=actor,
        )
        locked.ends_on = new_ends_on
        locked.save(update_fields=["ends_on"])
        event = MentorshipEvent.objects.create(
            mentorship=locked, actor=actor, action=MentorshipEvent.Action.EXTENDED,
            note=f"{extension.previous_ends_on} → {new_ends_on}: {reason}"[:500],
        )
        emails.dates_changed(mentorship=locked, actor=actor, event_id=event.pk, reason=reason)
    _copy_state(mentorship, locked)
    return extension


def early_end_request(*, mentorship: Mentorship, actor, reason: str) -> EarlyEndRequest:
    """Either person asks to end early; the program's coordinators are told and decide."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why you want to end the mentorship early."))
    with transaction.atomic():
        locked = _lock(mentorship)
        role = capability_check("request_early_end", mentorship=locked, actor=actor)
        request = EarlyEndRequest.objects.create(mentorship=locked, requested_by=actor, reason=reason)
        MentorshipEvent.objects.create(
            mentorship=locked, actor=actor, action=MentorshipEvent.Action.EARLY_END_REQUESTED, note=reason[:500],
        )
        cohort = locked.cohort
        for coordinator in _coordinators(cohort.program):
            notify(
                user=coordinator, kind="mentorship_early_end_requested",
                key=f"mentorship:{locked.pk}:early-end:{request.pk}:requested:{coordinator.pk}",
                context={
                    "name": coordinator.get_full_name(), "requester": actor.get_full_name(),
                    "requester_role": role, "mentor": locked.mentor.get_full_name(),
                    "mentee": locked.mentee.get_full_name(), "program": cohort.program.name, "cohort": cohort.name,
                    "reason": reason, "url": locked.get_absolute_url(),
                },
            )
    return request


def _coordinators(program):
    from django.contrib.auth import get_user_model

    coordinators = list(program.coordinators.filter(is_active=True).select_related("profile"))
    if coordinators:
        return coordinators
    # A program without coordinators: its site admins decide.
    return list(get_user_model().objects.filter(is_superuser=True, is_active=True).select_related("profile"))


def _notify_early_end_confirmed(mentorship: Mentorship, reason: str):
    cohort = mentorship.cohort
    for role in PARTICIPANTS:
        person, other = mentorship.person(role), mentorship.person(mentorship.other_role(role))
        notify(
            user=person, kind="mentorship_early_end_confirmed",
            key=f"mentorship:{mentorship.pk}:ended-early:{person.pk}",
            context={
                "name": person.get_full_name(), "other": other.get_full_name(), "program": cohort.program.name,
                "cohort": cohort.name, "reason": reason, "url": mentorship.get_absolute_url(),
            },
        )


def _lock_request(request: EarlyEndRequest, actor) -> tuple[Mentorship, EarlyEndRequest]:
    """Lock the mentorship, then the request (the order every early-end verb uses), and check the coordinator."""
    mentorship_id = EarlyEndRequest.objects.filter(pk=request.pk).values_list("mentorship_id", flat=True).get()
    mentorship = _lock(Mentorship(pk=mentorship_id))
    locked_request = EarlyEndRequest.objects.select_for_update().get(pk=request.pk)
    if locked_request.status != EarlyEndRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    capability_check("confirm_early_end", mentorship=mentorship, actor=actor)
    return mentorship, locked_request


def early_end_confirm(*, request: EarlyEndRequest, actor, note: str = "") -> Mentorship:
    """A coordinator agrees: the mentorship ends early, and both people are told."""
    with transaction.atomic():
        mentorship, locked_request = _lock_request(request, actor)
        reason = locked_request.reason if not note.strip() else f"{locked_request.reason}\n\n{note.strip()}"
        transition(mentorship=mentorship, to=Mentorship.Status.ENDED_EARLY, actor=actor, note=reason)
        locked_request.status = EarlyEndRequest.Status.CONFIRMED
        locked_request.decided_by, locked_request.decided_at = actor, timezone.now()
        locked_request.decision_note = note.strip()
        locked_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _notify_early_end_confirmed(mentorship, locked_request.reason)
    request.status = locked_request.status
    return mentorship


def early_end_decline(*, request: EarlyEndRequest, actor, note: str = "") -> EarlyEndRequest:
    """A coordinator asks the pair to carry on (for example after talking with both)."""
    with transaction.atomic():
        mentorship, locked_request = _lock_request(request, actor)
        locked_request.status = EarlyEndRequest.Status.DECLINED
        locked_request.decided_by, locked_request.decided_at = actor, timezone.now()
        locked_request.decision_note = note.strip()
        locked_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        MentorshipEvent.objects.create(
            mentorship=mentorship, actor=actor, action=MentorshipEvent.Action.EARLY_END_DECLINED,
            note=note.strip()[:500],
        )
        emails.early_end_declined(mentorship=mentorship, request=locked_request, actor=actor)
    locked_request.mentorship = mentorship
    return locked_request
