from django.utils.translation import gettext_lazy as _

from notifications import kinds

# Asked for by the person: always sent, like a sign-in link.
EXPORT_READY = kinds.register(
    "privacy_export_ready", _("Your data export is ready"), "privacy/emails/export_ready", security=True,
)
PARTICIPANT_LEFT = kinds.register(
    "privacy_participant_left", _("A participant deleted their account (coordinators and partners)"),
    "privacy/emails/participant_left",
)
