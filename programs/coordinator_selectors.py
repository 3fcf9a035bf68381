"""Reads for the mentor (volunteer, review) and coordinator pages, scoped and in constant queries.

Builds on `selectors.py`: the permission-checking getters there decide who may see a cohort
or an application; the functions here shape what the pages show.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, When, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import (
    Answer,
    Application,
    ApplicationPreference,
    ApprovalStatus,
    Cohort,
    DuplicateScan,
    MentorEnrollment,
    Recommendation,
    Review,
)
from .selectors import application_get_for_user, application_score, reviewable_applications

Status = Application.Status

# Applications that still wait for reviews: they need coverage before a decision.
AWAITING_DECISION = (Status.SUBMITTED, Status.UNDER_REVIEW)
MIN_REVIEWS = 2


# --- Mentors volunteer --------------------------------------------------------------------


def cohort_enrollments(cohort: Cohort):
    """Every volunteer of the cohort, oldest request first, with the mentor's profile."""
    return (
        MentorEnrollment.objects.filter(cohort=cohort)
        .select_related("mentor__profile", "decided_by__profile")
        .order_by("created_at", "pk")
    )


def mentor_cohorts(*, user):
    """Cohorts where the person is an approved mentor."""
    return (
        MentorEnrollment.objects.filter(mentor=user, status=ApprovalStatus.APPROVED)
        .select_related("cohort__program")
        .order_by("-cohort__applications_open_at")
    )


# --- Review queue ---------------------------------------------------------------------------


QUEUE_SORTS = {"-submitted_at", "submitted_at", "-review_count", "review_count"}
COORDINATOR_SORTS = {"-mean_score", "mean_score"}


def queue_sort_key(*, sort: str, as_coordinator: bool) -> tuple[str, bool]:
    """The queue's order as (annotation or field, descending); the application id breaks ties."""
    if as_coordinator and sort in COORDINATOR_SORTS:
        return "mean_key", sort.startswith("-")
    sort = sort if sort in QUEUE_SORTS else "-submitted_at"
    return {"submitted_at": "submitted_at", "review_count": "review_total"}[sort.lstrip("-")], sort.startswith("-")


def review_queue(*, cohort: Cohort, reviewer, as_coordinator: bool = False, status: str = "",
                 preferred_only: bool = False, unreviewed_only: bool = False, fewer_reviews: bool = False,
                 sort: str = "-submitted_at"):
    """The review queue for one reviewer: reviewable applications with their review count, whether I
    reviewed each, the rank the applicant gave me and, for coordinators only, the mean score (mentors
    form their own opinion). `fewer_reviews`: only those awaiting a decision with fewer than
    MIN_REVIEWS usable reviews (the dashboard's coverage summary links here).

    Counts and means are the stored review numbers (services.review_numbers), so sorting by them
    reads a column; the per-person answers are correlated subqueries, computed for the page's rows.
    """
    reviews = Review.objects.filter(application=OuterRef("pk"))
    preferences = ApplicationPreference.objects.filter(application=OuterRef("pk"), mentor=reviewer)
    qs = (
        reviewable_applications(cohort)
        .select_related("applicant__profile")
        .prefetch_related("skills_wanted")
        .annotate(
            review_count=F("review_total"),
            reviewed_by_me=Exists(reviews.filter(reviewer=reviewer)),
            preferred_me=Exists(preferences),
            my_rank=Subquery(preferences.values("rank")[:1]),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if fewer_reviews:
        qs = qs.filter(status__in=AWAITING_DECISION, usable_reviews__lt=MIN_REVIEWS)
    if preferred_only:
        qs = qs.filter(preferred_me=True)
    if unreviewed_only:
        qs = qs.filter(reviewed_by_me=False)
    if as_coordinator:
        qs = qs.annotate(mean_score=F("review_mean"))
        if sort in COORDINATOR_SORTS:  # unscored applications last in both directions
            qs = qs.annotate(mean_key=Coalesce("review_mean", -1.0 if sort.startswith("-") else 99.0))
    name, descending = queue_sort_key(sort=sort, as_coordinator=as_coordinator)
    return qs.order_by(F(name).desc() if descending else F(name).asc(), "pk")


def _sort_value(application: Application, name: str, descending: bool):
    if name == "mean_key":  # as review_queue's Coalesce: unscored last in both directions
        return application.review_mean if application.review_mean is not None else (-1.0 if descending else 99.0)
    return getattr(application, name)


def queue_neighbours(queue, application: Application, key: tuple[str, bool]):
    """(previous id, next id, position 1-based, total) of an application in a queue ordered by `key`
    then id. Each query is a range of the sort value with LIMIT 1 or a count up to the application
    (an index range for the default order), never the whole queue's ids: six queries, always."""
    name, descending = key
    pk, value = application.pk, _sort_value(application, name, descending)
    if value is None:  # no sort value (no submission date): the plain way
        ids = list(queue.values_list("pk", flat=True))
        index = ids.index(pk) if pk in ids else None
        if index is None:
            return None, (ids[0] if ids else None), 0, len(ids)
        return (ids[index - 1] if index else None), (ids[index + 1] if index + 1 < len(ids) else None), index + 1, len(ids)
    later, earlier = ("lt", "gt") if descending else ("gt", "lt")
    tied = queue.filter(**{name: value})
    first = queue.values_list("pk", flat=True)
    next_tied = tied.filter(pk__gt=pk).values_list("pk", flat=True).first()
    next_later = first.filter(**{f"{name}__{later}": value}).first()
    previous_tied = tied.filter(pk__lt=pk).order_by("-pk").values_list("pk", flat=True).first()
    previous_earlier = queue.filter(**{f"{name}__{earlier}": value}).reverse().values_list("pk", flat=True).first()
    counts = queue.filter(Q(**{f"{name}__{earlier}": value}) | Q(**{name: value, "pk__lte": pk})).order_by().aggregate(
        before=Count("pk", filter=~Q(pk=pk)), here=Count("pk", filter=Q(pk=pk)),
    )
    total = queue.count()
    if not counts["here"]:  # filtered out of this queue: offer its first row
        return None, first.first(), 0, total
    previous = previous_tied if previous_tied is not None else previous_earlier
    following = next_tied if next_tied is not None else next_later
    return previous, following, counts["before"] + 1, total


# --- Reviewing one application -----------------------------------------------------------


def application_get_for_review(*, user, pk: int) -> tuple[Application, str]:
    """The application for its review page and the viewer's role (reviewer or coordinator).

    404 for the applicant (reviews are never shown to them), for anyone who may not see the
    application, and for drafts (not in review yet).
    """
    application, role = application_get_for_user(user=user, pk=pk)
    if role not in ("reviewer", "coordinator") or application.status == Status.DRAFT:
        raise Http404
    prefetch_related_objects(  # on the row already read (cohort, program and applicant joined there)
        [application],
        "skills_wanted",
        Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__order", "question")),
        Prefetch("preferences", queryset=ApplicationPreference.objects.select_related("mentor__profile")),
        "cohort__criteria",
    )
    return application, role


def reviews_of(application: Application):
    return application.reviews.select_related("reviewer__profile").order_by("created_at")


# --- Coordinator dashboard ---------------------------------------------------------------
# Every function here reads stored numbers and a page of rows: the same queries, and about the
# same time, for 50 applications or 20,000.


@dataclass
class RankedRow:
    """One row of the ranked list, with its cells ready to print (a 100-row page renders in a few
    milliseconds this way; template lookups and tags per cell were most of the page's time)."""

    application: Application
    score: dict | None
    tallies: dict = field(default_factory=dict)
    rank: str = ""
    pk: str = ""
    reviews: str = ""
    name: str = ""
    select_label: str = ""
    url: str = ""
    status_label: str = ""
    normalised: str = "—"
    mean: str = "—"
    tally_cells: list = field(default_factory=list)
    # The tallies again as four cells (a nested loop per row cost a third of the page's rendering).
    strong_yes: str = "0"
    yes: str = "0"
    maybe: str = "0"
    no: str = "0"


# What a list row never shows: left in the database rather than carried for 100 rows.
LONG_TEXTS = ("goals", "motivation", "offer", "wants", "group_members", "support_needed")


def status_counts(cohort: Cohort) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included; one query."""
    # COUNT(*), not COUNT(id): the (cohort, status) index answers it alone (an index-only scan, no table reads).
    counts = dict(cohort.applications.order_by().values("status").annotate(n=Count("*")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def ranked_count(counts: list[tuple[str, str, int]], *, status: str = "") -> int:
    """How many rows `ranked_applications` has, from `status_counts` (no query)."""
    hidden = {Status.DRAFT, Status.WITHDRAWN}
    return sum(n for value, _label, n in counts if value not in hidden and (value == status or not status))


def review_coverage(cohort: Cohort, *, limit: int = 10) -> tuple[int, list[Application]]:
    """Applications awaiting a decision with fewer than MIN_REVIEWS usable (unconflicted) reviews:
    (how many, the first `limit`, fewest reviews and oldest first); two queries."""
    thin = reviewable_applications(cohort).filter(status__in=AWAITING_DECISION, usable_reviews__lt=MIN_REVIEWS)
    shown = list(
        thin.select_related("applicant__profile").defer(*LONG_TEXTS)
        .order_by("usable_reviews", F("submitted_at").asc(nulls_first=True), "pk")[:limit]
    )
    return (thin.count() if len(shown) == limit else len(shown)), shown


def mentor_review_load(cohort: Cohort) -> list[MentorEnrollment]:
    """Approved mentors with how many reviews each has written in this cohort, fewest first; one query."""
    enrollments = list(
        MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.APPROVED).select_related("mentor__profile")
    )
    for enrollment in enrollments:
        enrollment.reviews_done = enrollment.reviews_written
    return sorted(enrollments, key=lambda e: (e.reviews_done, e.mentor.profile.name.lower(), e.pk))


def pending_enrollment_count(cohort: Cohort) -> int:
    return MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.PENDING).count()


def ranked_applications(cohort: Cohort, *, status: str = ""):
    """Reviewable applications, best normalised score first (then best mean, then id); unscored ones
    last, oldest submission first. Ordered by the stored numbers, so a page is an index range."""
    qs = reviewable_applications(cohort)
    if status:
        qs = qs.filter(status=status)
    unscored_by_age = Case(When(normalised_score__isnull=True, then=F("submitted_at")))
    return qs.select_related("applicant__profile").defer(*LONG_TEXTS).order_by(
        F("normalised_score").desc(nulls_last=True), F("ranking_mean").desc(nulls_last=True),
        unscored_by_age.asc(nulls_first=True), "pk",
    )


def ranked_rows(applications, *, first_rank: int = 1) -> list[RankedRow]:
    """One page of the ranked list with its scores and recommendation tallies; one query."""
    applications = list(applications)
    tallies = defaultdict(Counter)
    for application_id, recommendation, n in (
        Review.objects.filter(application_id__in=[a.pk for a in applications]).exclude(recommendation="")
        .order_by().values("application_id", "recommendation").annotate(n=Count("pk"))
        .values_list("application_id", "recommendation", "n")
    ):
        tallies[application_id][recommendation] = n
    url = reverse("programs:review", args=[987654321])  # one reverse for the page, the id filled in per row
    rows = []
    for rank, application in enumerate(applications, start=first_rank):
        score = application_score(application)
        counts = {value: tallies[application.pk][value] for value in Recommendation.values}
        name = application.applicant.profile.name
        rows.append(RankedRow(
            application=application, score=score, tallies=counts, rank=str(rank), pk=str(application.pk),
            reviews=str(application.review_total), name=name,
            select_label=_("Select %(name)s") % {"name": name}, url=url.replace("987654321", str(application.pk)),
            status_label=application.get_status_display(),
            normalised=floatformat(score["normalised"], 2) if score else "—",
            mean=floatformat(score["mean"], 2) if score else "—",
            tally_cells=[str(n) for n in counts.values()],
            **{value: str(n) for value, n in counts.items()},
        ))
    return rows


def applications_for_decision(cohort: Cohort, ids) -> list[Application]:
    """The cohort's reviewable applications among `ids`, with names, for the confirmation step."""
    return list(
        reviewable_applications(cohort).filter(pk__in=ids).select_related("applicant__profile", "cohort__program")
        .order_by("applicant__profile__display_name", "pk")
    )


# --- Possible duplicates --------------------------------------------------------------------


@dataclass
class DuplicateReport:
    """What the last near-duplicate scan found (programs.tasks.scan_duplicates) and when."""

    pairs: list[dict]
    computed_at: object = None  # None: not scanned yet
    stale: bool = False  # applications changed since; a new scan is queued


def possible_duplicates(cohort: Cohort) -> DuplicateReport:
    """The stored scan's pairs, with names: [{first, first_name, second, second_name, similarity}],
    most similar first. Two queries; nothing is computed or queued here (GET never writes)."""
    scan = DuplicateScan.objects.filter(cohort=cohort).first()
    if scan is None:
        return DuplicateReport(pairs=[])
    ids = {pk for first, second, _s in scan.pairs for pk in (first, second)}
    names = {
        pk: (name or email.split("@")[0])
        for pk, name, email in reviewable_applications(cohort).filter(pk__in=ids)
        .values_list("pk", "applicant__profile__display_name", "applicant__email")
    } if ids else {}
    pairs = [
        {"first": first, "first_name": names[first], "second": second, "second_name": names[second],
         "similarity": similarity}
        for first, second, similarity in scan.pairs if first in names and second in names
    ]
    return DuplicateReport(pairs=pairs, computed_at=scan.computed_at, stale=scan.stale)
