from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import Scope
from .services import EXPIRY_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “roster sync”."))
    scope = forms.ChoiceField(
        label=_("Scope"), choices=Scope.choices, initial=Scope.READ, widget=forms.RadioSelect,
        help_text=_("Read: see what you can see on the site. Read and write: also submit, withdraw and decide."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=90,
        choices=[(days, ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days}) for days in EXPIRY_DAYS],
    )
