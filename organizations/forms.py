from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import Language

from .models import Organization, Project


class PeopleField(forms.CharField):
    """Email addresses, separated by commas or new lines. Whether they have an account is never checked
    here: everyone named gets an invitation, and the page answers the same for all."""

    def clean(self, value):
        value = super().clean(value)
        emails = [e.strip().lower() for e in (value or "").replace(";", ",").replace("\n", ",").split(",") if e.strip()]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(_("These are not email addresses: %(list)s"), params={"list": ", ".join(bad)})
        if len(emails) > 20:
            raise forms.ValidationError(_("Invite at most 20 people at a time."))
        return list(dict.fromkeys(emails))


class OrganizationForm(forms.ModelForm):
    add_people = PeopleField(
        label=_("Invite people who can edit it"), required=False,
        help_text=_("Email addresses, separated by commas. Each gets an invitation and joins by accepting it."),
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "country", "website", "contact_email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ProjectForm(forms.ModelForm):
    add_people = PeopleField(
        label=_("Invite maintainers"), required=False,
        help_text=_("Email addresses, separated by commas. Each gets an invitation and joins by accepting it."),
    )

    class Meta:
        model = Project
        fields = ["name", "repository_url", "license", "stage", "users_estimate", "languages", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = Language.objects.order_by("name")
        self.fields["languages"].help_text = _("The languages its maintainers and users work in (matching uses them).")


class InviteForm(forms.Form):
    emails = PeopleField(
        label=_("Email addresses"), help_text=_("Separated by commas. Each gets an invitation and joins by accepting it."),
    )


class MemberChoiceForm(forms.Form):
    """A member of the target, chosen by id among its people (for remove and transfer)."""

    member = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["member"].choices = [(p.pk, p.profile.name) for p in people]

    def person(self):
        return self.people[self.cleaned_data["member"]]
