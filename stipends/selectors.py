"""Reads of stipends, permission-scoped (404 for missing and forbidden alike), with their joins so the
payment page's query count does not grow with pairs."""
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from mentoring.deadlines import EVALUATION_STATUSES, evaluation_due_on
from mentoring.models import Direction, Evaluation, Mentorship, Role
from mentoring.selectors import mentorship_get_for_user
from programs.permissions import is_coordinator, is_site_admin
from programs.selectors import cohort_get_for_coordinator, coordinated_cohorts

from .models import (
    ExportBatch,
    Instalment,
    InstalmentDecision,
    MenteeStipend,
    PaymentDetails,
    Recommendation,
    Sponsor,
    StipendPlan,
    exact,
    minor_unit,
)


def money_text(money) -> str:
    """“1,250.00 EUR”: the amount in its currency's smallest unit, in the reader's number format."""
    places = max(-minor_unit(money.currency).as_tuple().exponent, 0)
    return f"{number_format(money.amount, decimal_pos=places, use_l10n=True, force_grouping=True)} {money.currency}"


def plan_for(cohort) -> StipendPlan | None:
    return StipendPlan.objects.filter(cohort_id=cohort.pk).prefetch_related("instalments").first()


def mentor_evaluated(mentorship_ids) -> set:
    """{(mentorship id, stage)} of the mentors' evaluations already sent."""
    return set(Evaluation.objects.filter(mentorship_id__in=mentorship_ids, direction=Direction.ABOUT_MENTEE)
               .values_list("mentorship_id", "stage"))


def expected_on(instalment, mentorship):
    """When the instalment's event happens: the start, or the evaluation's due date (it moves with extensions)."""
    return mentorship.starts_on if instalment.event == "start" else evaluation_due_on(mentorship, instalment.event)


STATUS_BADGES = {
    Instalment.Status.WAITING: "text-bg-light border", Instalment.Status.APPROVED: "text-bg-success",
    Instalment.Status.HELD: "text-bg-danger", Instalment.Status.EXPORTED: "text-bg-primary",
}


@dataclass
class InstalmentRow:
    instalment: Instalment
    expected_on: object
    recommendation: Recommendation | None
    evaluated: bool
    flags: list = field(default_factory=list)  # (css class, words)
    amount_text: str = ""

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.instalment.status, "")

    @property
    def may_approve(self) -> bool:
        return self.instalment.can_become(Instalment.Status.APPROVED) and self.evaluated

    @property
    def may_hold(self) -> bool:
        return self.instalment.can_become(Instalment.Status.HELD)


@dataclass
class PairRow:
    mentorship: Mentorship
    has_details: bool
    instalments: list

    @property
    def offer_end_early(self) -> bool:
        """The mentor recommends ending a pair that still runs: the page offers mentoring's end-early flow
        (which checks again who may end it and when)."""
        return self.mentorship.status in EVALUATION_STATUSES and any(
            item.recommendation is not None and item.recommendation.choice == Recommendation.Choice.END
            for item in self.instalments)


def _instalment_rows(mentorship, instalments, recommendations, evaluated, today) -> list[InstalmentRow]:
    rows = []
    for instalment in instalments:
        recommendation = recommendations.get((mentorship.pk, instalment.event))
        done = instalment.event == "start" or (mentorship.pk, instalment.event) in evaluated
        due = expected_on(instalment, mentorship)
        flags = []
        if recommendation is not None and recommendation.choice == Recommendation.Choice.EXTEND:
            if recommendation.extension_applied_at:
                words = _("Extension of %(weeks)s weeks applied") % {"weeks": recommendation.extension_weeks}
            else:
                words = _("Extension of %(weeks)s weeks recommended") % {"weeks": recommendation.extension_weeks}
            flags.append(("text-bg-warning", words))
        if (recommendation is not None and recommendation.choice == Recommendation.Choice.END) or (
                mentorship.status == Mentorship.Status.ENDED_EARLY):
            flags.append(("text-bg-danger", _("Termination")))
        if not done and instalment.status == Instalment.Status.WAITING and due < today:
            flags.append(("text-bg-secondary", _("Evaluation missing")))
        rows.append(InstalmentRow(instalment, due, recommendation, done, flags, money_text(instalment.amount)))
    return rows


# ---- the payment page: filters, summary and bulk selection in SQL; the pairs a page at a time ------------------

PAIRS_PER_PAGE = 50
# The rule "may be approved" in its SQL form (InstalmentRow.may_approve is the Python one): a status that can
# become approved, and the evaluation of its event sent (the start needs none).
APPROVABLE_FROM = [s for s, targets in Instalment.TRANSITIONS.items() if Instalment.Status.APPROVED in targets]
HOLDABLE_FROM = [s for s, targets in Instalment.TRANSITIONS.items() if Instalment.Status.HELD in targets]

PAYMENT_FILTERS = {
    "": _("All pairs"),
    "ready": _("Ready to approve (evaluation sent)"),
    "not_evaluated": _("Waiting for the mentor's evaluation"),
    "extension": _("Extension recommended"),
    "termination": _("Termination"),
    "held": _("Held"),
    "approved": _("Approved, not exported"),
    "exported": _("Sent for payment"),
}


def _annotated_instalments(cohort):
    evaluation = Evaluation.objects.filter(mentorship_id=OuterRef("mentorship_id"), stage=OuterRef("event"),
                                           direction=Direction.ABOUT_MENTEE)
    choice = Recommendation.objects.filter(mentorship_id=OuterRef("mentorship_id"), stage=OuterRef("event"))
    return Instalment.objects.filter(mentorship__cohort=cohort).annotate(
        evaluated=ExpressionWrapper(Q(event="start") | Exists(evaluation), output_field=BooleanField()),
        recommended=Subquery(choice.values("choice")[:1]),
    )


def _filter_q(show: str) -> Q:
    S, C = Instalment.Status, Recommendation.Choice
    return {
        "ready": Q(status__in=APPROVABLE_FROM, evaluated=True),
        "not_evaluated": Q(status=S.WAITING, evaluated=False),
        "extension": Q(recommended=C.EXTEND),
        "termination": Q(recommended=C.END) | Q(mentorship__status=Mentorship.Status.ENDED_EARLY),
        "held": Q(status=S.HELD),
        "approved": Q(status=S.APPROVED),
        "exported": Q(status=S.EXPORTED),
    }.get(show, Q())


def instalments_in_filter(*, cohort, show: str = ""):
    """The cohort's instalments the filter names (all of them for no filter)."""
    return _annotated_instalments(cohort).filter(_filter_q(show))


def bulk_selection(*, cohort, show: str, action: str) -> list[int]:
    """The server-side selection "every instalment of this filter that the decision applies to": approvable
    ones for approve, holdable ones for hold."""
    qs = instalments_in_filter(cohort=cohort, show=show)
    qs = qs.filter(status__in=APPROVABLE_FROM, evaluated=True) if action == "approve" else qs.filter(
        status__in=HOLDABLE_FROM)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def payment_summary(*, cohort, show: str = "") -> dict:
    """The counts of the summary line, in one SQL query: pairs, instalments by state and flag, and what the
    filter's bulk buttons would decide."""
    S, C = Instalment.Status, Recommendation.Choice
    in_filter = _filter_q(show)
    counts = _annotated_instalments(cohort).aggregate(
        pairs=Count("mentorship_id", distinct=True),
        pairs_in_filter=Count("mentorship_id", distinct=True, filter=in_filter),
        waiting=Count("pk", filter=Q(status=S.WAITING)),
        ready=Count("pk", filter=Q(status__in=APPROVABLE_FROM, evaluated=True)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
        held=Count("pk", filter=Q(status=S.HELD)),
        exported=Count("pk", filter=Q(status=S.EXPORTED)),
        extension=Count("pk", filter=Q(recommended=C.EXTEND)),
        termination=Count("pk", filter=Q(recommended=C.END)),
        may_approve=Count("pk", filter=in_filter & Q(status__in=APPROVABLE_FROM, evaluated=True)),
        may_hold=Count("pk", filter=in_filter & Q(status__in=HOLDABLE_FROM)),
    )
    return counts


def payment_pairs_page(*, cohort, show: str = "", page_number=None, per_page: int = PAIRS_PER_PAGE):
    """One page of the ids of the cohort's pairs in the filter, in the order of the payment page."""
    pairs = Mentorship.objects.filter(cohort=cohort).order_by("mentee__profile__display_name", "pk")
    if show in PAYMENT_FILTERS and show:
        pairs = pairs.filter(pk__in=instalments_in_filter(cohort=cohort, show=show).values("mentorship_id"))
    return Paginator(pairs.values_list("pk", flat=True), per_page).get_page(page_number)


def payment_page(*, cohort, page=None) -> list[PairRow]:
    """The pairs of one page (payment_pairs_page; the first unfiltered page by default), each with all its
    instalments, the mentor's recommendations and the flags: a fixed number of queries, and a bounded amount
    of rendering, whatever the number of pairs."""
    page = page if page is not None else payment_pairs_page(cohort=cohort)
    ids = list(page.object_list)
    mentorships = list(
        Mentorship.objects.filter(pk__in=ids)
        .select_related("mentor__profile", "mentee__profile", "cohort__mentoring_settings")
        .prefetch_related("instalments")
        .order_by("mentee__profile__display_name", "pk")
    )
    recommendations = {(r.mentorship_id, r.stage): r for r in Recommendation.objects.filter(mentorship_id__in=ids)}
    evaluated = mentor_evaluated(ids)
    details = set(PaymentDetails.objects.filter(cohort=cohort, user_id__in=[m.mentee_id for m in mentorships])
                  .values_list("user_id", flat=True))
    today = timezone.localdate()
    return [
        PairRow(m, m.mentee_id in details,
                _instalment_rows(m, m.instalments.all(), recommendations, evaluated, today))
        for m in mentorships
    ]


def instalments_for_decision(*, cohort, ids) -> list[Instalment]:
    return list(Instalment.objects.filter(mentorship__cohort=cohort, pk__in=ids)
                .select_related("mentorship__mentee__profile").order_by("mentorship__mentee__profile__display_name", "order"))


def decision_history(*, cohort):
    return (InstalmentDecision.objects.filter(instalment__mentorship__cohort=cohort)
            .select_related("actor__profile", "instalment__mentorship__mentee__profile", "batch"))


def export_batches(*, cohort):
    return ExportBatch.objects.filter(cohort=cohort).select_related("created_by__profile").annotate(
        size=Count("instalments"))


def approved_without_details(*, cohort) -> int:
    """Approved instalments an export leaves behind until their mentees give payment details."""
    return Instalment.objects.filter(mentorship__cohort=cohort, status=Instalment.Status.APPROVED).exclude(
        mentorship__mentee_id__in=PaymentDetails.objects.filter(cohort=cohort).values("user_id")).count()


def batch_get_for_coordinator(*, user, pk: int) -> ExportBatch:
    batch = ExportBatch.objects.select_related("cohort__program").filter(pk=pk).first()
    if batch is None or not is_coordinator(user, batch.cohort.program_id):
        raise Http404
    return batch


EXPORT_FIELDS = ["batch", "instalment_id", "legal_name", "country", "currency", "amount", "instalment",
                 "approved_on", "approved_by"]


def export_rows(batch: ExportBatch) -> list[dict]:
    """What finance pays: one row per instalment of the batch, named as the mentee gave it for payment."""
    instalments = list(batch.instalments.select_related("mentorship__mentee__profile", "approved_by__profile")
                       .order_by("pk"))
    details = {d.user_id: d for d in PaymentDetails.objects.filter(
        cohort_id=batch.cohort_id, user_id__in=[i.mentorship.mentee_id for i in instalments])}
    rows = []
    for i in instalments:
        given = details.get(i.mentorship.mentee_id)
        rows.append({
            "batch": batch.pk, "instalment_id": i.pk,
            "legal_name": given.legal_name if given else "", "country": given.country if given else "",
            "currency": str(i.amount.currency), "amount": decimal_text(i.amount),
            "instalment": i.event, "approved_on": i.approved_at.date().isoformat() if i.approved_at else "",
            "approved_by": i.approved_by.get_full_name() if i.approved_by else "",
        })
    return rows


# ---- the API's reads: the pages' rules as querysets ----------------------------------------------------------


def decimal_text(money) -> str:
    """The exact amount as a plain decimal string in the currency's smallest unit ("1250.00", "100", "1.250")."""
    places = max(-minor_unit(money.currency).as_tuple().exponent, 0)
    return f"{money.amount:.{places}f}"


def instalments_visible_to(*, user):
    """The rule of stipend_view_get as a queryset: the instalments of the mentee's own pairs, and of the cohorts
    the person coordinates (every cohort for site admins); never the mentor's. The mentor's recommendation is
    there for coordinators only (the mentee's page does not show it either)."""
    if not user.is_authenticated:
        return Instalment.objects.none()
    coordinated = coordinated_cohorts(user=user).order_by().values("pk")
    recommendation = Recommendation.objects.filter(mentorship_id=OuterRef("mentorship_id"), stage=OuterRef("event"))
    return (
        Instalment.objects.filter(Q(mentorship__mentee=user) | Q(mentorship__cohort__in=coordinated))
        .annotate(recommendation=Case(When(mentorship__cohort__in=coordinated,
                                           then=Subquery(recommendation.values("choice")[:1])), default=None))
        .select_related("mentorship__mentee__profile", "mentorship__cohort")
    )


def instalment_get_for_user(*, user, pk: int) -> Instalment:
    instalment = instalments_visible_to(user=user).filter(pk=pk).first()
    if instalment is None:
        raise Http404
    return instalment


# ---- the mentor's side: a recommendation to say again after the extension ------------------------------------


def recommendations_to_update(*, mentorship, user) -> list[Recommendation]:
    """The capability "may this person change this recommendation?" as a list: the pair's mentor, for each
    instalment held after the extension they recommended was applied (services.recommendation_update checks
    it again)."""
    if user.pk != mentorship.mentor_id:
        return []
    held = Instalment.objects.filter(mentorship_id=mentorship.pk, event=OuterRef("stage"), status=Instalment.Status.HELD)
    return list(Recommendation.objects.filter(mentorship_id=mentorship.pk, extension_applied_at__isnull=False)
                .filter(Exists(held)).order_by("stage"))


def recommendation_get_for_mentor(*, user, pk: int, stage: str) -> tuple[Mentorship, Recommendation]:
    mentorship, _role = mentorship_get_for_user(user=user, pk=pk)
    found = [r for r in recommendations_to_update(mentorship=mentorship, user=user) if r.stage == stage]
    if not found:
        raise Http404
    return mentorship, found[0]


# ---- the mentee's side -------------------------------------------------------------------------------------


def stipend_view_get(*, user, pk: int):
    """The mentorship's stipend page: the mentee, the program's coordinators and site admins; anyone else
    (the mentor included) 404, and 404 for an unpaid cohort."""
    mentorship, role = mentorship_get_for_user(user=user, pk=pk)
    if role == Role.MENTOR and not is_site_admin(user):
        raise Http404
    if not StipendPlan.objects.filter(cohort_id=mentorship.cohort_id).exists():
        raise Http404
    return mentorship, role


def mentee_schedule(*, mentorship) -> list[InstalmentRow]:
    instalments = list(mentorship.instalments.all())
    recommendations = {(r.mentorship_id, r.stage): r for r in Recommendation.objects.filter(mentorship=mentorship)}
    return _instalment_rows(mentorship, instalments, recommendations, mentor_evaluated([mentorship.pk]),
                            timezone.localdate())


def payment_details_for(*, mentorship) -> PaymentDetails | None:
    """Callers have already checked the reader (stipend_view_get)."""
    return PaymentDetails.objects.filter(user_id=mentorship.mentee_id, cohort_id=mentorship.cohort_id).first()


def mentee_stipend(*, mentorship) -> MenteeStipend | None:
    return MenteeStipend.objects.filter(mentee_id=mentorship.mentee_id, cohort_id=mentorship.cohort_id).first()


# ---- sponsors and funded places ----------------------------------------------------------------------------


@dataclass
class Funding:
    plan: StipendPlan
    funded: int
    filled: int
    other_currencies: list

    @property
    def over(self) -> bool:
        return self.filled > self.funded


def places_of(pledged, plan: StipendPlan) -> int:
    if str(pledged.currency) != plan.currency:
        return 0
    return math.floor(pledged.amount / plan.amount.amount)


def funding(*, cohort, plan: StipendPlan | None = None, sponsors=None) -> Funding | None:
    """Places funded = what sponsors pledged (in the plan's currency) / the stipend, against places filled
    (paid mentees accepted)."""
    plan = plan or plan_for(cohort)
    if plan is None:
        return None
    sponsors = list(Sponsor.objects.filter(cohort=cohort)) if sponsors is None else sponsors
    same = sum((s.pledged.amount for s in sponsors if str(s.pledged.currency) == plan.currency), Decimal(0))
    others = sorted({str(s.pledged.currency) for s in sponsors if str(s.pledged.currency) != plan.currency})
    funded = math.floor(same / plan.amount.amount)
    filled = MenteeStipend.objects.filter(cohort=cohort).count()
    return Funding(plan, funded, filled, others)


def sponsor_get_for_coordinator(*, user, cohort_pk: int, pk: int) -> Sponsor:
    cohort = cohort_get_for_coordinator(user=user, pk=cohort_pk)
    sponsor = Sponsor.objects.filter(cohort=cohort, pk=pk).first()
    if sponsor is None:
        raise Http404
    return sponsor


def sponsor_report(*, cohort) -> list[dict]:
    """One row per mentee a sponsor funds: mentees in order of acceptance fill each sponsor's places in turn."""
    plan = plan_for(cohort)
    sponsors = list(Sponsor.objects.filter(cohort=cohort))
    stipends = list(MenteeStipend.objects.filter(cohort=cohort).select_related("mentee__profile"))
    status = {m.mentee_id: m for m in Mentorship.objects.filter(cohort=cohort).order_by("created_at")}
    rows, queue = [], iter(stipends)
    for sponsor in sponsors:
        places = places_of(sponsor.pledged, plan) if plan else 0
        funded = [s for _n, s in zip(range(places), queue, strict=False)]
        base = {"sponsor": sponsor.organization, "status": sponsor.get_status_display(),
                "pledged": f"{exact(sponsor.pledged).amount} {sponsor.pledged.currency}", "places_funded": places}
        if not funded:
            rows.append({**base, "mentee": "", "mentorship": "", "completed": ""})
        for stipend in funded:
            mentorship = status.get(stipend.mentee_id)
            rows.append({**base, "mentee": stipend.mentee.get_full_name(),
                         "mentorship": mentorship.get_status_display() if mentorship else "",
                         "completed": "yes" if mentorship and mentorship.status == Mentorship.Status.COMPLETED else "no"})
    return rows
