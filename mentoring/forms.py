"""What people type in the mentoring pages. Services check permission and state; forms check the input."""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill
from accounts.widgets import TaxonomyMultipleChoiceField
from mentorship.fields import LocalDateTimeField

from .models import ActionItem, Agreement, CheckIn, Closure, EvaluationQuestion, Goal, Meeting, Role

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = list(Agreement.CONTENT_FIELDS)
        widgets = {
            "communication": forms.Textarea(attrs={"rows": 3}),
            "mentor_expectations": forms.Textarea(attrs={"rows": 3}),
            "mentee_expectations": forms.Textarea(attrs={"rows": 3}),
            "mentee_goals": forms.Textarea(attrs={"rows": 4}),
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "target_date", "status", "progress", "skills"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_date": DATE_INPUT,
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }
        field_classes = {"skills": TaxonomyMultipleChoiceField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Q(approved=True)
        if user is not None:
            visible |= Q(suggested_by=user)
        self.fields["skills"].queryset = Skill.objects.filter(visible).order_by("name")
        self.fields["skills"].required = False


class GoalCommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "duration_minutes", "location", "agenda"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"min": 5, "max": 480, "step": 5}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"starts_at": LocalDateTimeField}  # a clocks-change gap or repeat gets a plain message

    def __init__(self, *args, tz_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        # The browser sends a wall-clock time; the active time zone (the person's own) turns it into an instant.
        self.fields["starts_at"].label = _gettext("Starts at (your time zone: %(tz)s)") % {"tz": tz_name}
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MeetingNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Shared notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
        help_text=_("What you discussed and decided. Your mentorship partner and the coordinators can read these."),
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        label=_("My private notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
        help_text=_("Only you can ever read these: not your partner, not the coordinators."),
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner_role", "due_on"]
        widgets = {"due_on": DATE_INPUT}


class CheckInForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["progress", "blockers", "mood"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 3}),
            "mood": forms.RadioSelect,
        }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class EvaluationForm(forms.Form):
    """One field per question of the cohort (rating 1–5 or text)."""

    def __init__(self, *args, questions: list[EvaluationQuestion], ask_completion: bool = False,
                 extra_fields: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.extra_names = list(extra_fields or {})
        for question in questions:
            label = _gettext(question.prompt)
            help_text = _gettext(question.help_text) if question.help_text else ""
            if question.kind == EvaluationQuestion.Kind.RATING:
                self.fields[f"q_{question.key}"] = forms.TypedChoiceField(
                    label=label, help_text=help_text or _("1 = not at all, 5 = very much"), required=question.required,
                    choices=[(i, str(i)) for i in range(1, 6)], coerce=int, widget=forms.RadioSelect,
                )
            else:
                self.fields[f"q_{question.key}"] = forms.CharField(
                    label=label, help_text=help_text, required=question.required, max_length=10000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        if ask_completion:
            self.fields["mentee_completed"] = forms.ChoiceField(
                label=_("Did the mentee complete the program?"), choices=YES_NO, widget=forms.RadioSelect,
            )
        self.fields.update(extra_fields or {})  # asked by other apps (mentoring.hooks), e.g. a payment recommendation

    def extra(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.extra_names}

    def answers(self) -> dict:
        return {q.key: self.cleaned_data.get(f"q_{q.key}") for q in self.questions}

    def mentee_completed(self):
        value = self.cleaned_data.get("mentee_completed")
        return None if value is None else value == "yes"


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["achieved", "do_differently", "thank_you", "list_as_alumni"]
        widgets = {
            "achieved": forms.Textarea(attrs={"rows": 4}),
            "do_differently": forms.Textarea(attrs={"rows": 3}),
            "thank_you": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "thank_you": _("Delivered to the other person when you have both closed."),
        }

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        if role != Role.MENTEE:
            del self.fields["list_as_alumni"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class ExtensionForm(forms.Form):
    new_ends_on = forms.DateField(label=_("New end date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Why more time?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DatesForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The end must not be before the start."))
        return cleaned


class EarlyEndDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("confirm", _("Confirm: end the mentorship now")), ("decline", _("Decline: the mentorship continues"))],
    )
    note = forms.CharField(label=_("Note to the pair (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
