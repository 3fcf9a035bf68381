"""Forms for mentors (volunteer, review queue filters, the rubric) and coordinators (decisions)."""
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.forms import submit_button

from .coordinator_selectors import MIN_REVIEWS
from .models import Application, MentorEnrollment, Recommendation

Status = Application.Status


class VolunteerForm(forms.ModelForm):
    """What a mentor offers a cohort. Only validates: services.mentor_enrollment_request saves."""

    class Meta:
        model = MentorEnrollment
        fields = ["capacity", "offer", "topics"]
        widgets = {"offer": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "capacity": _("How many mentees you can take in this cohort (1 to 20)."),
            "offer": _("For example: weekly calls, code review, help with a paper or a first talk."),
            "topics": _("Projects, packages or topics you would mentor on."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = 1
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("capacity", "offer", "topics")


STATUS_FILTER_CHOICES = [("", _("any status"))] + [
    (s.value, s.label) for s in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)
]
MENTOR_SORTS = [
    ("-submitted_at", _("newest first")),
    ("submitted_at", _("oldest first")),
    ("review_count", _("fewest reviews first")),
    ("-review_count", _("most reviews first")),
]
COORDINATOR_SORTS = [("-mean_score", _("highest mean score first")), ("mean_score", _("lowest mean score first"))]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    preferred = forms.BooleanField(label=_("Named me as a preferred mentor"), required=False)
    unreviewed = forms.BooleanField(label=_("Not yet reviewed by me"), required=False)
    fewer_reviews = forms.BooleanField(required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=MENTOR_SORTS, required=False)

    def __init__(self, *args, as_coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fewer_reviews"].label = _("Awaiting a decision, fewer than %(min)d reviews") % {"min": MIN_REVIEWS}
        if as_coordinator:
            self.fields["sort"].choices = MENTOR_SORTS + COORDINATOR_SORTS
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("status", css_class="col-sm-6 col-lg-3"),
                Column("sort", css_class="col-sm-6 col-lg-3"),
                Column("preferred", "unreviewed", "fewer_reviews", css_class="col-sm-8 col-lg-4 pt-lg-4"),
                Column(submit_button(_("Filter"), "mt-lg-4"), css_class="col-sm-4 col-lg-2"),
            )
        )

    def filters(self) -> dict:
        """Keyword arguments for coordinator_selectors.review_queue; defaults when invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "preferred_only": bool(data.get("preferred")),
            "unreviewed_only": bool(data.get("unreviewed")),
            "fewer_reviews": bool(data.get("fewer_reviews")),
            "sort": data.get("sort") or "-submitted_at",
        }


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def weight_label(weight) -> str:
    return f"{float(weight):g}"


class ReviewForm(forms.Form):
    """The rubric (one 1-5 radio group per criterion), a recommendation, a comment, conflicts."""

    recommendation = forms.ChoiceField(
        label=_("Your recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect, required=False,
    )
    comment = forms.CharField(
        label=_("Comment for staff"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Read by this cohort's mentors and coordinators, never by the applicant."),
    )
    conflict_of_interest = forms.BooleanField(
        label=_("I have a conflict of interest"), required=False,
        help_text=_("For example a colleague, a relative, a friend or someone you supervise. "
                    "A conflicted review carries no scores."),
    )
    conflict_details = forms.CharField(label=_("Conflict details"), max_length=300, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        score_names = []
        for criterion in self.criteria:
            name = f"criterion_{criterion.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("%(name)s (weight %(weight)s)") % {"name": criterion.name, "weight": weight_label(criterion.weight)},
                choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect, required=False,
                help_text=criterion.description or _("1 = weak, 5 = excellent."),
            )
            score_names.append(name)
        self.order_fields(score_names + ["recommendation", "comment", "conflict_of_interest", "conflict_details"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Rubric"),
                HTML('<p class="small text-body-secondary">{}</p>'.format(
                    escape(_("Score each criterion from 1 (weak) to 5 (excellent). The weights set how much each counts.")))),
                *[InlineRadios(n) for n in score_names],
            ),
            InlineRadios("recommendation"),
            "comment",
            Fieldset(_("Conflict of interest"), "conflict_of_interest", "conflict_details"),
        )

    @classmethod
    def initial_from(cls, review) -> dict:
        if review is None:
            return {}
        initial = {f"criterion_{pk}": value for pk, value in review.scores.items()}
        initial.update(
            recommendation=review.recommendation, comment=review.comment,
            conflict_of_interest=review.conflict_of_interest, conflict_details=review.conflict_details,
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conflict_of_interest"):
            if not (cleaned.get("conflict_details") or "").strip():
                self.add_error("conflict_details", _("Say briefly what the conflict is, so that coordinators can weigh it."))
            return cleaned
        for criterion in self.criteria:
            if cleaned.get(f"criterion_{criterion.pk}") in (None, ""):
                self.add_error(f"criterion_{criterion.pk}", _("Give a score from 1 to 5."))
        if not cleaned.get("recommendation"):
            self.add_error("recommendation", _("Choose a recommendation."))
        return cleaned

    def service_arguments(self) -> dict:
        """Keyword arguments for services.review_submit."""
        data = self.cleaned_data
        return {
            "scores": {str(c.pk): data[f"criterion_{c.pk}"] for c in self.criteria if data.get(f"criterion_{c.pk}")},
            "recommendation": data.get("recommendation") or "",
            "comment": data.get("comment", ""),
            "conflict_of_interest": bool(data.get("conflict_of_interest")),
            "conflict_details": data.get("conflict_details", "") if data.get("conflict_of_interest") else "",
        }


DECISION_CHOICES = [
    (Status.ACCEPTED.value, _("Accept")),
    (Status.WAITLISTED.value, _("Waitlist")),
    (Status.DECLINED.value, _("Decline")),
]


class BulkDecisionForm(forms.Form):
    """The dashboard's checkboxes and decision button; `confirm` is set by the confirmation step."""

    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(), error_messages={"required": _("Select at least one application.")},
    )
    status = forms.ChoiceField(choices=DECISION_CHOICES, error_messages={"required": _("Choose a decision.")})
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications

    def decision_label(self) -> str:
        return dict(DECISION_CHOICES)[self.cleaned_data["status"]]


class EnrollmentDecisionForm(forms.Form):
    enrollment = forms.ModelChoiceField(queryset=MentorEnrollment.objects.none())
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments
