from django.utils.translation import gettext_lazy as _

from notifications import kinds

MENTORSHIP_STARTED = kinds.register(
    "mentorship_started", _("A new mentorship starts"), "mentoring/emails/mentorship_started",
)
