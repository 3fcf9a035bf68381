"""Coordinators set up a cohort's mentorships: the settings and the evaluation questions of each round."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programs import selectors as program_selectors
from programs.setup_forms import saved

from ..models import Direction, EvaluationQuestion, Stage, cohort_settings
from ..services import setup as setup_services
from ..services.evaluations import DEFAULT_QUESTIONS
from ..setup_forms import EvaluationQuestionForm, MentoringSettingsForm


def setup_sections(cohort) -> list[dict]:
    """The mentoring lines of the cohort's set-up page (programs.views.setup.COHORT_SETUP_SECTIONS)."""
    return [
        {"title": _("Mentoring settings"), "url": reverse("mentoring:setup_mentoring", args=[cohort.pk]),
         "summary": _("Lengths, evaluation windows, check-ins and extensions")},
        {"title": _("Evaluation questions"), "url": reverse("mentoring:setup_evaluations", args=[cohort.pk]),
         "summary": _("The questions of each evaluation round, for mentors and for mentees")},
    ]


def default_questions(cohort, stage, direction) -> list[EvaluationQuestion]:
    """The questions a round asks until the cohort writes its own (unsaved rows, no query)."""
    return [EvaluationQuestion(cohort=cohort, stage=stage, direction=direction, kind=kind, prompt=prompt, order=i)
            for i, (kind, prompt) in enumerate(DEFAULT_QUESTIONS.get((stage, direction), []))]


@login_required
@require_http_methods(["GET", "POST"])
def mentoring_settings(request, cohort_pk):
    cohort = program_selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = MentoringSettingsForm(request.POST or None, instance=cohort_settings(cohort))
    if saved(request, form, lambda: setup_services.mentoring_settings_save(actor=request.user, cohort=cohort,
                                                                           data=form.cleaned_data)):
        messages.success(request, _("The mentoring settings are saved."))
        return redirect("programs:cohort_setup", cohort_pk=cohort.pk)
    return render(request, "mentoring/setup/settings.html", {"cohort": cohort, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request, cohort_pk):
    """Every round and direction with its questions; POST adds a question to one of them."""
    cohort = program_selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form, target = None, None
    if request.method == "POST":
        stage, direction = request.POST.get("stage", ""), request.POST.get("direction", "")
        if stage not in Stage.values or direction not in Direction.values:
            raise Http404
        target, form = (stage, direction), EvaluationQuestionForm(request.POST)
        if saved(request, form, lambda: setup_services.evaluation_question_add(
                actor=request.user, cohort=cohort, stage=stage, direction=direction, data=form.cleaned_data)):
            messages.success(request, _("The question is added."))
            return redirect("mentoring:setup_evaluations", cohort_pk=cohort.pk)
    stored = {}
    for question in EvaluationQuestion.objects.filter(cohort=cohort).annotate(answer_count=Count("answers")):
        stored.setdefault((question.stage, question.direction), []).append(question)
    rounds = []
    for stage in Stage:
        directions = []
        for direction in Direction:
            key = (stage.value, direction.value)
            questions = stored.get(key)
            directions.append({
                "stage": stage, "direction": direction, "defaults": questions is None,
                "questions": questions or default_questions(cohort, stage, direction),
                "form": form if target == key else EvaluationQuestionForm(auto_id=f"id_{stage}_{direction}_%s"),
            })
        rounds.append({"stage": stage, "directions": directions})
    return render(request, "mentoring/setup/evaluations.html", {"cohort": cohort, "rounds": rounds},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_question_edit(request, cohort_pk, question_pk):
    cohort = program_selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    question = EvaluationQuestion.objects.filter(cohort=cohort, pk=question_pk).first()
    if question is None:
        raise Http404
    question.cohort = cohort
    form = EvaluationQuestionForm(request.POST or None, instance=question)
    if request.method == "POST":
        if "delete" in request.POST:
            setup_services.evaluation_question_delete(actor=request.user, question=question)
            messages.success(request, _("The question is removed. Evaluations already written keep it."))
            return redirect("mentoring:setup_evaluations", cohort_pk=cohort.pk)
        if saved(request, form, lambda: setup_services.evaluation_question_save(actor=request.user, question=question,
                                                                                data=form.cleaned_data)):
            messages.success(request, _("The question is saved."))
            return redirect("mentoring:setup_evaluations", cohort_pk=cohort.pk)
    return render(request, "mentoring/setup/evaluation_question.html", {"cohort": cohort, "question": question,
                                                                        "form": form},
                  status=400 if form.errors else 200)
