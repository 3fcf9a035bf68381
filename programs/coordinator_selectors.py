"""Reads for the mentor (volunteer, review) and coordinator pages, scoped and in constant queries.

Builds on `selectors.py`: the permission-checking getters there decide who may see a cohort
or an application; the functions here shape what the pages show.
"""
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import (
    Answer,
    Application,
    ApplicationPreference,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
    QuestionKind,
    Recommendation,
    Review,
)
from .selectors import application_get_for_user, reviewable_applications
from .similarity import DuplicatePair, find_near_duplicates

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


def mean_score_subquery():
    """Mean weighted score of an application's scored, unconflicted reviews (None if none)."""
    return Subquery(
        Review.objects.filter(application=OuterRef("pk"), conflict_of_interest=False, weighted_score__isnull=False)
        .values("application")
        .annotate(mean=Avg("weighted_score"))
        .values("mean")[:1]
    )


QUEUE_SORTS = {"-submitted_at", "submitted_at", "-review_count", "review_count"}
COORDINATOR_SORTS = {"-mean_score", "mean_score"}


def _count_of(queryset):
    """The number of rows of a correlated queryset, as a subquery (0 when none)."""
    return Coalesce(Subquery(queryset.order_by().values("application").annotate(n=Count("pk")).values("n")[:1]), 0)


def review_queue(*, cohort: Cohort, reviewer, as_coordinator: bool = False, status: str = "",
                 preferred_only: bool = False, unreviewed_only: bool = False, sort: str = "-submitted_at"):
    """The review queue for one reviewer: what `selectors.review_queue` gives, plus the rank the
    applicant gave me and, for coordinators only, the mean score (mentors form their own opinion).

    The per-row numbers are correlated subqueries rather than COUNT over joins: with a GROUP BY
    over every application column (long texts included) Postgres spent about 50 ms per page on
    a 2,000-application cohort; this way it computes them for the rows it returns.
    """
    reviews = Review.objects.filter(application=OuterRef("pk"))
    preferences = ApplicationPreference.objects.filter(application=OuterRef("pk"), mentor=reviewer)
    qs = (
        reviewable_applications(cohort)
        .select_related("applicant__profile")
        .prefetch_related("skills_wanted")
        .annotate(
            review_count=_count_of(reviews),
            reviewed_by_me=Exists(reviews.filter(reviewer=reviewer)),
            preferred_me=Exists(preferences),
            my_rank=Subquery(preferences.values("rank")[:1]),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if preferred_only:
        qs = qs.filter(preferred_me=True)
    if unreviewed_only:
        qs = qs.filter(reviewed_by_me=False)
    if as_coordinator:
        qs = qs.annotate(mean_score=mean_score_subquery())
        if sort in COORDINATOR_SORTS:
            # Unscored applications last in both directions.
            expression = Coalesce("mean_score", -1.0) if sort.startswith("-") else Coalesce("mean_score", 99.0)
            return qs.order_by(expression.desc() if sort.startswith("-") else expression.asc(), "pk")
    return qs.order_by(sort if sort in QUEUE_SORTS else "-submitted_at", "pk")


def queue_neighbours(queue, pk: int) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position 1-based, total) of an application in a queue; one query."""
    ids = list(queue.values_list("pk", flat=True))
    try:
        index = ids.index(pk)
    except ValueError:
        return None, (ids[0] if ids else None), 0, len(ids)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following, index + 1, len(ids)


# --- Reviewing one application -----------------------------------------------------------


def application_get_for_review(*, user, pk: int) -> tuple[Application, str]:
    """The application for its review page and the viewer's role (reviewer or coordinator).

    404 for the applicant (reviews are never shown to them), for anyone who may not see the
    application, and for drafts (not in review yet).
    """
    application, role = application_get_for_user(user=user, pk=pk)
    if role not in ("reviewer", "coordinator") or application.status == Status.DRAFT:
        raise Http404
    application = (
        Application.objects.select_related("cohort__program", "applicant__profile")
        .prefetch_related(
            "skills_wanted",
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__order", "question")),
            Prefetch("preferences", queryset=ApplicationPreference.objects.select_related("mentor__profile")),
            "cohort__criteria",
        )
        .get(pk=application.pk)
    )
    return application, role


def reviews_of(application: Application):
    return application.reviews.select_related("reviewer__profile").order_by("created_at")


# --- Coordinator dashboard ---------------------------------------------------------------


@dataclass
class RankedRow:
    application: Application
    score: dict | None
    tallies: dict = field(default_factory=dict)


@dataclass
class ReviewStats:
    """Everything the dashboard needs from a cohort's reviews, from one narrow query."""

    total: Counter = field(default_factory=Counter)  # application id -> reviews
    usable: Counter = field(default_factory=Counter)  # application id -> reviews without a conflict
    by_reviewer: Counter = field(default_factory=Counter)  # reviewer id -> reviews written
    tallies: dict = field(default_factory=lambda: defaultdict(Counter))  # application id -> recommendation -> n


def review_stats(cohort: Cohort) -> ReviewStats:
    stats = ReviewStats()
    for application_id, reviewer_id, conflicted, recommendation in (
        Review.objects.filter(application__cohort=cohort).order_by()
        .values_list("application_id", "reviewer_id", "conflict_of_interest", "recommendation")
    ):
        stats.total[application_id] += 1
        stats.by_reviewer[reviewer_id] += 1
        if not conflicted:
            stats.usable[application_id] += 1
        if recommendation:
            stats.tallies[application_id][recommendation] += 1
    return stats


def status_counts(cohort: Cohort) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included; one query."""
    counts = dict(cohort.applications.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def reviewable_rows(cohort: Cohort) -> list[tuple[int, str, object]]:
    """(id, status, submitted_at) of every reviewable application; one narrow query."""
    return list(reviewable_applications(cohort).order_by().values_list("pk", "status", "submitted_at"))


def review_coverage(rows, stats: ReviewStats, *, limit: int = 50) -> tuple[int, list[Application]]:
    """Applications awaiting a decision with fewer than two usable (unconflicted) reviews:
    (how many, the first `limit` with their names, fewest reviews and oldest first); one query."""
    thin = sorted(
        ((stats.usable[pk], submitted_at.timestamp() if submitted_at else 0.0, pk)
         for pk, status, submitted_at in rows if status in AWAITING_DECISION and stats.usable[pk] < MIN_REVIEWS),
    )
    ids = [pk for _n, _t, pk in thin[:limit]]
    by_id = Application.objects.select_related("applicant__profile").in_bulk(ids)
    shown = []
    for pk in ids:
        application = by_id[pk]
        application.usable_reviews = stats.usable[pk]
        shown.append(application)
    return len(thin), shown


def mentor_review_load(cohort: Cohort, stats: ReviewStats) -> list[MentorEnrollment]:
    """Approved mentors with how many reviews each has written in this cohort, fewest first; one query."""
    enrollments = list(
        MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.APPROVED).select_related("mentor__profile")
    )
    for enrollment in enrollments:
        enrollment.reviews_done = stats.by_reviewer[enrollment.mentor_id]
    return sorted(enrollments, key=lambda e: (e.reviews_done, e.mentor.profile.name.lower(), e.pk))


def pending_enrollment_count(cohort: Cohort) -> int:
    return MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.PENDING).count()


def ranked_application_ids(rows, scores: dict[int, dict], *, status: str = "") -> list[int]:
    """Best normalised score first (then best mean); unscored ones last, oldest first. No query."""

    def key(row):
        pk, _status, submitted_at = row
        score = scores.get(pk)
        if score is None:
            return (1, 0.0, 0.0, submitted_at.timestamp() if submitted_at else 0.0, pk)
        return (0, -score["normalised"], -score["mean"], 0.0, pk)

    return [row[0] for row in sorted((r for r in rows if not status or r[1] == status), key=key)]


def ranked_rows(ids: list[int], scores: dict[int, dict], stats: ReviewStats) -> list[RankedRow]:
    """One page of the ranked list, with review counts and recommendation tallies; one query."""
    by_id = Application.objects.select_related("applicant__profile").in_bulk(ids)
    rows = []
    for pk in ids:
        application = by_id.get(pk)
        if application is None:
            continue
        application.review_count = stats.total[pk]
        rows.append(RankedRow(
            application=application, score=scores.get(pk),
            tallies={value: stats.tallies[pk][value] for value in Recommendation.values},
        ))
    return rows


def applications_for_decision(cohort: Cohort, ids) -> list[Application]:
    """The cohort's reviewable applications among `ids`, with names, for the confirmation step."""
    return list(
        reviewable_applications(cohort).filter(pk__in=ids).select_related("applicant__profile", "cohort__program")
        .order_by("applicant__profile__display_name", "pk")
    )


# --- Possible duplicates --------------------------------------------------------------------


def application_texts(cohort: Cohort) -> list[tuple[int, str]]:
    """(application id, goals + motivation + long-text answers) for reviewable applications; two queries."""
    texts = {pk: [goals, motivation] for pk, goals, motivation in
             reviewable_applications(cohort).order_by("pk").values_list("pk", "goals", "motivation")}
    for application_id, value in (
        Answer.objects.filter(application_id__in=list(texts), question__kind=QuestionKind.LONG_TEXT)
        .order_by("application_id", "question__order", "question_id").values_list("application_id", "value")
    ):
        texts[application_id].append(value)
    return [(pk, "\n".join(parts)) for pk, parts in texts.items()]


def possible_duplicates(cohort: Cohort, *, threshold: float = 0.6, limit: int = 50) -> list[dict]:
    """Pairs of near-identical applications: [{first, second, similarity}], most similar first.

    Cached under a fingerprint of the cohort's applications (how many, last change), so the
    dashboard reruns the comparison only after an application changed. One query when cached.
    """
    fingerprint = reviewable_applications(cohort).aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    digest = hashlib.sha256(repr((cohort.pk, threshold, limit, sorted(fingerprint.items()))).encode()).hexdigest()[:32]
    key = f"programs:duplicates:{cohort.pk}:{digest}"
    pairs = cache.get(key)
    if pairs is None:
        found: list[DuplicatePair] = find_near_duplicates(application_texts(cohort), threshold=threshold, max_pairs=limit)
        pairs = [(p.first, p.second, p.similarity) for p in found]
        cache.set(key, pairs, timeout=60 * 60)
    if not pairs:
        return []
    ids = {pk for first, second, _s in pairs for pk in (first, second)}
    names = {
        pk: (name or email.split("@")[0])
        for pk, name, email in Application.objects.filter(pk__in=ids)
        .values_list("pk", "applicant__profile__display_name", "applicant__email")
    }
    return [
        {"first": first, "first_name": names.get(first, ""), "second": second, "second_name": names.get(second, ""),
         "similarity": similarity}
        for first, second, similarity in pairs if first in names and second in names
    ]
