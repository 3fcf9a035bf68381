"""Stipends: a cohort's plan (amount, currency, instalments tied to events), per-country amounts, each
mentee's amount fixed at acceptance, the instalments of each pair and every decision on them, finance
export batches, the mentee's payment details (sensitive: their own model), and the cohort's sponsors.

Amounts are exact decimals with their currency (django-money), never floats.
"""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import moneyed
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from .countries import validate_country_code

MAX_DIGITS, DECIMAL_PLACES = 14, 3  # three places: some currencies (BHD, KWD...) have thousandths
country_code = validate_country_code


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency (0.01 EUR, 1 JPY, 0.001 BHD)."""
    sub_unit = moneyed.get_currency(str(currency)).sub_unit or 1
    return Decimal(1) / Decimal(sub_unit)


def exact(money: Money) -> Money:
    """Rounded to the currency's smallest unit."""
    return Money(money.amount.quantize(minor_unit(money.currency), rounding=ROUND_HALF_UP), money.currency)


def split(total: Money, percents: list[int]) -> list[Money]:
    """Shares of `total` in the currency's smallest unit; the last share takes the remainder, so the
    shares always add up to the total exactly."""
    unit = minor_unit(total.currency)
    shares = [(total.amount * Decimal(p) / 100).quantize(unit, rounding=ROUND_DOWN) for p in percents[:-1]]
    shares.append(total.amount - sum(shares, Decimal(0)))
    return [Money(s, total.currency) for s in shares]


class Event(models.TextChoices):
    """What releases an instalment."""

    START = "start", _("Start of the mentorship")
    INITIAL = "initial", _("Initial evaluation")
    MIDPOINT = "midpoint", _("Midpoint evaluation")
    FINAL = "final", _("Final evaluation")


EVENT_ORDER = {e: i for i, e in enumerate(Event.values)}


class StipendPlan(models.Model):
    """A paid cohort's stipend. Cohorts without a plan are unpaid and show nothing of it."""

    cohort = models.OneToOneField("programs.Cohort", on_delete=models.CASCADE, related_name="stipend_plan")
    amount = MoneyField(_("amount per mentee"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                        default_currency=None,
                        help_text=_("Paid to each mentee unless the per-country table says otherwise."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stipend plan")
        verbose_name_plural = _("stipend plans")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="stipend_amount_positive")]

    def __str__(self):
        return f"{self.cohort}: {self.amount}"

    @property
    def currency(self) -> str:
        return str(self.amount.currency)


class PlanInstalment(models.Model):
    """One part of the plan: a share of the amount, released by an event."""

    plan = models.ForeignKey(StipendPlan, on_delete=models.CASCADE, related_name="instalments")
    event = models.CharField(_("released by"), max_length=16, choices=Event.choices)
    percent = models.PositiveSmallIntegerField(_("share (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("planned instalment")
        verbose_name_plural = _("planned instalments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "event"], name="one_plan_instalment_per_event"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="plan_instalment_percent_1_100"),
        ]

    def __str__(self):
        return f"{self.get_event_display()}: {self.percent} %"


class CountryAmount(models.Model):
    """The amount for mentees in one country (the site admin imports the table as CSV); in the plan's currency."""

    plan = models.ForeignKey(StipendPlan, on_delete=models.CASCADE, related_name="country_amounts")
    country = models.CharField(_("country"), max_length=2, validators=[country_code])
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)

    class Meta:
        ordering = ["country"]
        verbose_name = _("per-country amount")
        verbose_name_plural = _("per-country amounts")
        constraints = [
            models.UniqueConstraint(fields=["plan", "country"], name="one_amount_per_country"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="country_amount_positive"),
        ]

    def __str__(self):
        return f"{self.country}: {self.amount}"


class PaymentDetails(models.Model):
    """What the mentee gives to be paid. Sensitive: only the mentee, the program's coordinators and site
    admins read it (stipends.selectors), and stipends.privacy exports, erases and purges it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_details")
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="payment_details")
    legal_name = models.CharField(_("legal name (as on your bank account)"), max_length=200)
    country = models.CharField(_("country of residence"), max_length=2, validators=[country_code],
                               help_text=_("Two letters (ISO 3166), such as BR or ES."))
    payment_notes = models.TextField(_("payment details the program asks for"), blank=True, max_length=2000,
                                     help_text=_("For example the account or the payment service to use."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment details")
        verbose_name_plural = _("payment details")
        constraints = [models.UniqueConstraint(fields=["user", "cohort"], name="one_payment_details_per_cohort")]

    def __str__(self):
        return f"{self.legal_name} ({self.country})"


class MenteeStipend(models.Model):
    """The amount a mentee will receive, fixed when they are accepted (later plan changes do not move it)."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="mentee_stipends")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stipends")
    amount = MoneyField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default_currency=None)
    country = models.CharField(_("country used"), max_length=2, blank=True)
    fixed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fixed_at", "pk"]
        verbose_name = _("mentee stipend")
        verbose_name_plural = _("mentee stipends")
        constraints = [models.UniqueConstraint(fields=["cohort", "mentee"], name="one_stipend_per_mentee_cohort")]

    def __str__(self):
        return f"{self.mentee}: {self.amount}"


class ExportBatch(models.Model):
    """The instalments handed to finance together; re-exported by id, never paid twice."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="stipend_exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("finance export")
        verbose_name_plural = _("finance exports")

    def __str__(self):
        return f"#{self.pk} ({self.created_at:%Y-%m-%d})"


class Instalment(models.Model):
    """One payment to one mentee. Status changes only through stipends.services."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the evaluation")
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        EXPORTED = "exported", _("Sent for payment")

    TRANSITIONS = {
        Status.WAITING: {Status.APPROVED, Status.HELD},
        Status.HELD: {Status.APPROVED},
        Status.APPROVED: {Status.HELD, Status.EXPORTED},
        Status.EXPORTED: set(),
    }

    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="instalments")
    event = models.CharField(_("released by"), max_length=16, choices=Event.choices)
    order = models.PositiveSmallIntegerField(default=0)
    amount = MoneyField(_("amount"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default_currency=None)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    hold_reason = models.TextField(_("why it is held"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(ExportBatch, null=True, blank=True, on_delete=models.RESTRICT, related_name="instalments")
    # Any change another system should pick up (status, decision, recommendation): the API's "updated since".
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["mentorship", "order"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "event"], name="one_instalment_per_event"),
            # Exported means in a batch, and a batch only holds exported instalments: nothing is paid twice.
            models.CheckConstraint(condition=Q(status="exported", batch__isnull=False) | Q(~Q(status="exported"),
                                                                                          batch__isnull=True),
                                   name="exported_iff_in_a_batch"),
        ]
        indexes = [models.Index(fields=["status", "batch"])]

    def __str__(self):
        return f"{self.get_event_display()}: {self.amount}"

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class InstalmentDecision(models.Model):
    """The history: every approval, hold and export, who and when."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        EXPORTED = "exported", _("Exported")

    instalment = models.ForeignKey(Instalment, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    batch = models.ForeignKey(ExportBatch, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("instalment decision")
        verbose_name_plural = _("instalment decisions")

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class Recommendation(models.Model):
    """What the mentor's evaluation says about the instalment of its stage."""

    class Choice(models.TextChoices):
        PAY = "pay", _("Pay the instalment")
        EXTEND = "extend", _("Delay it: extend the mentorship")
        END = "end", _("End the mentorship")

    evaluation = models.OneToOneField("mentoring.Evaluation", on_delete=models.CASCADE, related_name="recommendation")
    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="recommendations")
    stage = models.CharField(max_length=16, choices=Event.choices)
    choice = models.CharField(_("recommendation"), max_length=8, choices=Choice.choices)
    extension_weeks = models.PositiveSmallIntegerField(
        _("extension (weeks)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    extension_applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment recommendation")
        verbose_name_plural = _("payment recommendations")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "stage"], name="one_recommendation_per_stage"),
            models.CheckConstraint(
                condition=Q(choice="extend", extension_weeks__gte=1, extension_weeks__lte=5)
                | Q(~Q(choice="extend"), extension_weeks__isnull=True),
                name="extension_weeks_only_for_extend",
            ),
        ]

    def __str__(self):
        return self.get_choice_display()


class Sponsor(models.Model):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        INVOICED = "invoiced", _("Invoiced")
        PAID = "paid", _("Paid")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="sponsors")
    organization = models.CharField(_("organization"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    pledged = MoneyField(_("amount pledged"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                         default_currency=None)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLEDGED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [models.CheckConstraint(condition=Q(pledged__gt=0), name="sponsor_pledge_positive")]

    def __str__(self):
        return self.organization
