from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MentorshipRequest


class RequestForm(forms.ModelForm):
    cohort = forms.ChoiceField(label=_("Program"))
    field_order = ["cohort", "about_me", "experience", "learning_goals", "why_you", "hours_per_week"]

    class Meta:
        model = MentorshipRequest
        fields = ["about_me", "experience", "learning_goals", "why_you", "hours_per_week"]
        help_texts = {
            "about_me": _("Introduce yourself: where you are in your studies or career."),
            "experience": _("Projects, courses or work you have done that relate to what you want to learn."),
            "learning_goals": _("Be specific: a skill, a project, a decision you face."),
            "why_you": _("What in this mentor's experience makes them the right person for you?"),
            "hours_per_week": _("Be realistic: mentors plan their time around it."),
        }
        widgets = {
            "about_me": forms.Textarea(attrs={"rows": 3}),
            "experience": forms.Textarea(attrs={"rows": 3}),
            "learning_goals": forms.Textarea(attrs={"rows": 3}),
            "why_you": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = {str(e.cohort_id): e for e in enrollments}
        self.fields["cohort"].choices = [(str(e.cohort_id), f"{e.cohort.program.name} · {e.cohort.name}") for e in enrollments]
        if len(enrollments) == 1:
            self.fields["cohort"].widget = forms.HiddenInput()
            self.fields["cohort"].initial = str(enrollments[0].cohort_id)
        self.fields["hours_per_week"].min_value = 1
        self.fields["hours_per_week"].widget.attrs.update({"min": 1, "max": 40})

    def clean_hours_per_week(self):
        hours = self.cleaned_data["hours_per_week"]
        if not 1 <= hours <= 40:
            raise forms.ValidationError(_("Between 1 and 40 hours a week."))
        return hours

    def selected_enrollment(self):
        return self.enrollments[self.cleaned_data["cohort"]]


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the mentee (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggested_mentor = forms.ChoiceField(label=_("Suggest another mentor (optional)"), required=False)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = {str(e.mentor_id): e.mentor for e in suggestions}
        self.fields["suggested_mentor"].choices = [("", _("no suggestion"))] + [
            (str(e.mentor_id), e.mentor.profile.name) for e in suggestions
        ]

    def suggested(self):
        return self.suggestions.get(self.cleaned_data.get("suggested_mentor") or "")
