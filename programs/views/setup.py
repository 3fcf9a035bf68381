"""Coordinators set up cohorts in the product: create or copy, dates, open/close now, questions, rubric.

Parse, call services.setup, render or redirect; GET never writes. Apps above programs add their own
set-up sections (mentoring settings, evaluation questions, matching defaults) to the cohort's set-up
page through COHORT_SETUP_SECTIONS.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors
from ..models import Cohort, Phase
from ..services import setup as setup_services
from ..setup_forms import CohortCopyForm, CohortForm, CriterionForm, QuestionForm, add_service_errors, saved

# Sections that apps above programs add to a cohort's set-up page: `provide(cohort)` returns one
# {"title", "url", "summary"}, a list of them, or None.
COHORT_SETUP_SECTIONS: list = []


def setup_sections(cohort) -> list[dict]:
    sections = []
    for provide in COHORT_SETUP_SECTIONS:
        found = provide(cohort)
        sections.extend(found if isinstance(found, list) else [found] if found else [])
    return sections

WINDOW_ACTIONS = {"open": True, "close": False}


def _tz_name() -> str:
    return timezone.get_current_timezone_name()


@login_required
def program_setup(request, slug):
    """A program's cohorts, with "copy the latest" and "start an empty cohort"."""
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    cohorts = list(program.cohorts.with_phase().order_by("-applications_open_at"))
    return render(request, "programs/setup/program.html", {
        "program": program, "cohorts": cohorts,
        "copy_form": CohortCopyForm(cohorts=program.cohorts.order_by("-applications_open_at"),
                                    initial={"source": cohorts[0].pk} if cohorts else None),
        "create_form": CohortForm(tz_name=_tz_name()),
    })


@login_required
@require_POST
def cohort_copy(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    form = CohortCopyForm(request.POST, cohorts=program.cohorts.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            cohort = setup_services.cohort_copy(
                actor=request.user, source=data["source"], name=data["name"], season=data["season"],
                applications_open_at=data["applications_open_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is ready, with the questions, rubric and settings of “%(source)s”. "
                                        "Check its dates below.") % {"name": cohort.name, "source": data["source"].name})
            return redirect("programs:cohort_dates", cohort_pk=cohort.pk)
    return render(request, "programs/setup/program.html", {
        "program": program, "cohorts": list(program.cohorts.with_phase().order_by("-applications_open_at")),
        "copy_form": form, "create_form": CohortForm(tz_name=_tz_name()),
    }, status=400)


@login_required
@require_POST
def cohort_create(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    form = CohortForm(request.POST, tz_name=_tz_name())
    if form.is_valid():
        try:
            cohort = setup_services.cohort_create(actor=request.user, program=program, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is created. Add its questions and rubric next.") % {"name": cohort.name})
            return redirect("programs:cohort_setup", cohort_pk=cohort.pk)
    return render(request, "programs/setup/program.html", {
        "program": program, "cohorts": list(program.cohorts.with_phase().order_by("-applications_open_at")),
        "copy_form": CohortCopyForm(cohorts=program.cohorts.order_by("-applications_open_at")), "create_form": form,
    }, status=400)


@login_required
def cohort_setup(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    phase = cohort.phase
    return render(request, "programs/setup/cohort.html", {
        "cohort": cohort,
        "phase": Phase(phase),
        "accepting": phase == Phase.ACCEPTING,
        "question_count": cohort.questions.count(),
        "criteria": list(cohort.criteria.all()),
        "sections": setup_sections(cohort),
    })


@login_required
@require_http_methods(["GET", "POST"])
def cohort_dates(request, cohort_pk):
    """The dates and limits. "Show the phase" previews the phase the cohort would be in, without saving."""
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = CohortForm(request.POST or None, instance=cohort, tz_name=_tz_name())
    preview_phase = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview, phase = setup_services.cohort_dates_preview(cohort, form.cleaned_data)
            try:
                preview.full_clean(exclude=["program"], validate_unique=False)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                preview_phase = Phase(phase)
        else:
            try:
                setup_services.cohort_update(actor=request.user, cohort=cohort, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The dates are saved."))
                return redirect("programs:cohort_setup", cohort_pk=cohort.pk)
    return render(request, "programs/setup/dates.html", {
        "cohort": cohort, "form": form, "phase": Phase(cohort.phase), "preview_phase": preview_phase,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def applications_window(request, cohort_pk, action):
    """GET: what opening (or closing) now would change. POST: do it."""
    if action not in WINDOW_ACTIONS:
        raise Http404
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    open_now = WINDOW_ACTIONS[action]
    if request.method == "POST":
        try:
            setup_services.applications_window_set(actor=request.user, cohort=cohort, open_now=open_now)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Applications are open.") if open_now else _("Applications are closed."))
        return redirect("programs:cohort_setup", cohort_pk=cohort.pk)
    try:
        changes = setup_services.applications_window_plan(cohort, open_now=open_now)
    except ValidationError as exc:
        changes, refusal = [], " ".join(exc.messages)
    else:
        refusal = ""
    labels = {f.name: f.verbose_name for f in Cohort._meta.fields}
    return render(request, "programs/setup/window.html", {
        "cohort": cohort, "action": action, "open_now": open_now, "refusal": refusal,
        "changes": [{"label": labels[c.field], "before": c.before, "after": c.after, "field": c.field} for c in changes],
    })


# --- Questions -----------------------------------------------------------------------


def _question_get(user, cohort_pk, question_pk):
    cohort = selectors.cohort_get_for_coordinator(user=user, pk=cohort_pk)
    question = cohort.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404
    question.cohort = cohort
    return cohort, question


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = QuestionForm(request.POST or None)
    if saved(request, form, lambda: setup_services.question_save(actor=request.user, cohort=cohort,
                                                                 data=form.cleaned_data)):
        messages.success(request, _("The question is added."))
        return redirect("programs:setup_questions", cohort_pk=cohort.pk)
    return render(request, "programs/setup/questions.html", {
        "cohort": cohort, "questions": list(selectors.questions_with_answer_counts(cohort)), "form": form,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, cohort_pk, question_pk):
    cohort, question = _question_get(request.user, cohort_pk, question_pk)
    form = QuestionForm(request.POST or None, instance=question)
    if saved(request, form, lambda: setup_services.question_save(actor=request.user, cohort=cohort, question=question,
                                                                 data=form.cleaned_data)):
        messages.success(request, _("The question is saved. Answers already given keep the wording they answered."))
        return redirect("programs:setup_questions", cohort_pk=cohort.pk)
    return render(request, "programs/setup/question_edit.html", {
        "cohort": cohort, "question": question, "form": form, "answer_count": question.answers.count(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def question_delete(request, cohort_pk, question_pk):
    cohort, question = _question_get(request.user, cohort_pk, question_pk)
    setup_services.question_delete(actor=request.user, question=question)
    messages.success(request, _("The question is removed. Answers already given stay with their applications."))
    return redirect("programs:setup_questions", cohort_pk=cohort.pk)


@login_required
@require_POST
def question_move(request, cohort_pk, question_pk):
    cohort, question = _question_get(request.user, cohort_pk, question_pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is not None:
        setup_services.question_move(actor=request.user, question=question, step=step)
    return redirect("programs:setup_questions", cohort_pk=cohort.pk)


# --- Rubric --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = CriterionForm(request.POST or None)
    if saved(request, form, lambda: setup_services.criterion_save(actor=request.user, cohort=cohort,
                                                                  data=form.cleaned_data)):
        messages.success(request, _("The criterion is added."))
        return redirect("programs:setup_rubric", cohort_pk=cohort.pk)
    criteria = list(cohort.criteria.all())
    return render(request, "programs/setup/rubric.html", {
        "cohort": cohort, "criteria": criteria, "form": form, "locked": setup_services.rubric_locked(cohort),
        "weight_total": sum(c.weight for c in criteria),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, cohort_pk, criterion_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    criterion = cohort.criteria.filter(pk=criterion_pk).first()
    if criterion is None:
        raise Http404
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            if "delete" in request.POST:
                setup_services.criterion_delete(actor=request.user, criterion=criterion)
                messages.success(request, _("The criterion is removed."))
            else:
                setup_services.criterion_save(actor=request.user, cohort=cohort, criterion=criterion,
                                              data=form.cleaned_data)
                messages.success(request, _("The criterion is saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("programs:setup_rubric", cohort_pk=cohort.pk)
    return render(request, "programs/setup/criterion_edit.html", {
        "cohort": cohort, "criterion": criterion, "form": form, "locked": setup_services.rubric_locked(cohort),
    }, status=400 if form.errors else 200)
