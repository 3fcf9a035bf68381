"""What applicants and coordinators type on the contribution pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.fields import LocalDateTimeField

from .models import ContributionPeriod, ContributionTask, Platform
from .urls_parse import parse_contribution_url, parse_repository_line

DATETIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ContributionPeriod
        fields = ["opens_at", "closes_at", "repositories", "instructions"]
        widgets = {
            "opens_at": forms.DateTimeInput(**DATETIME_WIDGET),
            "closes_at": forms.DateTimeInput(**DATETIME_WIDGET),
            "repositories": forms.Textarea(attrs={"rows": 4}),
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"opens_at": LocalDateTimeField, "closes_at": LocalDateTimeField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = DATETIME_FORMATS

    def clean_repositories(self):
        text = self.cleaned_data["repositories"]
        bad = [line.strip() for line in text.splitlines() if line.strip() and parse_repository_line(line) is None]
        if bad:
            raise forms.ValidationError(
                _("Not a GitHub or GitLab repository or organization: %(lines)s") % {"lines": ", ".join(bad[:3])})
        return text

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The contribution period must close after it opens."))
        return data


class TaskForm(forms.ModelForm):
    class Meta:
        model = ContributionTask
        fields = ["title", "description", "repository_url", "label", "places", "prerequisites"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "places": forms.NumberInput(attrs={"min": 1}),
                   "prerequisites": forms.CheckboxSelectMultiple}

    def __init__(self, *args, period=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prerequisites"].queryset = period.tasks.all() if period else ContributionTask.objects.none()

    def clean_repository_url(self):
        url = self.cleaned_data["repository_url"]
        if parse_repository_line(url) is None:
            raise forms.ValidationError(_("Give a GitHub or GitLab repository address."))
        return url

    def clean_places(self):
        places = self.cleaned_data["places"]
        if places < 1:
            raise forms.ValidationError(_("At least one applicant must be able to take the task."))
        return places


class ContributionForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the contribution"), max_length=400, assume_scheme="https",
        help_text=_("A pull or merge request, an issue, a commit or a review on GitHub or GitLab, "
                    "e.g. https://github.com/numpy/numpy/pull/123"),
    )
    note = forms.CharField(label=_("What you learned"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_url(self):
        url = self.cleaned_data["url"]
        if parse_contribution_url(url) is None:
            raise forms.ValidationError(_("Give the address of a pull or merge request, an issue, a commit or a review "
                                          "on GitHub or GitLab."))
        return url


class LinkForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    username = forms.RegexField(label=_("Your username there"), max_length=100, regex=r"^@?[A-Za-z0-9][A-Za-z0-9_.-]*$",
                                error_messages={"invalid": _("Letters, digits, dashes, dots and underscores only.")})


class ProofForm(forms.Form):
    proof_url = forms.URLField(label=_("Address of your public gist or snippet"), max_length=300, assume_scheme="https")
