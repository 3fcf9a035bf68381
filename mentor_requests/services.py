"""Direct requests: send, accept (capacity-safe), decline with a suggestion, withdraw, expire."""
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.pair_rules import pair_refused
from mentoring.selectors import enrollments_with_places_left
from mentoring.services import mentorship_create
from notifications.services import notify
from programs.models import ApprovalStatus, MentorEnrollment

from .models import MentorshipRequest
from .selectors import may_answer

Status = MentorshipRequest.Status


def response_days() -> int:
    return getattr(settings, "MENTORSHIP_REQUEST_RESPONSE_DAYS", 7)


def max_open_requests() -> int:
    return getattr(settings, "MENTORSHIP_REQUEST_MAX_OPEN", 3)


def _requestable_places(*, cohort_ids=None, mentor=None):
    """Approved places in published rolling cohorts (full or not): where direct requests can go."""
    qs = (
        MentorEnrollment.objects.filter(status=ApprovalStatus.APPROVED, cohort__rolling=True, cohort__program__published=True)
        .select_related("cohort__program", "mentor__profile")
    )
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    if mentor is not None:
        qs = qs.filter(mentor=mentor)
    # `room`: places left for this mentor and in the cohort together (one home: mentoring.selectors.capacity).
    return enrollments_with_places_left(qs)


def requestable_enrollments(*, mentor):
    """The rolling cohorts in which this mentor takes direct requests now, each with its places left."""
    now = timezone.now()
    return [e for e in _requestable_places(mentor=mentor) if e.cohort.is_accepting(now)]


def suggest_mentors(*, cohort, mentee, exclude=(), limit: int = 3):
    """Other mentors of the cohort with room, most shared skills with the mentee's interests first,
    leaving out those the coordinators' pair rules forbid for this mentee."""
    interests = list(mentee.profile.interests.values_list("pk", flat=True))
    candidates = (
        _requestable_places(cohort_ids=[cohort.pk])
        .exclude(mentor__in=[mentee, *exclude])
        .filter(room__gt=0)
        .annotate(shared=Count("mentor__profile__skills", filter=Q(mentor__profile__skills__in=interests), distinct=True))
        .order_by("-shared", "mentor__profile__display_name", "pk")
    )
    allowed = (e for e in candidates[: limit * 4] if not pair_refused(enrollment=e, mentee=mentee))
    return list(islice(allowed, limit))


def open_request_count(*, mentee) -> int:
    return MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING).count()


def request_send(*, mentee, mentor, cohort, about_me: str, experience: str, learning_goals: str, why_you: str,
                 hours_per_week: int) -> MentorshipRequest:
    if mentee.pk == mentor.pk:
        raise ValidationError(_("You cannot ask yourself."))
    now = timezone.now()
    if not (cohort.rolling and cohort.is_accepting(now)):
        raise ValidationError(_("This program does not take direct requests now."))
    enrollment = _requestable_places(cohort_ids=[cohort.pk], mentor=mentor).first()
    if enrollment is None:
        raise ValidationError(_("This mentor does not take requests in this program."))
    if enrollment.room <= 0:
        raise ValidationError(_("This mentor has no place left right now. Try one of the suggested mentors."))
    if pair_refused(enrollment=enrollment, mentee=mentee):
        # The coordinators' reason (a rule-out, a conflict of interest) is theirs, not the mentee's to read.
        raise ValidationError(_("This mentor cannot take a request from you in this program. Try one of the suggested mentors."))
    with transaction.atomic():
        # The limit counts rows that may not exist yet: lock the mentee's user row, which always
        # exists, so two quick submissions queue up and the second one sees the first.
        get_user_model().objects.select_for_update(no_key=True).only("pk").get(pk=mentee.pk)
        if open_request_count(mentee=mentee) >= max_open_requests():
            raise ValidationError(
                _("You already have %(n)d requests waiting for an answer. Wait for one or withdraw it first.")
                % {"n": max_open_requests()}
            )
        try:
            with transaction.atomic():
                request = MentorshipRequest.objects.create(
                    mentee=mentee, mentor=mentor, cohort=cohort, about_me=about_me, experience=experience,
                    learning_goals=learning_goals, why_you=why_you, hours_per_week=hours_per_week,
                    expires_at=now + timedelta(days=response_days()),
                )
        except IntegrityError:
            raise ValidationError(_("You already asked this mentor; wait for their answer.")) from None
        _tell(request, recipient=mentor, event="sent")
    return request


def _locked_pending(request) -> MentorshipRequest:
    locked = MentorshipRequest.objects.select_for_update().select_related("cohort__program").get(pk=request.pk)
    if locked.status != Status.PENDING:
        raise ValidationError(_("This request was already answered (%(status)s).") % {"status": locked.get_status_display()})
    if not locked.awaits_answer():
        raise ValidationError(_("This request has expired."))
    return locked


def _require_answerer(request: MentorshipRequest, actor) -> None:
    if not may_answer(user=actor, request=request):
        raise PermissionDenied


def request_accept(*, request: MentorshipRequest, actor, message: str = "") -> MentorshipRequest:
    """The mentor (or a site admin for them) says yes: a mentorship starts through `mentorship_create`,
    the one door that checks and locks the mentor's places."""
    _require_answerer(request, actor)
    with transaction.atomic():
        request = _locked_pending(request)
        enrollment = MentorEnrollment.objects.filter(cohort=request.cohort, mentor=request.mentor).first()
        if enrollment is None:
            raise ValidationError(_("This mentor is not approved for the cohort."))
        request.mentorship = mentorship_create(enrollment=enrollment, mentee=request.mentee, actor=actor)
        request.status, request.response_message, request.responded_at = Status.ACCEPTED, message, timezone.now()
        request.save()
        _tell(request, recipient=request.mentee, event="accepted")
    return request


def request_decline(*, request: MentorshipRequest, actor, message: str = "", suggested_mentor=None) -> MentorshipRequest:
    _require_answerer(request, actor)
    with transaction.atomic():
        request = _locked_pending(request)
        request.status, request.response_message, request.responded_at = Status.DECLINED, message, timezone.now()
        request.suggested_mentor = suggested_mentor
        request.save()
        _tell(request, recipient=request.mentee, event="declined")
    return request


def request_withdraw(*, request: MentorshipRequest, actor) -> MentorshipRequest:
    if actor.pk != request.mentee_id:
        raise PermissionDenied
    with transaction.atomic():
        request = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != Status.PENDING:
            raise ValidationError(_("Only a request that waits for an answer can be withdrawn."))
        request.status, request.responded_at = Status.WITHDRAWN, timezone.now()
        request.save(update_fields=["status", "responded_at"])
    return request


def requests_expire(*, now=None) -> int:
    """Expire unanswered requests and offer the mentee the next suggested mentor. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    ids = list(MentorshipRequest.objects.past_answer_by(now).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            request = MentorshipRequest.objects.select_for_update().select_related("cohort__program").get(pk=pk)
            if request.status != Status.PENDING or request.awaits_answer(now):
                continue
            suggestions = suggest_mentors(cohort=request.cohort, mentee=request.mentee, exclude=[request.mentor], limit=1)
            request.status, request.responded_at = Status.EXPIRED, now
            request.suggested_mentor = suggestions[0].mentor if suggestions else None
            request.save(update_fields=["status", "responded_at", "suggested_mentor"])
            _tell(request, recipient=request.mentee, event="expired")
            expired += 1
    return expired


def _tell(request: MentorshipRequest, *, recipient, event: str) -> None:
    suggested = request.suggested_mentor
    notify(
        user=recipient, kind="mentorship_request", key=f"mentorship-request:{request.pk}:{event}",
        context={
            "event": event,
            "name": recipient.get_full_name(),
            "mentee": request.mentee.get_full_name(),
            "mentor": request.mentor.get_full_name(),
            "program": request.cohort.program.name,
            "message": request.response_message,
            "expires_at": request.expires_at,
            "suggested": suggested.get_full_name() if suggested else "",
            "suggested_url": suggested.profile.get_absolute_url() if suggested else "",
            "url": request.get_absolute_url(),
        },
    )
