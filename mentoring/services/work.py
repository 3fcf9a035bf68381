"""The agreement, goals, meetings (with private notes and action items), check-ins and calendar feeds."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ActionItem,
    Agreement,
    CalendarFeed,
    CheckIn,
    Goal,
    GoalComment,
    Meeting,
    MeetingPrivateNote,
    Mentorship,
    MentorshipEvent,
    Role,
)
from ..models.work import new_feed_token
from ..selectors.capabilities import capability_check
from . import emails
from .lifecycle import _lock

# --- Agreement ---------------------------------------------------------------------------------


def agreement_save(*, mentorship: Mentorship, actor, meeting_frequency: str, communication: str, mentee_goals: str,
                   mentor_expectations: str = "", mentee_expectations: str = "") -> Agreement:
    """Write or edit the agreement. Any change after someone accepted asks both to accept again."""
    values = {
        "meeting_frequency": meeting_frequency, "communication": communication.strip(),
        "mentor_expectations": mentor_expectations.strip(), "mentee_expectations": mentee_expectations.strip(),
        "mentee_goals": mentee_goals.strip(),
    }
    if meeting_frequency not in Agreement.Frequency.values:
        raise ValidationError(_("Choose how often you meet."))
    if not values["communication"] or not values["mentee_goals"]:
        raise ValidationError(_("Say how you keep in touch and what the mentee's goals are."))
    with transaction.atomic():
        locked = _lock(mentorship)
        capability_check("edit_agreement", mentorship=locked, actor=actor)
        agreement = Agreement.objects.select_for_update().filter(mentorship=locked).first()
        reset = False
        if agreement is None:
            agreement = Agreement.objects.create(mentorship=locked, updated_by=actor, **values)
        else:
            if all(getattr(agreement, field) == value for field, value in values.items()):
                return agreement
            reset = agreement.mentor_accepted_at is not None or agreement.mentee_accepted_at is not None
            for field, value in values.items():
                setattr(agreement, field, value)
            agreement.mentor_accepted_at = agreement.mentee_accepted_at = None
            agreement.updated_by = actor
            agreement.save()
        event = MentorshipEvent.objects.create(
            mentorship=locked, actor=actor, action=MentorshipEvent.Action.AGREEMENT_SAVED,
            note=_("Changed after acceptance: both must accept again.") if reset else "",
        )
        emails.agreement_waiting(mentorship=locked, agreement=agreement, actor=actor, event_id=event.pk, event="saved")
    return agreement


def agreement_accept(*, mentorship: Mentorship, actor) -> Agreement:
    """The mentor or the mentee accepts the agreement as it stands now (who and when are recorded)."""
    with transaction.atomic():
        locked = _lock(mentorship)
        role = capability_check("accept_agreement", mentorship=locked, actor=actor)
        agreement = Agreement.objects.select_for_update().filter(mentorship=locked).first()
        if agreement is None:
            raise ValidationError(_("Write the agreement before accepting it."))
        field = "mentor_accepted_at" if role == Role.MENTOR else "mentee_accepted_at"
        if getattr(agreement, field) is None:
            setattr(agreement, field, timezone.now())
            agreement.save(update_fields=[field, "updated_at"])
            event = MentorshipEvent.objects.create(
                mentorship=locked, actor=actor, action=MentorshipEvent.Action.AGREEMENT_ACCEPTED, note=role,
            )
            emails.agreement_waiting(mentorship=locked, agreement=agreement, actor=actor, event_id=event.pk,
                                     event="accepted")
    return agreement


# --- Goals ---------------------------------------------------------------------------------------


def _goal_values(*, title, description, target_date, status, progress):
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the goal a title."))
    if status not in Goal.Status.values:
        raise ValidationError(_("Choose a status for the goal."))
    if progress is None or not 0 <= int(progress) <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    progress = 100 if status == Goal.Status.DONE else int(progress)
    return {"title": title, "description": (description or "").strip(), "target_date": target_date,
            "status": status, "progress": progress}


def goal_create(*, mentorship: Mentorship, actor, title: str, description: str = "", target_date=None,
                status: str = Goal.Status.NOT_STARTED, progress: int = 0, skills=()) -> Goal:
    """The mentee owns the goals: only they add and edit them."""
    values = _goal_values(title=title, description=description, target_date=target_date, status=status, progress=progress)
    with transaction.atomic():
        capability_check("add_goal", mentorship=mentorship, actor=actor)
        goal = Goal.objects.create(mentorship=mentorship, created_by=actor, **values)
        goal.skills.set(skills)
    return goal


def goal_update(*, goal: Goal, actor, title: str, description: str = "", target_date=None,
                status: str = Goal.Status.NOT_STARTED, progress: int = 0, skills=()) -> Goal:
    values = _goal_values(title=title, description=description, target_date=target_date, status=status, progress=progress)
    with transaction.atomic():
        capability_check("edit_goal", mentorship=goal.mentorship, actor=actor)
        for field, value in values.items():
            setattr(goal, field, value)
        goal.save()
        goal.skills.set(skills)
    return goal


def goal_comment_add(*, goal: Goal, actor, body: str) -> GoalComment:
    """The mentor comments on the mentee's goals (and the mentee may answer)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a comment first."))
    capability_check("comment_on_goal", mentorship=goal.mentorship, actor=actor)
    return GoalComment.objects.create(goal=goal, author=actor, body=body)


# --- Meetings ------------------------------------------------------------------------------------


def _meeting_values(*, starts_at, duration_minutes, location, agenda):
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationError(_("Give the meeting a date and time."))
    if not 5 <= int(duration_minutes) <= 480:
        raise ValidationError(_("A meeting lasts between 5 minutes and 8 hours."))
    return {"starts_at": starts_at, "duration_minutes": int(duration_minutes),
            "location": (location or "").strip(), "agenda": (agenda or "").strip()}


def meeting_schedule(*, mentorship: Mentorship, actor, starts_at, duration_minutes: int = 60, location: str = "",
                     agenda: str = "") -> Meeting:
    values = _meeting_values(starts_at=starts_at, duration_minutes=duration_minutes, location=location, agenda=agenda)
    capability_check("schedule_meeting", mentorship=mentorship, actor=actor)
    with transaction.atomic():
        meeting = Meeting.objects.create(mentorship=mentorship, created_by=actor, **values)
        emails.meeting_changed(meeting=meeting, actor=actor, event="scheduled")
    return meeting


def meeting_update(*, meeting: Meeting, actor, starts_at, duration_minutes: int, location: str = "", agenda: str = "") -> Meeting:
    values = _meeting_values(starts_at=starts_at, duration_minutes=duration_minutes, location=location, agenda=agenda)
    capability_check("change_meeting", mentorship=meeting.mentorship, actor=actor)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    calendar_changed = any(getattr(meeting, f) != values[f] for f in ("starts_at", "duration_minutes", "location", "agenda"))
    previous_starts_at = meeting.starts_at
    for field, value in values.items():
        setattr(meeting, field, value)
    with transaction.atomic():
        if calendar_changed:
            meeting.sequence += 1
        meeting.save()
        if calendar_changed:
            emails.meeting_changed(meeting=meeting, actor=actor, event="changed",
                                   previous_starts_at=previous_starts_at if previous_starts_at != meeting.starts_at else None)
    return meeting


def meeting_notes_save(*, meeting: Meeting, actor, notes: str) -> Meeting:
    """Shared notes: both people and the coordinators read them."""
    capability_check("write_meeting_notes", mentorship=meeting.mentorship, actor=actor)
    meeting.notes = notes.strip()
    meeting.save(update_fields=["notes", "updated_at"])
    return meeting


def meeting_cancel(*, meeting: Meeting, actor) -> Meeting:
    capability_check("cancel_meeting", mentorship=meeting.mentorship, actor=actor)
    if meeting.is_cancelled:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    with transaction.atomic():
        meeting.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        emails.meeting_changed(meeting=meeting, actor=actor, event="cancelled")
    return meeting


def private_note_save(*, meeting: Meeting, actor, body: str) -> MeetingPrivateNote:
    """Notes for oneself, one per person and meeting; nobody else ever reads them."""
    capability_check("write_meeting_notes", mentorship=meeting.mentorship, actor=actor)
    note, _created = MeetingPrivateNote.objects.update_or_create(
        meeting=meeting, author=actor, defaults={"body": body.strip()},
    )
    return note


def action_item_add(*, meeting: Meeting, actor, owner_role: str, title: str, due_on=None) -> ActionItem:
    capability_check("add_action_item", mentorship=meeting.mentorship, actor=actor)
    title = title.strip()
    if not title:
        raise ValidationError(_("Say what needs to be done."))
    if owner_role not in Role.values:
        raise ValidationError(_("Choose who does it."))
    return ActionItem.objects.create(
        mentorship=meeting.mentorship, meeting=meeting, owner_role=owner_role, title=title, due_on=due_on, created_by=actor,
    )


def action_item_set_done(*, item: ActionItem, actor, done: bool) -> ActionItem:
    capability_check("update_action_items", mentorship=item.mentorship, actor=actor)
    item.done_at = (item.done_at or timezone.now()) if done else None
    item.save(update_fields=["done_at"])
    return item


# --- Check-ins -----------------------------------------------------------------------------------


def check_in_submit(*, mentorship: Mentorship, actor, progress: str, mood: int, blockers: str = "") -> CheckIn:
    """The mentee's short reflection; the mentor and the coordinators read it."""
    capability_check("check_in", mentorship=mentorship, actor=actor)
    progress = progress.strip()
    if not progress:
        raise ValidationError(_("Tell us what moved forward, even if it is small."))
    if mood not in CheckIn.Mood.values:
        raise ValidationError(_("Choose how you feel, from 1 to 5."))
    return CheckIn.objects.create(mentorship=mentorship, author=actor, progress=progress, blockers=blockers.strip(), mood=mood)


# --- Calendar feeds ------------------------------------------------------------------------------


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    try:
        with transaction.atomic():
            feed, _created = CalendarFeed.objects.get_or_create(user=user)
    except IntegrityError:  # two first visits at once
        feed = CalendarFeed.objects.get(user=user)
    return feed


def calendar_feed_regenerate(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
