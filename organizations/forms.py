from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .models import Organization, Project


class PeopleField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        emails = [e.strip().lower() for e in (value or "").replace(";", ",").split(",") if e.strip()]
        for email in emails:
            validate_email(email)
        known = set(get_user_model().objects.filter(email__in=emails).values_list("email", flat=True))
        unknown = [e for e in emails if e not in known]
        if unknown:
            raise forms.ValidationError(
                _("No account uses %(emails)s. Ask them to sign up first."), params={"emails": ", ".join(unknown)},
            )
        return emails


class OrganizationForm(forms.ModelForm):
    add_people = PeopleField(
        label=_("Add people who can edit it"), required=False,
        help_text=_("Email addresses of people with an account, separated by commas."),
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "country", "website", "contact_email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ProjectForm(forms.ModelForm):
    add_people = PeopleField(
        label=_("Add maintainers"), required=False,
        help_text=_("Email addresses of maintainers with an account, separated by commas."),
    )

    class Meta:
        model = Project
        fields = ["name", "repository_url", "license", "stage", "users_estimate", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
