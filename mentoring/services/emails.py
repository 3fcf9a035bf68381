"""What the other person is told when a meeting or the agreement changes. Called inside the verb's
transaction: notify() writes the outbox row there and sends after commit."""
from django.urls import reverse
from django.utils import translation

from notifications.services import notify, user_language

from ..calendar import meeting_ics
from ..models import Role

PARTICIPANTS = (Role.MENTOR, Role.MENTEE)


def _others(mentorship, actor):
    """The participants who did not act (both, when a coordinator acted), with their role."""
    return [(role, mentorship.person(role)) for role in PARTICIPANTS if mentorship.person(role).pk != actor.pk]


def meeting_changed(*, meeting, actor, event: str, previous_starts_at=None) -> None:
    """event: "scheduled", "changed" or "cancelled". The .ics goes with it: same UID, this SEQUENCE
    (METHOD:CANCEL once cancelled), built in the recipient's language."""
    mentorship = meeting.mentorship
    url = reverse("mentoring:meeting_detail", args=[mentorship.pk, meeting.pk])
    for role, person in _others(mentorship, actor):
        with translation.override(user_language(person)):
            ics = meeting_ics(meeting, for_user=person).decode()
        notify(
            user=person, kind="meeting_update", topic=f"cohort:{mentorship.cohort_id}",
            key=f"meeting:{meeting.pk}:{meeting.sequence}:{event}:{person.pk}",
            context={
                "event": event, "name": person.get_full_name(), "actor": actor.get_full_name(),
                "other": mentorship.person(mentorship.other_role(role)).get_full_name(),
                "starts_at": meeting.starts_at, "previous_starts_at": previous_starts_at,
                "duration": meeting.duration_minutes, "location": meeting.location, "agenda": meeting.agenda,
                "program": mentorship.cohort.program.name, "url": url,
            },
            attachments=[{"filename": "meeting.ics", "content": ics, "mimetype": "text/calendar"}],
        )


def agreement_waiting(*, mentorship, agreement, actor, event_id: int, event: str) -> None:
    """event: "saved" (written or changed: read it and accept) or "accepted" (the actor accepted; yours is missing).
    Only people whose acceptance is missing are told."""
    for role, person in _others(mentorship, actor):
        if agreement.accepted_at(role) is not None:
            continue
        notify(
            user=person, kind="agreement_waiting", topic=f"cohort:{mentorship.cohort_id}",
            key=f"agreement:{mentorship.pk}:{event_id}:{person.pk}",
            context={
                "event": event, "name": person.get_full_name(), "actor": actor.get_full_name(),
                "program": mentorship.cohort.program.name, "cohort": mentorship.cohort.name,
                "url": reverse("mentoring:agreement", args=[mentorship.pk]),
            },
        )


def _pair_context(mentorship, person, role, **extra):
    return {
        "name": person.get_full_name(), "other": mentorship.person(mentorship.other_role(role)).get_full_name(),
        "program": mentorship.cohort.program.name, "cohort": mentorship.cohort.name, "role": role,
        "url": mentorship.get_absolute_url(), **extra,
    }


def dates_changed(*, mentorship, actor, event_id: int, reason: str = "") -> None:
    """An extension or new dates: evaluations and the end move with them, so whoever did not act is told."""
    for role, person in _others(mentorship, actor):
        notify(
            user=person, kind="mentorship_dates", topic=f"cohort:{mentorship.cohort_id}",
            key=f"mentorship:{mentorship.pk}:dates:{event_id}:{person.pk}",
            context=_pair_context(mentorship, person, role, actor=actor.get_full_name(), starts_on=mentorship.starts_on,
                                  ends_on=mentorship.ends_on, reason=reason),
        )


def early_end_declined(*, mentorship, request, actor) -> None:
    """Both people: the coordinator asks them to carry on (the requester was waiting for this answer)."""
    for role, person in _others(mentorship, actor):
        notify(
            user=person, kind="mentorship_early_end_declined", topic=f"cohort:{mentorship.cohort_id}",
            key=f"mentorship:{mentorship.pk}:early-end:{request.pk}:declined:{person.pk}",
            context=_pair_context(mentorship, person, role, actor=actor.get_full_name(), note=request.decision_note,
                                  requested_by_you=request.requested_by_id == person.pk),
        )


def closure_waiting(*, mentorship, actor) -> None:
    """The first person closed: the other's closure completes the mentorship."""
    for role, person in _others(mentorship, actor):
        notify(
            user=person, kind="closure_waiting", topic=f"cohort:{mentorship.cohort_id}",
            key=f"mentorship:{mentorship.pk}:closure-waiting:{person.pk}",
            context=_pair_context(mentorship, person, role, actor=actor.get_full_name()),
        )


def status_changed(*, mentorship, actor, action: str, event_id: int, note: str = "") -> None:
    """Pause, resume, activate, complete: whoever did not act is told (both, when a coordinator acted)."""
    for role, person in _others(mentorship, actor):
        notify(
            user=person, kind="mentorship_status", topic=f"cohort:{mentorship.cohort_id}",
            key=f"mentorship:{mentorship.pk}:status:{event_id}:{person.pk}",
            context=_pair_context(mentorship, person, role, actor=actor.get_full_name(), action=action, note=note),
        )
