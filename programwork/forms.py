from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanItem, SupportPlan


class PackageForm(forms.ModelForm):
    class Meta:
        model = SupportPlan
        fields = ["repository_url", "registry_name", "documentation_url"]


class PlanItemForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=PlanItem.Area.choices)
    title = forms.CharField(label=_("What to do"), max_length=200)
