"""Email kinds that the programs app sends, registered with the notifications core."""
from django.utils.translation import gettext_lazy as _

from notifications import kinds

APPLICATION_STATUS = kinds.register(
    "application_status", _("Updates on your applications"), "programs/emails/application_status",
)
MENTOR_ENROLLMENT = kinds.register(
    "mentor_enrollment", _("Updates on your mentor volunteering"), "programs/emails/mentor_enrollment",
)
GROUP_INVITATION = kinds.register(
    "group_invitation", _("Invitations to group applications"), "programs/emails/group_invitation",
)
MENTOR_VOLUNTEERED = kinds.register(
    "mentor_volunteered", _("A mentor offers to mentor and waits for approval (coordinators)"),
    "programs/emails/mentor_volunteered",
)
PROGRAM_INVITATION = kinds.register(
    "program_invitation", _("Invitations to mentor or coordinate a program"), "programs/emails/program_invitation",
)
ANNOUNCEMENT = kinds.register(
    "announcement", _("Announcements from your programs' coordinators"), "programs/emails/announcement",
)
