from django import forms
from django.utils.translation import gettext_lazy as _

from .history import SOURCE_CHOICES


class DeleteAccountForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Type your email address to confirm"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=[("", _("Everything"))] + SOURCE_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)
