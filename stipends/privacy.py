"""Stipends' part of privacy: what the privacy orchestrator calls to export, erase and purge a person's
payment data. Payment details are the sensitive rows; amounts and decisions stay as the program's
financial record, without the name given for payment."""
from django.db import transaction

from .models import Instalment, MenteeStipend, PaymentDetails, Recommendation, exact


def export_for_user(*, user) -> dict:
    """Everything stipends holds about this person, as plain data."""
    details = PaymentDetails.objects.filter(user=user).select_related("cohort__program").order_by("pk")
    stipends = MenteeStipend.objects.filter(mentee=user).select_related("cohort__program").order_by("pk")
    instalments = Instalment.objects.filter(mentorship__mentee=user).select_related("mentorship__cohort").order_by("pk")
    return {
        "payment_details": [
            {"program": d.cohort.program.name, "cohort": d.cohort.name, "legal_name": d.legal_name,
             "country": d.country, "payment_notes": d.payment_notes, "updated_at": d.updated_at.isoformat()}
            for d in details
        ],
        "stipends": [
            {"program": s.cohort.program.name, "cohort": s.cohort.name, "amount": str(exact(s.amount).amount),
             "currency": str(s.amount.currency), "country": s.country, "fixed_at": s.fixed_at.isoformat()}
            for s in stipends
        ],
        "instalments": [
            {"cohort": i.mentorship.cohort.name, "event": i.event, "amount": str(exact(i.amount).amount),
             "currency": str(i.amount.currency), "status": i.status, "hold_reason": i.hold_reason,
             "approved_at": i.approved_at.isoformat() if i.approved_at else None}
            for i in instalments
        ],
    }


def erase_for_user(*, user) -> dict:
    """The person asks to be forgotten: their payment details go (the orchestrator's contract: counts by name)."""
    with transaction.atomic():
        deleted, _ = PaymentDetails.objects.filter(user=user).delete()
    return {"payment_details": deleted}


def purge_for_cohort(*, cohort, dry_run: bool = False) -> dict:
    """The program's retention period ended for this cohort: payment details and the mentors' payment
    recommendations go; instalments keep their amounts (the financial record) but lose hold reasons."""
    details = PaymentDetails.objects.filter(cohort=cohort)
    recommendations = Recommendation.objects.filter(mentorship__cohort=cohort)
    reasons = Instalment.objects.filter(mentorship__cohort=cohort).exclude(hold_reason="")
    counts = {"stipends.payment_details": details.count(), "stipends.recommendations": recommendations.count(),
              "stipends.hold_reasons": reasons.count()}
    if not dry_run:
        with transaction.atomic():
            details.delete()
            recommendations.delete()
            reasons.update(hold_reason="")
    return counts
