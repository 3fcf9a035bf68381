"""Evaluations (midpoint and final, both directions), closure, and the mentee who becomes a mentor."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notifications.services import notify
from programs.models import Cohort

from .. import hooks
from ..deadlines import evaluation_due_on
from ..models import (
    Closure,
    Direction,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    Mentorship,
    MentorshipEvent,
    Role,
    Stage,
)
from ..selectors.capabilities import capability_check
from . import emails
from .lifecycle import PARTICIPANTS, _copy_state, _lock, transition

RATING, TEXT = EvaluationQuestion.Kind.RATING, EvaluationQuestion.Kind.TEXT

# Used for a cohort that has not written its own questions. Stored in English and translated when shown.
DEFAULT_QUESTIONS = {
    (Stage.INITIAL, Direction.ABOUT_MENTEE): [
        (RATING, gettext_noop("How well has the mentee settled in and started on the agreed goals?")),
        (TEXT, gettext_noop("What should the mentee focus on in the coming weeks?")),
    ],
    (Stage.INITIAL, Direction.ABOUT_MENTOR): [
        (RATING, gettext_noop("How well has your mentor helped you get started?")),
        (TEXT, gettext_noop("What would help you most in the coming weeks?")),
    ],
    (Stage.MIDPOINT, Direction.ABOUT_MENTEE): [
        (RATING, gettext_noop("How is the mentee progressing towards the goals you agreed?")),
        (RATING, gettext_noop("How well does the mentee communicate and keep commitments?")),
        (TEXT, gettext_noop("What is going well, and what should the mentee focus on next?")),
    ],
    (Stage.MIDPOINT, Direction.ABOUT_MENTOR): [
        (RATING, gettext_noop("How helpful is your mentor's guidance?")),
        (RATING, gettext_noop("How available and responsive is your mentor?")),
        (TEXT, gettext_noop("What could your mentor do differently in the second half?")),
    ],
    (Stage.FINAL, Direction.ABOUT_MENTEE): [
        (RATING, gettext_noop("How much of the agreed goals did the mentee achieve?")),
        (RATING, gettext_noop("How much did the mentee grow during the mentorship?")),
        (TEXT, gettext_noop("What are the mentee's strengths, and what should they learn next?")),
    ],
    (Stage.FINAL, Direction.ABOUT_MENTOR): [
        (RATING, gettext_noop("Overall, how helpful was your mentor?")),
        (RATING, gettext_noop("How likely are you to recommend this mentor to a friend?")),
        (TEXT, gettext_noop("What did your mentor do well, and what could they do better?")),
    ],
}


def evaluation_questions_for(*, cohort, stage: str, direction: str) -> list[EvaluationQuestion]:
    """The cohort's questions for this stage and direction, or the defaults as unsaved rows (reading writes nothing).

    Answers keep their prompt and kind, so an evaluation of default questions needs no question rows.
    """
    questions = list(EvaluationQuestion.objects.filter(cohort=cohort, stage=stage, direction=direction))
    return questions or [
        EvaluationQuestion(cohort=cohort, stage=stage, direction=direction, kind=kind, prompt=prompt, order=i)
        for i, (kind, prompt) in enumerate(DEFAULT_QUESTIONS[(stage, direction)])
    ]


def evaluation_questions_ensure(*, cohort, stage: str, direction: str) -> list[EvaluationQuestion]:
    """Store the defaults as the cohort's own questions, so a coordinator can edit them (an explicit write)."""
    questions = list(EvaluationQuestion.objects.filter(cohort=cohort, stage=stage, direction=direction))
    if questions:
        return questions
    with transaction.atomic():
        # Lock the cohort so two first evaluations do not both add the defaults.
        Cohort.objects.select_for_update(no_key=True).filter(pk=cohort.pk).first()
        questions = list(EvaluationQuestion.objects.filter(cohort=cohort, stage=stage, direction=direction))
        if not questions:
            questions = EvaluationQuestion.objects.bulk_create([
                EvaluationQuestion(cohort=cohort, stage=stage, direction=direction, kind=kind, prompt=prompt, order=i)
                for i, (kind, prompt) in enumerate(DEFAULT_QUESTIONS[(stage, direction)])
            ])
    return questions


def _clean_answer(question: EvaluationQuestion, value):
    if question.kind == RATING:
        if value in (None, ""):
            if question.required:
                raise ValidationError(_("Answer “%(q)s”.") % {"q": _(question.prompt)})
            return None, ""
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError(_("Rate “%(q)s” from 1 to 5.") % {"q": _(question.prompt)})
        return rating, ""
    text = (value or "").strip()
    if question.required and not text:
        raise ValidationError(_("Answer “%(q)s”.") % {"q": _(question.prompt)})
    return None, text


def evaluation_submit(*, mentorship: Mentorship, actor, stage: str, answers: dict, mentee_completed=None,
                      extra: dict | None = None) -> Evaluation:
    """The mentor evaluates the mentee, or the mentee the mentor, once per stage.

    `answers` maps each question's `key` (its id, or "default-<n>" for a default question) to a rating
    (1-5) or a text. The mentor's final evaluation says whether the mentee completed the program.
    Evaluations open only inside their window (the cohort's settings, per pair's own dates).
    `extra` holds the answers to fields that other apps add (mentoring.hooks), saved in this transaction.
    """
    if stage not in Stage.values:
        raise ValidationError(_("Unknown evaluation stage."))
    with transaction.atomic():
        locked = _lock(mentorship)
        role = capability_check("evaluate", mentorship=locked, actor=actor, stage=stage)
        direction = Direction.written_by(role)
        if stage == Stage.FINAL and direction == Direction.ABOUT_MENTEE:
            if mentee_completed is None:
                raise ValidationError(_("Say whether the mentee completed the program."))
        else:
            mentee_completed = None
        questions = evaluation_questions_for(cohort=locked.cohort, stage=stage, direction=direction)
        cleaned = [(q, *_clean_answer(q, answers.get(q.key, answers.get(q.pk)))) for q in questions]
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    mentorship=locked, stage=stage, direction=direction, author=actor,
                    due_on=evaluation_due_on(locked, stage), submitted_at=timezone.now(), mentee_completed=mentee_completed,
                )
        except IntegrityError:
            raise ValidationError(_("You already sent this evaluation.")) from None
        EvaluationAnswer.objects.bulk_create([
            EvaluationAnswer(evaluation=evaluation, question=q if q.pk else None, prompt=q.prompt, kind=q.kind,
                             rating=rating, text=text, order=i)
            for i, (q, rating, text) in enumerate(cleaned)
        ])
        hooks.evaluation_extras_save(evaluation=evaluation, mentorship=locked, actor=actor, data=extra or {})
    return evaluation


def closure_submit(*, mentorship: Mentorship, actor, achieved: str, do_differently: str = "", thank_you: str = "",
                   list_as_alumni: bool = False) -> Closure:
    """Each person reflects and may thank the other, once both final evaluations are in. When both have
    closed, the mentorship is completed and each receives the other's thank-you note by email."""
    achieved = achieved.strip()
    if not achieved:
        raise ValidationError(_("Write a few words about what was achieved."))
    with transaction.atomic():
        locked = _lock(mentorship)
        role = capability_check("close", mentorship=locked, actor=actor)
        try:
            with transaction.atomic():
                closure = Closure.objects.create(
                    mentorship=locked, author=actor, role=role, achieved=achieved, do_differently=do_differently.strip(),
                    thank_you=thank_you.strip(), list_as_alumni=bool(list_as_alumni) and role == Role.MENTEE,
                )
        except IntegrityError:
            raise ValidationError(_("You already closed this mentorship.")) from None
        MentorshipEvent.objects.create(mentorship=locked, actor=actor, action=MentorshipEvent.Action.CLOSED, note=role)
        closures = {c.role: c for c in Closure.objects.filter(mentorship=locked)}
        if len(closures) == 2:
            transition(mentorship=locked, to=Mentorship.Status.COMPLETED, actor=actor,
                       note=_("Both people closed the mentorship."))
            _notify_closed(locked, closures)
        else:
            emails.closure_waiting(mentorship=locked, actor=actor)
    _copy_state(mentorship, locked)
    return closure


def _notify_closed(mentorship: Mentorship, closures: dict):
    cohort = mentorship.cohort
    for role in PARTICIPANTS:
        person, other_role = mentorship.person(role), mentorship.other_role(role)
        other = mentorship.person(other_role)
        notify(
            user=person, kind="mentorship_closed", key=f"mentorship:{mentorship.pk}:closed:{person.pk}",
            context={
                "name": person.get_full_name(), "other": other.get_full_name(), "role": role,
                "program": cohort.program.name, "cohort": cohort.name,
                "thank_you": closures[other_role].thank_you, "url": mentorship.get_absolute_url(),
            },
        )


def alumni_consent_set(*, closure: Closure, actor, listed: bool) -> Closure:
    """The mentee may add or remove themselves from the program's alumni list at any time."""
    if closure.author_id != getattr(actor, "pk", None) or closure.role != Role.MENTEE:
        raise PermissionDenied(_("Only the mentee decides whether they are listed."))
    closure.list_as_alumni = listed
    closure.save(update_fields=["list_as_alumni"])
    return closure


def mentor_offer_accept(*, user):
    """“Yes, I'd like to mentor”: a mentee who completed a mentorship turns on mentoring in their profile."""
    if not Mentorship.objects.filter(mentee=user, status=Mentorship.Status.COMPLETED).exists():
        raise PermissionDenied(_("This offer is for mentees who completed a mentorship."))
    profile = user.profile
    if not profile.is_mentor:
        profile.is_mentor = True
        profile.save(update_fields=["is_mentor", "updated_at", "utc_offset_minutes"])
        if not profile.skills.exists():
            # What they learned is what they can teach: the skills of their goals and of what they applied for.
            # So saying yes does not leave the new "skills you can teach" item of their profile empty.
            from accounts.models import Skill

            completed = Mentorship.objects.filter(mentee=user, status=Mentorship.Status.COMPLETED)
            learned = Skill.objects.filter(
                Q(mentoring_goals__mentorship__in=completed) | Q(applications__mentorship__in=completed)
            ).distinct()
            profile.skills.add(*learned)
    return profile

