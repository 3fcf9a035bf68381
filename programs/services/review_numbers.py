"""Review numbers of a cohort's applications, kept in stored columns so that pages only read them.

Per application: how many reviews, how many without a conflict of interest, how many scored,
the mean weighted score and the strictness-normalised score; per mentor enrollment: how many
reviews the mentor wrote in the cohort. They change whenever a review is written, so they are
refreshed in the transaction that writes the review:

- `review_submit` (the one door for people) wraps its write in `review_write`, which takes the
  cohort's turn first (a transaction-scoped advisory lock on Postgres, so two reviews of one
  cohort never compute from two snapshots) and refreshes once at the end;
- any other write of a Review row (admin, demo data, tests, a cascade when an application or a
  person is deleted) triggers the same refresh through the model signals below: in the same
  transaction for a save, once per cohort after commit for deletes (a cascade may remove many).

`normalised_scores` is the ranking rule itself (unchanged from the per-request version it
replaces), so the stored numbers and the ranking are those the pages showed before.
"""
import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..models import Application, MentorEnrollment, Review

MIN_REVIEWS_FOR_OWN_SCALE = 2
ADVISORY_LOCK_NAMESPACE = 1818  # pg_advisory_xact_lock(namespace, cohort id): "review numbers"

_in_review_write: ContextVar[bool] = ContextVar("programs_review_write", default=False)


def normalised_scores(rows) -> dict[int, dict]:
    """Per application: weighted mean, strictness-normalised score and number of scored reviews.

    `rows` are (application id, reviewer id, weighted score) of the cohort's scored reviews without
    a conflict of interest. Normalisation: each reviewer's scores become z-scores against that
    reviewer's own mean and spread within the cohort, so a strict reviewer's 3 counts like a lenient
    one's 4; a reviewer with fewer than two scored reviews is measured on the cohort's scale.
    """
    rows = list(rows)
    by_reviewer = defaultdict(list)
    for _app, reviewer, score in rows:
        by_reviewer[reviewer].append(score)
    all_scores = [score for _a, _r, score in rows]
    cohort_mean = sum(all_scores) / len(all_scores) if all_scores else 0.0
    cohort_std = math.sqrt(sum((s - cohort_mean) ** 2 for s in all_scores) / len(all_scores)) if all_scores else 0.0
    stats = {}
    for reviewer, scores in by_reviewer.items():
        if len(scores) < MIN_REVIEWS_FOR_OWN_SCALE:
            stats[reviewer] = (cohort_mean, cohort_std)
            continue
        mean = sum(scores) / len(scores)
        var = sum((s - mean) ** 2 for s in scores) / len(scores)
        stats[reviewer] = (mean, math.sqrt(var))
    per_app = defaultdict(lambda: {"scores": [], "z": []})
    for app, reviewer, score in rows:
        mean, std = stats[reviewer]
        per_app[app]["scores"].append(score)
        per_app[app]["z"].append((score - mean) / std if std > 1e-9 else 0.0)
    return {
        app: {
            "mean": round(sum(d["scores"]) / len(d["scores"]), 3),
            "mean_exact": sum(d["scores"]) / len(d["scores"]),
            "normalised": round(sum(d["z"]) / len(d["z"]), 3),
            "count": len(d["scores"]),
        }
        for app, d in per_app.items()
    }


def _take_turns(cohort_id: int) -> None:
    """Serialise review-number refreshes of one cohort until the transaction ends (Postgres; SQLite
    already runs one writer at a time). An advisory lock, not the cohort row, so it never waits on
    the cohort locks other services take."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, cohort_id])


APPLICATION_NUMBERS = ("review_total", "usable_reviews", "scored_reviews", "review_mean", "ranking_mean",
                       "normalised_score")


def review_numbers_refresh(*, cohort_id: int) -> int:
    """Recompute the cohort's review numbers and write the rows that changed; returns how many.

    One read of the cohort's reviews, one of the stored numbers; the cost is that of the cohort,
    paid once per review written instead of once per page view.
    """
    with transaction.atomic():
        _take_turns(cohort_id)
        return write_review_numbers(cohort_id, application=Application, enrollment=MentorEnrollment, review=Review)


def write_review_numbers(cohort_id: int, *, application, enrollment, review) -> int:
    """The refresh with the models passed in, so that the data migration runs the same code."""
    reviews = list(
        review.objects.filter(application__cohort_id=cohort_id).order_by()
        .values_list("application_id", "reviewer_id", "conflict_of_interest", "weighted_score")
    )
    total, usable, by_reviewer = Counter(), Counter(), Counter()
    for application_id, reviewer_id, conflicted, _score in reviews:
        total[application_id] += 1
        by_reviewer[reviewer_id] += 1
        if not conflicted:
            usable[application_id] += 1
    scores = normalised_scores(
        (application_id, reviewer_id, score) for application_id, reviewer_id, conflicted, score in reviews
        if not conflicted and score is not None
    )
    changed = []  # (pk, *numbers) of the rows whose numbers differ; plain tuples, no model instances
    for pk, *stored in application.objects.filter(cohort_id=cohort_id).order_by("pk").values_list("pk", *APPLICATION_NUMBERS):
        score = scores.get(pk)
        wanted = (total[pk], usable[pk], score["count"] if score else 0, score["mean_exact"] if score else None,
                  score["mean"] if score else None, score["normalised"] if score else None)
        if wanted != tuple(stored):
            changed.append((pk, *wanted))
    _update_rows(application, changed, APPLICATION_NUMBERS)
    mentors = [
        (pk, by_reviewer[mentor_id])
        for pk, mentor_id, written in enrollment.objects.filter(cohort_id=cohort_id).values_list(
            "pk", "mentor_id", "reviews_written")
        if written != by_reviewer[mentor_id]
    ]
    _update_rows(enrollment, mentors, ("reviews_written",))
    return len(changed) + len(mentors)


def _update_rows(model, rows, names) -> None:
    """Write `rows` ((pk, *values of `names`)): on Postgres one UPDATE ... FROM (VALUES ...) per 1,000 rows
    (bulk_update's CASE WHEN per column took seconds for a busy reviewer of a 20,000-application cohort)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for pk, *values in rows:
            model.objects.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
        return
    from psycopg2.extras import execute_values

    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in names]
    types = ", ".join(f"%s::{column.db_type(connection)}" for column in columns)
    assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = v.{connection.ops.quote_name(c.column)}"
                            for c in columns)
    value_names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    sql = f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v(id, {value_names}) WHERE t.id = v.id"
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template=f"(%s, {types})", page_size=1000)


@contextmanager
def review_write(*, cohort_id: int):
    """For a service that writes reviews, inside its transaction: take the cohort's turn before
    anything is locked or written, write, then refresh the numbers once."""
    _take_turns(cohort_id)
    token = _in_review_write.set(True)
    try:
        yield
    finally:
        _in_review_write.reset(token)
    review_numbers_refresh(cohort_id=cohort_id)


def _cohort_of(review: Review) -> int | None:
    return Application.objects.filter(pk=review.application_id).values_list("cohort_id", flat=True).first()


@receiver(post_save, sender=Review, dispatch_uid="programs_review_numbers_on_save")
def _refresh_after_a_direct_save(sender, instance, raw=False, **kwargs):
    if raw or _in_review_write.get():
        return  # fixtures load as they are; review_write refreshes once itself
    cohort_id = _cohort_of(instance)
    if cohort_id is not None:
        review_numbers_refresh(cohort_id=cohort_id)


_pending_after_delete: set[int] = set()


def _refresh_if_pending(cohort_id: int) -> None:
    if cohort_id in _pending_after_delete:  # the first callback of a cascade refreshes; the others find nothing
        _pending_after_delete.discard(cohort_id)
        review_numbers_refresh(cohort_id=cohort_id)


@receiver(post_delete, sender=Review, dispatch_uid="programs_review_numbers_on_delete")
def _refresh_after_a_delete(sender, instance, **kwargs):
    cohort_id = _cohort_of(instance)
    if cohort_id is None:
        return  # the application went with it: nothing left to number
    _pending_after_delete.add(cohort_id)

    # A named function, not functools.partial: Django 5.2 logs a robust callback's failure by its
    # __qualname__, which a partial lacks (RELIABILITY-NOTES).
    def refresh_after_delete():
        _refresh_if_pending(cohort_id)

    transaction.on_commit(refresh_after_delete, robust=True)
