from django.utils.translation import gettext_lazy as _

from notifications import kinds

MENTORSHIP_REQUEST = kinds.register(
    "mentorship_request", _("Direct mentorship requests"), "mentor_requests/emails/request_update",
)
