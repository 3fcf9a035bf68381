from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, PlanItem, SupportPlan


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
