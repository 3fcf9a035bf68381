from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Language, Profile, Skill
from .validators import normalise_orcid
from .widgets import TaxonomyChoiceField, TaxonomyMultipleChoiceField, TimeZoneField

SKILLS_LABEL = _("Skills: what you know and could teach")
SKILLS_HELP = _("Topics you are good at. Mentors are matched on these; mentees show them on their profile.")
INTERESTS_LABEL = _("Interests: what you want to learn")
INTERESTS_HELP = _("Topics you want to learn or work on. Programs use these to find you a mentor.")


class ProfileForm(forms.ModelForm):
    email_language = forms.ChoiceField(
        label=_("Language for emails"), choices=settings.LANGUAGES, required=False,
    )
    suggested_skills = forms.CharField(
        label=_("Suggest skills that are missing"), required=False, max_length=300,
        help_text=_("Separate them with commas. They are added to your skills and reviewed by an admin."),
    )

    timezone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Type a city or region to search, such as La Paz or Madrid."),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name", "pronouns", "bio", "country", "timezone", "languages",
            "is_mentee", "is_mentor", "skills", "interests", "career_goals", "hours_per_week",
            "mentor_capacity", "open_to_mentoring", "github_url", "orcid", "website", "linkedin_url",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "career_goals": forms.Textarea(attrs={"rows": 3}),
            "orcid": forms.TextInput(attrs={"placeholder": "0000-0002-1825-0097"}),
        }
        field_classes = {
            "languages": TaxonomyMultipleChoiceField,
            "skills": TaxonomyMultipleChoiceField,
            "interests": TaxonomyMultipleChoiceField,
        }
        labels = {"skills": SKILLS_LABEL, "interests": INTERESTS_LABEL}
        help_texts = {
            "skills": SKILLS_HELP,
            "interests": INTERESTS_HELP,
            "mentor_capacity": _("Only asked of mentors."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["email_language"].initial = user.language or settings.LANGUAGE_CODE
        visible_skills = Skill.objects.filter(Q(approved=True) | Q(suggested_by=user)).order_by("name")
        self.fields["skills"].queryset = visible_skills
        self.fields["interests"].queryset = visible_skills
        self.fields["languages"].queryset = Language.objects.order_by("name")
        self.fields["mentor_capacity"].required = False
        if not self.is_bound and self.instance.timezone == Profile._meta.get_field("timezone").default:
            # A profile still on the default zone: the browser's zone is preselected (widgets.js), and said so.
            self.fields["timezone"].widget.attrs["data-guess-browser"] = "true"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form tag carries the token
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                Row(Column("display_name", css_class="col-md-8"), Column("pronouns", css_class="col-md-4")),
                "bio",
                Row(Column("country", css_class="col-md-6"), Column("timezone", css_class="col-md-6")),
                Row(Column("email_language", css_class="col-md-6"), Column("hours_per_week", css_class="col-md-6")),
                "languages",
            ),
            Fieldset(
                _("Mentoring"),
                Row(Column("is_mentee", css_class="col-md-6"), Column("is_mentor", css_class="col-md-6")),
                "career_goals",
                "interests",
                "skills",
                "suggested_skills",
            ),
            Fieldset(
                _("If you mentor"),
                Row(Column("mentor_capacity", css_class="col-md-6"), Column("open_to_mentoring", css_class="col-md-6")),
                css_id="mentor-only", data_shown_by="id_is_mentor",
            ),
            Fieldset(
                _("Links"),
                Row(Column("github_url", css_class="col-md-6"), Column("orcid", css_class="col-md-6")),
                Row(Column("website", css_class="col-md-6"), Column("linkedin_url", css_class="col-md-6")),
            ),
        )

    def clean_orcid(self):
        value = self.cleaned_data.get("orcid", "")
        return normalise_orcid(value) if value else ""

    def clean_mentor_capacity(self):
        """Asked only of mentors: a mentee's empty answer keeps what is stored."""
        value = self.cleaned_data.get("mentor_capacity")
        if value is not None:
            return value
        if self.cleaned_data.get("is_mentor"):
            raise forms.ValidationError(_("Say how many mentees you can take at once (1 or more)."))
        return self.instance.mentor_capacity

    def clean_suggested_skills(self):
        raw = self.cleaned_data.get("suggested_skills", "")
        names = [" ".join(part.split()) for part in raw.split(",")]
        names = [n for n in names if n]
        if any(len(n) > 80 for n in names):
            raise forms.ValidationError(_("Each skill name must be at most 80 characters."))
        if len(names) > 10:
            raise forms.ValidationError(_("Suggest at most 10 skills at a time."))
        return names

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_to_mentoring") and not cleaned.get("is_mentor"):
            self.add_error("open_to_mentoring", _("Tick “I want to mentor” to be listed in the directory."))
        if not cleaned.get("is_mentor") and not cleaned.get("is_mentee"):
            self.add_error("is_mentee", _("Choose at least one role: mentee, mentor or both."))
        return cleaned


def submit_button(label, extra_class=""):
    """A submit button without a name (crispy's Submit renders name="", which is invalid HTML)."""
    return HTML(format_html('<button type="submit" class="btn btn-primary {}">{}</button>', extra_class, label))


UTC_OFFSET_CHOICES = [("", _("any"))] + [(str(h), f"UTC{h:+d}") for h in range(-12, 15)]


class MentorFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or keyword"), required=False, max_length=100)
    skill = TaxonomyChoiceField(
        label=_("Skill"), queryset=Skill.objects.approved(), required=False, empty_label=_("any skill"),
    )
    language = TaxonomyChoiceField(
        label=_("Language"), queryset=Language.objects.all(), required=False, empty_label=_("any language"),
    )
    tz_min = forms.TypedChoiceField(
        label=_("Time zone from"), choices=UTC_OFFSET_CHOICES, coerce=int, required=False, empty_value=None,
    )
    tz_max = forms.TypedChoiceField(
        label=_("Time zone to"), choices=UTC_OFFSET_CHOICES, coerce=int, required=False, empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"), Column("skill", css_class="col-md-3"),
                Column("language", css_class="col-md-2"), Column("tz_min", css_class="col-6 col-md-1"),
                Column("tz_max", css_class="col-6 col-md-1"),
                Column(submit_button(_("Search"), "mt-md-4"), css_class="col-md-1"),
            )
        )

    def clean(self):
        cleaned = super().clean()
        lo, hi = cleaned.get("tz_min"), cleaned.get("tz_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("tz_max", _("“To” must not be before “from”."))
        return cleaned
