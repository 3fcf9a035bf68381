"""What a coordinator types when setting up a cohort (services.setup does the checking and the writing)."""
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mentorship.fields import LocalDateTimeField
from mentorship.forms import add_service_errors

from .models import ApplicationQuestion, Cohort, ReviewCriterion

DATETIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class _Crispy:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CohortForm(_Crispy, forms.ModelForm):
    """A new empty cohort, or a cohort's name, limits and dates."""

    class Meta:
        model = Cohort
        fields = ["name", "season", "rolling", "max_mentees", "max_applications_per_season",
                  "applications_open_at", "applications_close_at", "review_deadline",
                  "starts_on", "ends_on", "midpoint_evaluation_due", "final_evaluation_due"]
        field_classes = {f: LocalDateTimeField for f in ("applications_open_at", "applications_close_at", "review_deadline")}
        widgets = {
            **{f: forms.DateTimeInput(**DATETIME_WIDGET) for f in ("applications_open_at", "applications_close_at",
                                                                   "review_deadline")},
            **{f: forms.DateInput(**DATE_WIDGET) for f in ("starts_on", "ends_on", "midpoint_evaluation_due",
                                                          "final_evaluation_due")},
        }

    def __init__(self, *args, tz_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("applications_open_at", "applications_close_at", "review_deadline"):
            self.fields[name].input_formats = DATETIME_FORMATS
            self.fields[name].help_text = _("In your time zone (%(tz)s).") % {"tz": tz_name}
        self._helper()

    def _post_clean(self):
        # The service validates the whole cohort (model clean included) and reports beside the fields.
        pass


class CohortCopyForm(_Crispy, forms.Form):
    source = forms.ModelChoiceField(label=_("Copy"), queryset=Cohort.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Name of the new cohort"), max_length=120,
                           help_text=_("For example “2026 Term 3” or “Spring 2027”."))
    season = forms.CharField(label=_("Season"), max_length=40, required=False,
                             help_text=_("Cohorts that share a season share the per-applicant application limit."))
    applications_open_at = LocalDateTimeField(
        label=_("Applications open"), input_formats=DATETIME_FORMATS, widget=forms.DateTimeInput(**DATETIME_WIDGET),
        help_text=_("Every other date moves by as much as this one: closing, review, start, evaluations and end."),
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = cohorts
        self._helper()


class QuestionForm(_Crispy, forms.ModelForm):
    class Meta:
        model = ApplicationQuestion
        fields = ["prompt", "help_text", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()

    def _post_clean(self):
        pass


class CriterionForm(_Crispy, forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["name", "description", "weight"]
        widgets = {"weight": forms.NumberInput(attrs={"min": 0, "max": 99, "step": "0.5"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()

    def _post_clean(self):
        pass



def saved(request, form, call) -> bool:
    """On a valid POST, run the service `call()`; its ValidationError is shown beside the fields. True when done."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True
