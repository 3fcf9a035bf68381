"""Eligibility: a program's optional rules, explained before applicants start and checked when they submit.

`screen(application=...)` runs inside application_submit's locked transaction (the applicant's row is
locked, so the acceptance count cannot change under it). A screened-out submission stays a draft; the
reasons are recorded (ScreeningOutcome) so the program's coordinators see who and why, and may
override with a note, after which the applicant can submit.

"Completed this program before" is known above programs (mentoring): apps register a provider.
"""
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Application,
    Cohort,
    EligibilityRules,
    Program,
    ScreeningAnswer,
    ScreeningOutcome,
    ScreeningQuestion,
)
from ..permissions import is_coordinator

_completion_providers: list[Callable[[object, Program], bool]] = []


def register_completion_provider(provider: Callable[[object, Program], bool]):
    """`provider(user, program)` answers whether the person completed the program before."""
    if provider not in _completion_providers:
        _completion_providers.append(provider)
    return provider


class ScreenedOut(ValidationError):
    def __init__(self, reasons: list[str]):
        super().__init__(reasons, code="screened_out")
        self.reasons = reasons


def rules_for(program: Program) -> EligibilityRules:
    return EligibilityRules.objects.filter(program=program).first() or EligibilityRules(program=program)


def rule_texts(rules: EligibilityRules) -> list[str]:
    texts = []
    if rules.no_past_completers:
        texts.append(_("People who completed this program before may not apply."))
    if rules.one_acceptance_per_season:
        texts.append(_("At most one acceptance per season across programs: someone already accepted by another "
                       "cohort of the same season may not apply."))
    return texts


def _reasons(application: Application) -> list[str]:
    cohort, applicant = application.cohort, application.applicant
    program = cohort.program
    reasons = []
    answers = dict(ScreeningAnswer.objects.filter(cohort=cohort, applicant=applicant).values_list("question_id", "value"))
    questions = list(program.screening_questions.all())
    unanswered = [q.prompt for q in questions if q.pk not in answers]
    if unanswered:
        raise ValidationError(_("Answer the eligibility questions first: %(questions)s")
                              % {"questions": "; ".join(unanswered)}, code="screening_unanswered")
    for question in questions:
        if not question.passes(answers[question.pk]):
            reasons.append(question.reason)
    rules = rules_for(program)
    if rules.no_past_completers and any(provider(applicant, program) for provider in _completion_providers):
        reasons.append(_("You completed this program before: it is open to people who have not."))
    if rules.one_acceptance_per_season and cohort.season:
        other = (Application.objects.filter(applicant=applicant, status=Application.Status.ACCEPTED,
                                            cohort__season=cohort.season).exclude(cohort=cohort)
                 .select_related("cohort__program").first())
        if other is not None:
            reasons.append(_("You were already accepted this season (%(cohort)s): one acceptance per season.")
                           % {"cohort": other.cohort})
    return reasons


def screen(*, application: Application) -> list[str]:
    """The reasons this submission is screened out ([] to go ahead); recorded for the coordinators.
    Call inside the submit's transaction; an override by a coordinator lets it through."""
    outcome = ScreeningOutcome.objects.select_for_update().filter(application=application).first()
    if outcome is not None and outcome.overridden_at is not None:
        return []
    reasons = _reasons(application)
    if reasons:
        ScreeningOutcome.objects.update_or_create(
            application=application, defaults={"reasons": reasons, "screened_at": timezone.now()})
    elif outcome is not None:
        outcome.delete()  # the answers changed: nothing to show any more
    return reasons


def screening_answers_save(*, applicant, cohort: Cohort, answers: dict[int, str]) -> None:
    questions = {q.pk: q for q in cohort.program.screening_questions.all()}
    if set(answers) - set(questions):
        raise ValidationError(_("An answer does not belong to this program's questions."))
    with transaction.atomic():
        for question_id, value in answers.items():
            ScreeningAnswer.objects.update_or_create(cohort=cohort, applicant=applicant, question_id=question_id,
                                                     defaults={"value": str(value)})


def screening_override(*, actor, outcome: ScreeningOutcome, note: str) -> ScreeningOutcome:
    if not is_coordinator(actor, outcome.application.cohort.program_id):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Say why you let this person through.")})
    with transaction.atomic():
        outcome = ScreeningOutcome.objects.select_for_update().get(pk=outcome.pk)
        outcome.overridden_by, outcome.overridden_at, outcome.override_note = actor, timezone.now(), note.strip()
        outcome.save(update_fields=["overridden_by", "overridden_at", "override_note"])
    return outcome


def eligibility_rules_save(*, actor, program: Program, no_past_completers: bool,
                           one_acceptance_per_season: bool) -> EligibilityRules:
    if not is_coordinator(actor, program.pk):
        raise PermissionDenied
    rules, _created = EligibilityRules.objects.update_or_create(program=program, defaults={
        "no_past_completers": no_past_completers, "one_acceptance_per_season": one_acceptance_per_season})
    return rules


def screening_question_add(*, actor, program: Program, data: dict) -> ScreeningQuestion:
    if not is_coordinator(actor, program.pk):
        raise PermissionDenied
    question = ScreeningQuestion(program=program, order=program.screening_questions.count(), **data)
    if question.kind == ScreeningQuestion.Kind.YES_NO and not question.expected:
        raise ValidationError({"expected": _("Say which answer is needed.")})
    if question.kind == ScreeningQuestion.Kind.NUMBER and question.minimum is None:
        raise ValidationError({"minimum": _("Say the smallest number allowed.")})
    question.full_clean()
    question.save()
    return question


def screening_question_remove(*, actor, question: ScreeningQuestion) -> None:
    if not is_coordinator(actor, question.program_id):
        raise PermissionDenied
    question.delete()
