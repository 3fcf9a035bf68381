"""Email kinds that the organizations app sends, registered with the notifications core."""
from django.utils.translation import gettext_lazy as _

from notifications import kinds

MEMBERSHIP_INVITATION = kinds.register(
    "membership_invitation", _("Invitations to join an organization, a project or a group"),
    "organizations/emails/membership_invitation",
)
