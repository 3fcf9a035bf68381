"""Eligibility: coordinators set a program's rules and see who was screened out; applicants answer first."""
from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors
from ..models import ScreeningOutcome, ScreeningQuestion
from ..services import eligibility as eligibility_services
from ..setup_forms import add_service_errors


def _no_tag(form):
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.disable_csrf = True
    return form


class RulesForm(forms.Form):
    no_past_completers = forms.BooleanField(
        required=False, label=gettext_lazy("People who completed this program before may not apply"))
    one_acceptance_per_season = forms.BooleanField(
        required=False, label=gettext_lazy("At most one acceptance per season, across programs"))


class ScreeningQuestionForm(forms.ModelForm):
    class Meta:
        model = ScreeningQuestion
        fields = ["prompt", "kind", "expected", "minimum", "reason"]

    def _post_clean(self):
        pass  # the service checks the rule that goes with the kind and reports beside the field


class ScreeningAnswersForm(forms.Form):
    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == ScreeningQuestion.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(label=question.prompt, widget=forms.RadioSelect,
                                                      choices=[("yes", _("Yes")), ("no", _("No"))])
            else:
                self.fields[name] = forms.IntegerField(label=question.prompt, min_value=0, max_value=100000)
            self.fields[name].help_text = question.reason
            if question.pk in answers:
                self.initial[name] = answers[question.pk]

    def service_answers(self) -> dict:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


@login_required
@require_http_methods(["GET", "POST"])
def program_eligibility(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    rules = eligibility_services.rules_for(program)
    rules_form = _no_tag(RulesForm(initial={"no_past_completers": rules.no_past_completers,
                                            "one_acceptance_per_season": rules.one_acceptance_per_season}))
    question_form = _no_tag(ScreeningQuestionForm())
    if request.method == "POST":
        if "remove" in request.POST:
            question = program.screening_questions.filter(pk=request.POST.get("remove")).first()
            if question is None:
                raise Http404
            eligibility_services.screening_question_remove(actor=request.user, question=question)
            messages.success(request, _("The screening question is removed."))
            return redirect("programs:program_eligibility", slug=program.slug)
        if "rules" in request.POST:
            rules_form = _no_tag(RulesForm(request.POST))
            if rules_form.is_valid():
                eligibility_services.eligibility_rules_save(actor=request.user, program=program,
                                                            **rules_form.cleaned_data)
                messages.success(request, _("The eligibility rules are saved."))
                return redirect("programs:program_eligibility", slug=program.slug)
        else:
            question_form = _no_tag(ScreeningQuestionForm(request.POST))
            if question_form.is_valid():
                try:
                    eligibility_services.screening_question_add(actor=request.user, program=program,
                                                                data=question_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(question_form, exc)
                else:
                    messages.success(request, _("The screening question is added."))
                    return redirect("programs:program_eligibility", slug=program.slug)
    return render(request, "programs/eligibility/program.html", {
        "program": program, "rules_form": rules_form, "question_form": question_form,
        "questions": list(program.screening_questions.all()),
    }, status=400 if question_form.errors or rules_form.errors else 200)


@login_required
def cohort_screening(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    outcomes = list(ScreeningOutcome.objects.filter(application__cohort=cohort)
                    .select_related("application__applicant__profile", "overridden_by__profile"))
    return render(request, "programs/eligibility/screening.html", {"cohort": cohort, "outcomes": outcomes})


@login_required
@require_POST
def screening_override(request, cohort_pk, outcome_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    outcome = ScreeningOutcome.objects.select_related("application__cohort").filter(
        pk=outcome_pk, application__cohort=cohort).first()
    if outcome is None:
        raise Http404
    try:
        eligibility_services.screening_override(actor=request.user, outcome=outcome, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Overridden: %(name)s can now submit.")
                         % {"name": outcome.application.applicant.get_full_name()})
    return redirect("programs:cohort_screening", cohort_pk=cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def screening_answers(request, cohort_pk):
    """The applicant answers the program's screening questions before applying."""
    cohort = selectors.cohort_get_visible(user=request.user, pk=cohort_pk)
    questions = list(cohort.program.screening_questions.all())
    answers = dict(selectors.screening_answers_of(user=request.user, cohort=cohort))
    form = ScreeningAnswersForm(request.POST or None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        eligibility_services.screening_answers_save(applicant=request.user, cohort=cohort,
                                                    answers=form.service_answers())
        messages.success(request, _("Your answers are saved."))
        return redirect("programs:application_edit", cohort_pk=cohort.pk)
    return render(request, "programs/eligibility/answers.html", {
        "cohort": cohort, "form": form, "questions": questions,
        "rules": eligibility_services.rule_texts(eligibility_services.rules_for(cohort.program)),
    }, status=400 if form.errors else 200)
