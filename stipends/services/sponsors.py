"""Sponsors of a cohort: who pledged how much, and where the money stands."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programs.permissions import is_coordinator

from ..models import Sponsor


def sponsor_save(*, cohort, actor, sponsor: Sponsor | None = None, **fields) -> Sponsor:
    """Add a sponsor to the cohort, or change one (its status moves pledged → invoiced → paid as money comes)."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    if sponsor is not None and sponsor.cohort_id != cohort.pk:
        raise PermissionDenied
    pledged = fields.get("pledged")
    if pledged is None or pledged.amount <= 0:
        raise ValidationError({"pledged": _("The pledge must be more than zero.")})
    with transaction.atomic():
        sponsor = sponsor or Sponsor(cohort=cohort)
        for name, value in fields.items():
            setattr(sponsor, name, value)
        sponsor.full_clean()
        sponsor.save()
    return sponsor
