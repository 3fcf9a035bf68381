from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, Graduation, Milestone, PartnershipTerm, PlanItem, SupportPlan


class PackageForm(forms.ModelForm):
    class Meta:
        model = SupportPlan
        fields = ["repository_url", "registry_name", "documentation_url"]


class PlanItemForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=PlanItem.Area.choices)
    title = forms.CharField(label=_("What to do"), max_length=200)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "held_on", "place", "link", "audience", "materials_url"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("place") and not cleaned.get("link"):
            self.add_error("place", _("Give the place or a link."))
        return cleaned


class ActivityReviewForm(forms.Form):
    activity = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return for changes"))])
    note = forms.CharField(label=_("Note for the ambassador"), max_length=500, required=False)


class TermForm(forms.ModelForm):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)

    class Meta:
        model = PartnershipTerm
        fields = ["organization", "starts_on", "renews_on", "we_offer", "they_offer"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "renews_on": forms.DateInput(attrs={"type": "date"}),
                   "we_offer": forms.Textarea(attrs={"rows": 3}), "they_offer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("renews_on") and cleaned["renews_on"] <= cleaned["starts_on"]:
            self.add_error("renews_on", _("The renewal date must be after the start."))
        return cleaned

    def validate_unique(self):
        pass  # the service updates the existing agreement of the same organization


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["stage", "title", "target_date"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"})}


class EvidenceForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    evidence_url = forms.URLField(label=_("Evidence link"), help_text=_("A release, a pull request, a demo."))


class GraduationForm(forms.ModelForm):
    class Meta:
        model = Graduation
        fields = ["decision", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
