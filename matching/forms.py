"""What a coordinator types on the matching pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MatchingSettings, PairRule
from .services.config import EDITABLE


class MatchingSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = list(EDITABLE)
        widgets = {
            "mode": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "objective": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "require_shared_language": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            if name.startswith("weight_"):
                self.fields[name].widget.attrs.update({"min": 0, "max": 100, "class": "form-control form-control-sm"})
        self.fields["weight_evidence"].required = False
        self.fields["min_score"].widget.attrs.update({"min": 0, "max": 100, "class": "form-control form-control-sm"})
        self.fields["top_k"].widget.attrs.update({"min": 5, "max": 500, "class": "form-control form-control-sm"})

    def clean_weight_evidence(self):
        # Optional: it only counts in cohorts with verified contributions; left empty it keeps the current weight.
        value = self.cleaned_data.get("weight_evidence")
        return self.instance.weight_evidence if value is None else value

    @property
    def weight_fields(self):
        return [self[name] for name in EDITABLE if name.startswith("weight_")]

    def clean(self):
        data = super().clean()
        core = ("weight_skills", "weight_interests", "weight_text", "weight_timezone", "weight_availability")
        if all(name in data for name in core) and not any(data[name] for name in core):
            raise forms.ValidationError(
                _("Give at least one of skills, interests, goals, time zone or hours a weight above 0."),
            )
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE}


class SwapForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.BooleanField(
        label=_("Keep this pair when the matching runs again (lock it)"), required=False, initial=True,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class HandPairForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=PairRule.Kind.choices)


class ConfirmForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(coerce=int, required=False)
    all = forms.BooleanField(required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, proposal_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(pk, pk) for pk in proposal_ids]

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("proposals"):
            raise forms.ValidationError(_("Select at least one pair to confirm, or confirm all."))
        return data
