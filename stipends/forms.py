"""What coordinators, site admins and mentees type about stipends."""
import moneyed
from django import forms
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _
from djmoney.forms.fields import MoneyField

from .models import DECIMAL_PLACES, MAX_DIGITS, Event, PaymentDetails, Recommendation, Sponsor

# Codes with a country that are not money to pay a person with: funds, units of account, metals, test codes.
NOT_PAYABLE = {"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XAG", "XAU", "XBA", "XBB", "XBC",
               "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}


def currency_choices(keep: str = "") -> list[tuple[str, str]]:
    """Currencies in use today (no historical, fund or test codes), named in the reader's language: “EUR · euro”.
    `keep` stays listed even if it is not one of them (a plan saved before)."""
    locale = to_locale(get_language() or "en")
    return sorted((c.code, f"{c.code} · {c.get_name(locale)}") for c in moneyed.list_all_currencies()
                  if (c.countries and c.code not in NOT_PAYABLE) or c.code == keep)


def _limit_currencies(field, keep=""):
    """The currencies offered, and a name for each of the two inputs (the legend names only their fieldset)."""
    choices = currency_choices(str(keep or ""))
    field.fields[1].choices = choices
    field.widget.widgets[1].choices = choices
    field.widget.widgets[0].attrs["aria-label"] = _("Amount")
    field.widget.widgets[1].attrs["aria-label"] = _("Currency")


class PlanForm(forms.Form):
    amount = MoneyField(label=_("Amount per mentee"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                        help_text=_("The currency's ISO 4217 code with the amount; used where the per-country table "
                                    "has no row for the mentee's country."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amount = self.initial.get("amount")
        _limit_currencies(self.fields["amount"], keep=getattr(amount, "currency", ""))
        for event, label in Event.choices:
            self.fields[f"percent_{event}"] = forms.IntegerField(
                label=_("%(event)s: share (%%)") % {"event": label}, min_value=0, max_value=100, required=False,
                help_text=_("Leave empty or 0 for no instalment at this event."),
            )

    def percents(self) -> dict:
        return {event: self.cleaned_data.get(f"percent_{event}") or 0 for event in Event.values}

    def clean(self):
        cleaned = super().clean()
        total = sum(cleaned.get(f"percent_{e}") or 0 for e in Event.values)
        if total != 100:
            raise forms.ValidationError(_("The instalments must add up to 100 %% (now %(total)s %%).") % {"total": total})
        return cleaned


class CountryTableForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("One line per country: the two-letter code and the amount, "
                                                            "for example “BR,900.00”. It replaces the whole table."))

    def text(self) -> str:
        raw = self.cleaned_data["file"].read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as UTF-8 text.")) from None


DECISIONS = [("approve", _("Approve")), ("hold", _("Hold"))]


class DecisionForm(forms.Form):
    instalments = forms.TypedMultipleChoiceField(label=_("Instalments"), coerce=int, choices=[],
                                                 error_messages={"required": _("Choose at least one instalment.")})
    action = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(label=_("Why it is held (the mentee reads it)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    apply_extensions = forms.BooleanField(
        label=_("When holding: apply the extensions the mentors recommended"), required=False, initial=True)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, instalment_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalments"].choices = [(i, str(i)) for i in instalment_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "hold" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the instalments are held: the mentee reads it."))
        return cleaned


class RecommendationUpdateForm(forms.Form):
    choice = forms.ChoiceField(label=_("Now that the extension has run"), widget=forms.RadioSelect, choices=[
        (Recommendation.Choice.PAY.value, Recommendation.Choice.PAY.label),
        (Recommendation.Choice.END.value, Recommendation.Choice.END.label),
    ])


class PaymentDetailsForm(forms.ModelForm):
    class Meta:
        model = PaymentDetails
        fields = ["legal_name", "country", "payment_notes"]
        widgets = {"payment_notes": forms.Textarea(attrs={"rows": 3}),
                   "country": forms.TextInput(attrs={"autocomplete": "country", "maxlength": 2})}

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()


class SponsorForm(forms.ModelForm):
    class Meta:
        model = Sponsor
        fields = ["organization", "contact_name", "contact_email", "pledged", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_currencies(self.fields["pledged"], keep=self.instance.pledged_currency if self.instance.pk else "")
