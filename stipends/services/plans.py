"""A cohort's stipend plan, the per-country table, each mentee's fixed amount and instalments, payment details."""
import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from mentoring.deadlines import evaluation_stages
from mentoring.models import Mentorship
from programs.models import Cohort
from programs.permissions import is_coordinator, is_site_admin

from ..countries import is_country_code
from ..models import (
    EVENT_ORDER,
    CountryAmount,
    Event,
    Instalment,
    MenteeStipend,
    PaymentDetails,
    PlanInstalment,
    StipendPlan,
    country_code,
    minor_unit,
    split,
)


def _lock_cohort(cohort) -> Cohort:
    return Cohort.objects.select_for_update(no_key=True).select_related("program").get(pk=cohort.pk)


def plan_set(*, cohort, actor, amount: Money, percents: dict) -> StipendPlan:
    """A coordinator sets the cohort's amount and how it is split (event -> percent, adding up to 100).
    The split may change only while no instalment of the cohort has been decided; the amount of mentees
    already accepted stays what it was when they were accepted."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    percents = {event: int(p) for event, p in percents.items() if p}
    errors = []
    if amount is None or amount.amount <= 0:
        errors.append(_("The amount must be more than zero."))
    elif amount.amount != amount.amount.quantize(minor_unit(amount.currency)):
        errors.append(_("%(currency)s has no amounts smaller than %(unit)s.")
                      % {"currency": amount.currency, "unit": minor_unit(amount.currency)})
    if any(event not in Event.values for event in percents):
        errors.append(_("Unknown event."))
    if not percents or sum(percents.values()) != 100:
        errors.append(_("The instalments must add up to 100 %% (now %(total)s %%).") % {"total": sum(percents.values())})
    if Event.INITIAL in percents and Event.INITIAL not in evaluation_stages(cohort):
        errors.append(_("This cohort has no initial evaluation: turn it on in the cohort's mentoring settings first."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        plan = StipendPlan.objects.filter(cohort=cohort).first()
        layout = sorted(percents.items())
        if plan is not None:
            old_layout = sorted(plan.instalments.values_list("event", "percent"))
            decided = Instalment.objects.filter(mentorship__cohort=cohort).exclude(status=Instalment.Status.WAITING)
            if old_layout != layout and decided.exists():
                raise ValidationError(_("Some instalments are already decided: the split can no longer change."))
            if str(plan.amount.currency) != str(amount.currency) and MenteeStipend.objects.filter(cohort=cohort).exists():
                raise ValidationError(_("Mentees were already accepted in %(currency)s: the currency can no longer change.")
                                      % {"currency": plan.amount.currency})
            plan.amount, plan.updated_by = amount, actor
            plan.save()
        else:
            plan = StipendPlan.objects.create(cohort=cohort, amount=amount, updated_by=actor)
            old_layout = []
        if old_layout != layout:
            plan.instalments.all().delete()
            PlanInstalment.objects.bulk_create(
                [PlanInstalment(plan=plan, event=event, percent=p) for event, p in percents.items()])
            Instalment.objects.filter(mentorship__cohort=cohort).delete()  # all still waiting (checked above)
        # Pairs that already run get their amount and instalments now.
        for mentorship in Mentorship.objects.filter(cohort=cohort).exclude(instalments__isnull=False).select_related(
                "mentee__profile"):
            instalments_create_for(mentorship=mentorship, plan=plan)
    return plan


def _country_of(mentee, cohort) -> str:
    details = PaymentDetails.objects.filter(user=mentee, cohort=cohort).values_list("country", flat=True).first()
    if details:
        return details
    profile_country = (getattr(getattr(mentee, "profile", None), "country", "") or "").strip().upper()
    return profile_country if len(profile_country) == 2 and profile_country.isalpha() else ""


def stipend_fix(*, cohort, mentee, plan: StipendPlan | None = None) -> MenteeStipend | None:
    """Fix the mentee's amount once (at acceptance): the per-country amount for their country, or the plan's.
    Unpaid cohorts: None. Safe to call again: the first amount stays."""
    plan = plan or StipendPlan.objects.filter(cohort_id=cohort.pk).first()
    if plan is None:
        return None
    existing = MenteeStipend.objects.filter(cohort_id=cohort.pk, mentee=mentee).first()
    if existing is not None:
        return existing
    country = _country_of(mentee, cohort)
    by_country = plan.country_amounts.filter(country=country).values_list("amount", flat=True).first() if country else None
    amount = Money(by_country, plan.currency) if by_country is not None else plan.amount
    stipend, _created = MenteeStipend.objects.get_or_create(
        cohort_id=cohort.pk, mentee=mentee, defaults={"amount": amount, "country": country})
    return stipend


def instalments_create_for(*, mentorship, plan: StipendPlan | None = None) -> list[Instalment]:
    """A pair of a paid cohort gets its instalments (shares of the mentee's fixed amount), once."""
    plan = plan or StipendPlan.objects.filter(cohort_id=mentorship.cohort_id).first()
    if plan is None or Instalment.objects.filter(mentorship=mentorship).exists():
        return []
    stipend = stipend_fix(cohort=mentorship.cohort, mentee=mentorship.mentee, plan=plan)
    parts = sorted(plan.instalments.all(), key=lambda p: EVENT_ORDER[p.event])
    amounts = split(stipend.amount, [p.percent for p in parts])
    return Instalment.objects.bulk_create([
        Instalment(mentorship=mentorship, event=part.event, order=EVENT_ORDER[part.event], amount=share)
        for part, share in zip(parts, amounts, strict=True)
    ])


def country_amounts_import(*, plan: StipendPlan, actor, data: str) -> int:
    """A site admin replaces the per-country table from CSV lines `country code, amount` (a header line is
    allowed). Any bad line: every error with its line number, and nothing changes."""
    if not is_site_admin(actor):
        raise PermissionDenied
    unit = minor_unit(plan.currency)
    rows, errors, seen = {}, [], {}
    for number, line in enumerate(csv.reader(io.StringIO(data)), start=1):
        if not line or all(not cell.strip() for cell in line):
            continue
        cells = [c.strip() for c in line]
        if number == 1 and cells[0].lower() in ("country", "country code", "code"):
            continue
        if len(cells) != 2:
            errors.append(_("Line %(n)s: write a country code and an amount, separated by a comma.") % {"n": number})
            continue
        code, raw = cells[0].upper(), cells[1]
        if not re.fullmatch(r"[A-Z]{2}", code):
            errors.append(_("Line %(n)s: “%(code)s” is not a two-letter country code.") % {"n": number, "code": cells[0]})
            continue
        if not is_country_code(code):
            errors.append(_("Line %(n)s: “%(code)s” is not a country of ISO 3166.") % {"n": number, "code": cells[0]})
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            errors.append(_("Line %(n)s: “%(amount)s” is not an amount.") % {"n": number, "amount": raw})
            continue
        if not amount.is_finite() or amount <= 0:
            errors.append(_("Line %(n)s: the amount must be more than zero.") % {"n": number})
        elif amount != amount.quantize(unit):
            errors.append(_("Line %(n)s: %(currency)s has no amounts smaller than %(unit)s.")
                          % {"n": number, "currency": plan.currency, "unit": unit})
        elif code in seen:
            errors.append(_("Line %(n)s: %(code)s is already on line %(first)s.")
                          % {"n": number, "code": code, "first": seen[code]})
        else:
            seen[code], rows[code] = number, amount
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no rows."))
    with transaction.atomic():
        StipendPlan.objects.select_for_update().filter(pk=plan.pk).first()
        plan.country_amounts.all().delete()
        CountryAmount.objects.bulk_create([CountryAmount(plan=plan, country=c, amount=a) for c, a in rows.items()])
    return len(rows)


def payment_details_save(*, mentorship, actor, legal_name: str, country: str, payment_notes: str = "") -> PaymentDetails:
    """The mentee gives (or corrects) how they are paid. Only the mentee writes them."""
    if actor.pk != mentorship.mentee_id:
        raise PermissionDenied
    legal_name, country = legal_name.strip(), country.strip().upper()
    if not legal_name:
        raise ValidationError({"legal_name": _("Write your legal name.")})
    country_code(country)
    details, _created = PaymentDetails.objects.update_or_create(
        user=actor, cohort_id=mentorship.cohort_id,
        defaults={"legal_name": legal_name, "country": country, "payment_notes": payment_notes.strip()},
    )
    return details
