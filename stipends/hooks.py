"""What stipends adds to mentoring and programs pages and services, through their registries."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring import hooks as mentoring_hooks
from mentoring.models import Direction, Role
from programs import hooks as program_hooks
from programs.views.coordinator import COHORT_DASHBOARD_PANELS

from . import selectors, services
from .models import Instalment, MenteeStipend, Recommendation, StipendPlan


class PaymentRecommendation:
    """The mentor's evaluation, in a paid cohort, asks what to do with the instalment it releases."""

    def fields(self, *, mentorship, stage, direction):
        if direction != Direction.ABOUT_MENTEE or not Instalment.objects.filter(mentorship=mentorship,
                                                                                event=stage).exists():
            return {}
        return {
            "stipend_recommendation": forms.ChoiceField(
                label=_("The mentee's stipend instalment for this evaluation"), choices=Recommendation.Choice.choices,
                widget=forms.RadioSelect,
                help_text=_("Only the program's coordinators read this; they decide the payment."),
            ),
            "stipend_extension_weeks": forms.TypedChoiceField(
                label=_("If you recommend an extension: how many weeks?"), required=False, coerce=int,
                empty_value=None, choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
                help_text=_("The pair's end, the final evaluation and their reminders move by this much."),
            ),
        }

    def save(self, *, evaluation, mentorship, actor, data):
        services.recommendation_save(evaluation=evaluation, mentorship=mentorship,
                                     choice=data.get("stipend_recommendation"),
                                     extension_weeks=data.get("stipend_extension_weeks"))


mentoring_hooks.register_evaluation_extra(PaymentRecommendation())


@mentoring_hooks.register_mentorship_created
def _instalments_for_new_pair(*, mentorship):
    services.instalments_create_for(mentorship=mentorship)


@program_hooks.register_application_accepted
def _fix_amount_at_acceptance(*, application):
    services.stipend_fix(cohort=application.cohort, mentee=application.applicant)


@program_hooks.register_decision_warning
def _more_than_funded(*, cohort, status, applications):
    if status != "accepted":
        return []
    funding = selectors.funding(cohort=cohort)
    if funding is None:
        return []
    already = set(MenteeStipend.objects.filter(cohort=cohort).values_list("mentee_id", flat=True))
    new = len({a.applicant_id for a in applications} - already)
    if funding.filled + new <= funding.funded:
        return []
    return [ngettext(
        "Sponsors fund %(funded)s paid place and %(filled)s are filled: accepting these would make %(total)s paid "
        "mentees, more than are funded.",
        "Sponsors fund %(funded)s paid places and %(filled)s are filled: accepting these would make %(total)s paid "
        "mentees, more than are funded.", funding.funded,
    ) % {"funded": funding.funded, "filled": funding.filled, "total": funding.filled + new}]


@mentoring_hooks.register_mentorship_panel
def _stipend_panel(*, mentorship, role, user):
    if role == Role.MENTOR:  # no payment data; only what the mentor may say again after an extension
        again = selectors.recommendations_to_update(mentorship=mentorship, user=user)
        return {"template": "stipends/_mentor_panel.html", "mentorship": mentorship, "again": again} if again else None
    plan = StipendPlan.objects.filter(cohort_id=mentorship.cohort_id).first()
    if plan is None:
        return None
    return {"template": "stipends/_mentorship_panel.html", "role": role,
            "schedule": selectors.mentee_schedule(mentorship=mentorship),
            "url": reverse("stipends:mentorship_stipend", args=[mentorship.pk])}


def _cohort_panel(cohort):
    plan = StipendPlan.objects.filter(cohort_id=cohort.pk).first()  # one query for an unpaid cohort
    return {"template": "stipends/_cohort_panel.html", "cohort": cohort, "plan": plan,
            "funding": selectors.funding(cohort=cohort, plan=plan) if plan else None}


COHORT_DASHBOARD_PANELS.append(_cohort_panel)
