"""Mentorships: export, erasure (open ones end, with the coordinators told) and the retention purge."""
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import (
    CalendarFeed,
    CheckIn,
    Closure,
    Concern,
    EarlyEndRequest,
    Evaluation,
    GoalComment,
    MeetingPrivateNote,
    Mentorship,
    Role,
)
from .selectors.access import may_read_evaluation
from .services.lifecycle import transition

ENDED_NOTE = "A participant deleted their account."


def _role(mentorship, user) -> str:
    return Role.MENTOR if mentorship.mentor_id == user.pk else Role.MENTEE


def _mentorships(user):
    return Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))


def _evaluation(evaluation) -> dict:
    return {
        "stage": evaluation.stage, "direction": evaluation.direction, "submitted_at": evaluation.submitted_at,
        "answers": [{"question": a.prompt, "rating": a.rating, "text": a.text}
                    for a in sorted(evaluation.answers.all(), key=lambda a: (a.order, a.pk))],
    }


def export_for_user(*, user) -> dict:
    """What happened in their mentorships. The other participant is named by role only (their data is theirs)."""
    mentorships = (
        _mentorships(user).select_related("cohort__program", "cohort__mentoring_settings", "agreement")
        .prefetch_related("goals", "meetings", "action_items", "evaluations__answers").order_by("pk")
    )
    own_notes = {n.meeting_id: n.body for n in MeetingPrivateNote.objects.filter(author=user)}
    rows = []
    for m in mentorships:
        role = _role(m, user)
        agreement = getattr(m, "agreement", None)
        rows.append({
            "id": m.pk, "program": m.cohort.program.name, "cohort": m.cohort.name, "your_role": role,
            "status": m.status, "starts_on": m.starts_on, "ends_on": m.ends_on,
            "completed_at": m.completed_at, "ended_early_at": m.ended_early_at,
            "agreement": {
                "meeting_frequency": agreement.meeting_frequency, "communication": agreement.communication,
                "mentor_expectations": agreement.mentor_expectations,
                "mentee_expectations": agreement.mentee_expectations, "mentee_goals": agreement.mentee_goals,
            } if agreement else None,
            "goals": [{"title": g.title, "description": g.description, "status": g.status, "progress": g.progress,
                       "target_date": g.target_date} for g in m.goals.all()],
            "meetings": [{"starts_at": x.starts_at, "duration_minutes": x.duration_minutes,
                          "location": x.location, "agenda": x.agenda, "notes": x.notes,
                          "cancelled_at": x.cancelled_at, "your_private_notes": own_notes.get(x.pk, "")}
                         for x in m.meetings.all()],
            "action_items": [{"title": a.title, "owner_role": a.owner_role, "due_on": a.due_on,
                              "done_at": a.done_at} for a in m.action_items.all()],
            "evaluations_written": [_evaluation(e) for e in m.evaluations.all() if e.author_id == user.pk],
            "evaluations_about_you": [
                _evaluation(e) for e in m.evaluations.all()
                if e.author_id != user.pk and e.direction == ("about_mentor" if role == Role.MENTOR else "about_mentee")
                and may_read_evaluation(mentorship=m, role=role, direction=e.direction)
            ],
        })
    return {
        "mentorships": rows,
        "check_ins": [{"mentorship_id": c.mentorship_id, "progress": c.progress, "blockers": c.blockers,
                       "mood": c.mood, "created_at": c.created_at}
                      for c in CheckIn.objects.filter(author=user).order_by("pk")],
        "goal_comments": [{"goal": c.goal.title, "comment": c.body, "created_at": c.created_at}
                          for c in GoalComment.objects.filter(author=user).select_related("goal").order_by("pk")],
        "closures": [{"mentorship_id": c.mentorship_id, "achieved": c.achieved, "do_differently": c.do_differently,
                      "thank_you": c.thank_you, "list_as_alumni": c.list_as_alumni}
                     for c in Closure.objects.filter(author=user).order_by("pk")],
        "early_end_requests": [{"mentorship_id": r.mentorship_id, "reason": r.reason, "status": r.status,
                                "created_at": r.created_at}
                               for r in EarlyEndRequest.objects.filter(requested_by=user).order_by("pk")],
        # Concerns the person raised (concerns others raised about them are the coordinators' record).
        "concerns_raised": [{"cohort_id": c.cohort_id, "concern": c.body, "status": c.status, "reply": c.reply,
                             "created_at": c.created_at}
                            for c in Concern.objects.filter(reporter=user).order_by("pk")],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    lines = []
    open_count = _mentorships(user).filter(status__in=Mentorship.OPEN_STATUSES).count()
    if open_count:
        lines.append(ngettext(
            "Your running mentorship ends now; the other person and the program's coordinators are told, and the "
            "coordinators can pair them again.",
            "Your %(count)s running mentorships end now; the other people and the programs' coordinators are told, "
            "and the coordinators can pair them again.", open_count) % {"count": open_count})
    if _mentorships(user).exists():
        lines.append(_("Your check-ins, private meeting notes, comments and closing notes are erased. Evaluations "
                       "you wrote stay, without your name, for the program's statistics; shared goals and "
                       "meetings stay for the other person."))
    if Concern.objects.filter(reporter=user).exists():
        lines.append(_("Concerns you raised stay with the coordinators, without your name, so they can still "
                       "act on them."))
    return lines


def erase_for_user(*, user) -> dict:
    handovers = []
    open_ones = (
        _mentorships(user).filter(status__in=Mentorship.OPEN_STATUSES)
        .select_for_update().select_related("cohort__program").order_by("pk")
    )
    for mentorship in open_ones:
        role = _role(mentorship, user)
        transition(mentorship=mentorship, to=Mentorship.Status.ENDED_EARLY, actor=None, note=ENDED_NOTE)
        EarlyEndRequest.objects.filter(mentorship=mentorship, status=EarlyEndRequest.Status.PENDING).update(
            status=EarlyEndRequest.Status.DECLINED)
        other = mentorship.mentee_id if role == Role.MENTOR else mentorship.mentor_id
        handovers.append({"cohort_id": mentorship.cohort_id, "what": "mentorship", "role": role,
                          "url": mentorship.get_absolute_url(), "other_user_id": other})
    notes = MeetingPrivateNote.objects.filter(author=user).delete()[0]
    comments = GoalComment.objects.filter(author=user).delete()[0]
    check_ins = CheckIn.objects.filter(author=user).update(progress="", blockers="")
    Closure.objects.filter(author=user).update(achieved="", do_differently="", thank_you="", list_as_alumni=False)
    EarlyEndRequest.objects.filter(requested_by=user).update(reason="")
    CalendarFeed.objects.filter(user=user).delete()
    evaluations = Evaluation.objects.filter(author=user).count()
    # Duty of care: the coordinators keep what was reported; the reply to the reporter goes, and the reporter
    # row is the anonymised account. Concerns about the person stay, purged with their cohort.
    concerns = Concern.objects.filter(reporter=user).update(reply="")
    return {"mentorships_ended": len(handovers), "private_notes": notes, "goal_comments": comments,
            "check_ins_erased": check_ins, "evaluations_kept_anonymised": evaluations,
            "concerns_kept_anonymised": concerns, "handovers": handovers}


def purge_for_cohort(*, cohort, dry_run: bool) -> dict:
    """Private meeting notes of a finished cohort; everything the statistics count stays."""
    notes = MeetingPrivateNote.objects.filter(meeting__mentorship__cohort=cohort).exclude(body="")
    concerns = Concern.objects.filter(cohort=cohort).exclude(body="", reply="")
    counts = {"mentoring.private_notes": notes.count(), "mentoring.concern_texts": concerns.count()}
    if not dry_run:
        with transaction.atomic():
            notes.delete()
            concerns.update(body="", reply="")  # how many and their status stay
    return counts
