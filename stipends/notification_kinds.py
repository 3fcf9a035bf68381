from django.utils.translation import gettext_lazy as _

from notifications import kinds

INSTALMENT_APPROVED = kinds.register(
    "stipend_instalment_approved", _("A stipend instalment was approved"), "stipends/emails/instalment_approved",
)
INSTALMENT_HELD = kinds.register(
    "stipend_instalment_held", _("A stipend instalment is held"), "stipends/emails/instalment_held",
)
