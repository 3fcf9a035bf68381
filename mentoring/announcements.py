"""Mentoring's segments for coordinators' announcements (programs.services.announcements registry)."""
from django.utils.translation import gettext_lazy as _

from programs.services.announcements import register_segment

from .deadlines import evaluation_is_open, evaluation_stages, today
from .models import Direction, Evaluation, Mentorship


def _active_pairs(cohort):
    rows = Mentorship.objects.filter(cohort=cohort, status=Mentorship.Status.ACTIVE).values_list("mentor_id", "mentee_id")
    return sorted({person for pair in rows for person in pair})


def _mentees_with_evaluation_due(cohort):
    """Mentees of running pairs with an evaluation of their mentor open and not yet written (two queries)."""
    on = today()
    mentorships = list(Mentorship.objects.filter(cohort=cohort, status__in=[Mentorship.Status.ACTIVE,
                                                                           Mentorship.Status.PAUSED])
                       .select_related("cohort__mentoring_settings"))
    written = set(Evaluation.objects.filter(mentorship__in=mentorships, direction=Direction.ABOUT_MENTOR)
                  .values_list("mentorship_id", "stage"))
    return sorted({m.mentee_id for m in mentorships for stage in evaluation_stages(m.cohort)
                   if evaluation_is_open(m, stage, on=on) and (m.pk, stage) not in written})


register_segment("pairs:active", _("Mentors and mentees of active pairs"), _active_pairs)
register_segment("mentees:evaluation_due", _("Mentees whose evaluation of their mentor is due"),
                 _mentees_with_evaluation_due)
