"""The mentee's application form: fixed fields, one field per cohort question, ranked mentors and a CV."""
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill
from accounts.widgets import TaxonomyMultipleChoiceField
from organizations.models import Organization, Project

from . import kinds
from .models import Application, ApplicationQuestion, QuestionKind

PDF_MAGIC = b"%PDF-"
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
PREFERENCE_FIELDS = ("preference_1", "preference_2", "preference_3")
PREFERENCE_LABELS = (_("First choice"), _("Second choice"), _("Third choice"))
NEEDED_TO_SUBMIT = _("Needed before you submit.")

# Labels that depend on who applies (kinds.section_for): an organization has no "mentorship" goals and no
# weekly hours of its own. Field -> (label, help text) per applicant type; a type not listed keeps the default.
LABELS_BY_APPLICANT = {
    kinds.ORGANIZATION: {
        "goals": (_("Goals of this collaboration"),
                  _("What your organization wants to achieve with the program, and how you will know it worked. "
                    "Needed before you submit.")),
        "skills_wanted": (_("Skills your organization wants to build"), _("Matching pairs you with mentors who have them.")),
    },
    kinds.PROJECT: {
        "goals": (_("Goals for your project"),
                  _("What your project wants to achieve during the program. Needed before you submit.")),
        "skills_wanted": (_("Skills your project needs"), _("Matching pairs your project with mentors who have them.")),
    },
    kinds.GROUP: {
        "goals": (_("Goals of your group"),
                  _("What your group wants to learn or build together. Needed before you submit.")),
        "hours_per_week": (_("Hours per week each member can give"), ""),
    },
}


def cv_max_bytes() -> int:
    return getattr(settings, "APPLICATION_CV_MAX_BYTES", 5 * 1024 * 1024)


def question_field_name(question: ApplicationQuestion) -> str:
    return f"question_{question.pk}"


def _help_text(question: ApplicationQuestion) -> str:
    parts = [question.help_text] if question.help_text else []
    if question.required:
        parts.append(str(NEEDED_TO_SUBMIT))
    return " ".join(parts)


def question_field(question: ApplicationQuestion) -> forms.Field:
    """A form field that validates an answer by the question's kind. Never required: saving a draft
    must work with answers missing; services.application_submit checks required answers."""
    common = {"label": question.prompt, "help_text": _help_text(question), "required": False}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=300, **common)
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=[(c, c) for c in question.choice_list()], widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choice_list()], widget=forms.CheckboxSelectMultiple, **common,
        )
    if kind == QuestionKind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=4, **common)
    return forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), **common)


def answer_to_text(question: ApplicationQuestion, value) -> str:
    """The cleaned value as the text an Answer stores."""
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return "\n".join(value)
    if question.kind == QuestionKind.NUMBER:
        return format(Decimal(value).normalize(), "f")
    return str(value).strip()


def answer_initial(question: ApplicationQuestion, text: str):
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return [line for line in text.splitlines() if line]
    return text


class ApplicationForm(forms.Form):
    """Nothing here is required: required answers are enforced on submit by the service, so a draft
    can be saved half done. Type errors (a bad link, a number that is not one) are reported."""

    goals = forms.CharField(
        label=_("Goals for this mentorship"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you want to learn or achieve. Needed before you submit."),
    )
    motivation = forms.CharField(
        label=_("Motivation"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this program, and why now?"),
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week you can give"), required=False, min_value=0, max_value=60)
    skills_wanted = TaxonomyMultipleChoiceField(
        label=_("Skills you want to learn"), queryset=Skill.objects.none(), required=False,
        help_text=_("Type to search. Starts from the interests on your profile."),
    )
    cv = forms.FileField(
        label=_("CV (PDF)"), required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    cv_clear = forms.BooleanField(label=_("Remove my current CV"), required=False)
    # Sections for applicants that are not one person; the program kind decides which are shown.
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False,
        help_text=_("Applying on behalf of this organization. Needed before you submit."),
    )
    offer = forms.CharField(
        label=_("What your organization offers"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants = forms.CharField(
        label=_("What you hope to get from the program"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_person = forms.CharField(label=_("Contact person"), required=False, max_length=160)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False,
        help_text=_("Applying on behalf of this project, as one of its maintainers. Needed before you submit."),
    )
    support_needed = forms.MultipleChoiceField(
        label=_("Support you need"), choices=kinds.SUPPORT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
    )
    group_members = forms.CharField(
        label=_("Group members"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Email addresses of the people in your group, one per line. We invite them when you submit."),
    )

    def __init__(self, *args, application: Application, questions, mentors, **kwargs):
        self.application = application
        self.questions = list(questions)
        self.mentors = {str(m.pk): m for m in mentors}
        super().__init__(*args, **kwargs)
        profile = application.applicant.profile
        # A new application is not in the database yet (opening the page writes nothing).
        saved = application.pk is not None
        self.fields["skills_wanted"].queryset = Skill.objects.filter(
            Q(approved=True) | Q(applications=application) if saved else Q(approved=True)
        ).distinct().order_by("name")
        self.fields["cv"].help_text = _("Optional. A PDF file of at most %(size)s.") % {"size": filesizeformat(cv_max_bytes())}
        if not application.cv:
            del self.fields["cv_clear"]

        self.section = kinds.section_for(application.cohort.program.kind)
        section_fields = set(self.section["fields"])
        for name in kinds.ALL_SECTION_FIELDS - section_fields:
            self.fields.pop(name, None)
        for name, (label, help_text) in LABELS_BY_APPLICANT.get(self.section["type"], {}).items():
            self.fields[name].label, self.fields[name].help_text = label, help_text
        if "cv" not in section_fields:
            self.fields.pop("cv_clear", None)
        user = application.applicant
        if "organization" in self.fields:
            self.fields["organization"].queryset = Organization.objects.filter(members=user)
        if "project" in self.fields:
            self.fields["project"].queryset = Project.objects.filter(maintainers=user)
        for name in ("organization", "project"):
            if name in self.fields:
                self.initial.setdefault(name, getattr(application, f"{name}_id"))
        for name in ("offer", "wants", "contact_person", "support_needed", "group_members"):
            if name in self.fields:
                self.initial.setdefault(name, getattr(application, name))

        answers = {a.question_id: a.value for a in application.answers.all()} if saved else {}
        for question in self.questions:
            name = question_field_name(question)
            self.fields[name] = question_field(question)
            self.initial.setdefault(name, answer_initial(question, answers.get(question.pk, "")))

        mentor_choices = [("", _("No preference"))] + [(pk, m.get_full_name()) for pk, m in self.mentors.items()]
        ranked = {p.rank: str(p.mentor_id) for p in application.preferences.all()} if saved else {}
        for rank, (name, label) in enumerate(zip(PREFERENCE_FIELDS, PREFERENCE_LABELS, strict=True), start=1):
            self.fields[name] = forms.ChoiceField(label=label, choices=mentor_choices, required=False)
            self.initial.setdefault(name, ranked.get(rank, ""))

        if saved:
            # Only what is stored: a box left empty stays empty, never showing profile text that was not saved.
            self.initial.setdefault("goals", application.goals)
            self.initial.setdefault("hours_per_week", application.hours_per_week)
            self.initial.setdefault("skills_wanted", [s.pk for s in application.skills_wanted.all()])
        else:
            # A new application starts from the profile; nothing is stored until Save draft or Submit.
            self.initial.setdefault("goals", profile.career_goals)
            self.initial.setdefault("hours_per_week", profile.hours_per_week)
            self.initial.setdefault("skills_wanted", [s.pk for s in profile.interests.all()])
        self.initial.setdefault("motivation", application.motivation)

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        about = Fieldset(_("Your goals"), "goals", "motivation")
        section = []
        for name in self.section["fields"]:
            if name == "cv":
                continue  # its own fieldset below
            elif name in ("organization", "project"):
                new_url = reverse(f"organizations:{name}_new") + "?next=" + reverse(
                    "programs:application_edit", args=[application.cohort_id]
                )
                section += [name, HTML('<p class="small"><a href="{}">{}</a></p>'.format(
                    new_url, _("Register a new one") if name == "organization" else _("Register a new project"),
                ))]
            else:
                section.append(name)
        parts = [about, Fieldset(self.section["title"], *section)]
        if self.questions:
            parts.append(Fieldset(_("Questions from the program"), *[question_field_name(q) for q in self.questions]))
        if self.mentors:
            parts.append(Fieldset(
                _("Mentors you would like to work with"),
                HTML('<p class="small text-body-secondary">{}</p>'.format(
                    _("Optional. Rank up to three mentors; the program tries to match you with one of them.")
                )),
                Row(*[Column(name, css_class="col-md-4") for name in PREFERENCE_FIELDS]),
            ))
        else:
            for name in PREFERENCE_FIELDS:
                del self.fields[name]
        if "cv" in self.fields:
            parts.append(Fieldset(_("CV"), "cv", *(["cv_clear"] if "cv_clear" in self.fields else [])))
        self.helper.layout = Layout(*parts)

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if not upload:
            return None
        if upload.size > cv_max_bytes():
            raise forms.ValidationError(
                _("The CV is too large: at most %(size)s, please.") % {"size": filesizeformat(cv_max_bytes())}
            )
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(_("This file is not a PDF. Please upload your CV as a PDF file."))
        return upload

    def clean_group_members(self):
        lines = [line.strip().lower() for line in self.cleaned_data.get("group_members", "").replace(",", "\n").splitlines()]
        emails = [line for line in lines if line]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(_("These are not email addresses: %(list)s") % {"list": ", ".join(bad)})
        if len(emails) > 20:
            raise forms.ValidationError(_("A group has at most 20 members."))
        return "\n".join(dict.fromkeys(emails))

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for name in PREFERENCE_FIELDS:
            if name not in self.fields:
                continue
            value = cleaned.get(name)
            if not value:
                continue
            if value in seen:
                self.add_error(
                    name,
                    _("You already chose %(mentor)s as your %(rank)s. Choose a different mentor for each rank.")
                    % {"mentor": self.mentors[value].get_full_name(), "rank": str(seen[value]).lower()},
                )
            else:
                seen[value] = self.fields[name].label
        return cleaned

    # --- what the service takes -----------------------------------------------------------
    # These read only the fields that validated, so that a draft keeps everything valid even
    # when another field has an error.

    def service_data(self) -> dict:
        cleaned = self.cleaned_data
        names = ("goals", "motivation", "hours_per_week", "skills_wanted", "organization", "offer", "wants",
                 "contact_person", "project", "support_needed", "group_members")
        data = {name: cleaned[name] for name in names if name in cleaned and name in self.fields}
        for name in ("goals", "motivation"):
            if name in data:
                data[name] = data[name].strip()
        if cleaned.get("cv"):
            data["cv"] = cleaned["cv"]
        elif cleaned.get("cv_clear"):
            data["cv_clear"] = True
        return data

    def service_answers(self) -> dict:
        return {
            q.pk: answer_to_text(q, self.cleaned_data[question_field_name(q)])
            for q in self.questions
            if question_field_name(q) in self.cleaned_data
        }

    def service_preferences(self) -> list:
        """Mentors in rank order (gaps closed up); the current ones when a choice has an error."""
        names = [n for n in PREFERENCE_FIELDS if n in self.fields]
        if any(n in self.errors for n in names):
            if self.application.pk is None:
                return []
            return [p.mentor for p in self.application.preferences.select_related("mentor")]
        return [self.mentors[self.cleaned_data[n]] for n in names if self.cleaned_data.get(n)]
