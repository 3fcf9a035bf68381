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
replaces), so the stored numbers and the ranking are those the pages showed before. The refresh
runs the same rule in SQL (`_CANDIDATES_SQL`): the database groups the cohort's reviews and returns
only the applications whose numbers may have changed, so a review submit no longer reads the whole
cohort into Python (2 s at 20,000 applications before; see bench/programs_pages.py).
"""
import math
from collections import defaultdict
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

# The ranking rule of `normalised_scores`, in SQL, for one cohort (%(cohort)s): per application the review
# counts, the mean weighted score and the mean z-score (each reviewer's scores against that reviewer's
# mean and population spread; fewer than MIN_REVIEWS_FOR_OWN_SCALE scored reviews: the cohort's), in
# the same two passes as the Python rule. Only rows whose stored numbers may differ come back: a count or
# the mean changed, or the z-score moved outside the stored rounded value's rounding interval.
# Portable SQL (Postgres and SQLite: CTEs, SQRT, CASE); the tables are named by the caller, so the data
# migration runs the same statement on its historical models.
_CANDIDATES_SQL = """
WITH cohort_reviews AS (
    SELECT r.application_id, r.reviewer_id, r.conflict_of_interest AS conflicted, r.weighted_score AS s
    FROM {review} r JOIN {application} a ON a.id = r.application_id
    WHERE a.cohort_id = %(cohort)s
), scored AS (
    SELECT application_id, reviewer_id, s FROM cohort_reviews WHERE NOT conflicted AND s IS NOT NULL
), cohort_mean AS (
    SELECT AVG(s) AS m FROM scored
), cohort_scale AS (
    SELECT cm.m AS m, SQRT(AVG((x.s - cm.m) * (x.s - cm.m))) AS sd FROM scored x CROSS JOIN cohort_mean cm GROUP BY cm.m
), reviewer_mean AS (
    SELECT reviewer_id, AVG(s) AS m, COUNT(*) AS n FROM scored GROUP BY reviewer_id
), reviewer_scale AS (
    SELECT rm.reviewer_id,
           CASE WHEN rm.n < %(own_scale)s THEN cs.m ELSE rm.m END AS m,
           CASE WHEN rm.n < %(own_scale)s THEN cs.sd ELSE SQRT(AVG((x.s - rm.m) * (x.s - rm.m))) END AS sd
    FROM scored x JOIN reviewer_mean rm ON rm.reviewer_id = x.reviewer_id CROSS JOIN cohort_scale cs
    GROUP BY rm.reviewer_id, rm.m, rm.n, cs.m, cs.sd
){affected}, per_application_scores AS (
    SELECT x.application_id, COUNT(*) AS scored, AVG(x.s) AS mean,
           AVG(CASE WHEN rs.sd > 1e-9 THEN (x.s - rs.m) / rs.sd ELSE 0.0 END) AS z
    FROM scored x JOIN reviewer_scale rs ON rs.reviewer_id = x.reviewer_id
    {where_affected_x}
    GROUP BY x.application_id
), per_application_counts AS (
    SELECT application_id, COUNT(*) AS total, SUM(CASE WHEN conflicted THEN 0 ELSE 1 END) AS usable
    FROM cohort_reviews {where_affected} GROUP BY application_id
)
SELECT a.id, COALESCE(pc.total, 0), COALESCE(pc.usable, 0), COALESCE(ps.scored, 0), ps.mean, ps.z,
       a.review_total, a.usable_reviews, a.scored_reviews, a.review_mean, a.ranking_mean, a.normalised_score
FROM {application} a
LEFT JOIN per_application_counts pc ON pc.application_id = a.id
LEFT JOIN per_application_scores ps ON ps.application_id = a.id
WHERE a.cohort_id = %(cohort)s {and_affected_a} AND (
    a.review_total <> COALESCE(pc.total, 0) OR a.usable_reviews <> COALESCE(pc.usable, 0)
    OR a.scored_reviews <> COALESCE(ps.scored, 0)
    OR (a.review_mean IS NULL) <> (ps.mean IS NULL) OR a.review_mean <> ps.mean
    OR (a.normalised_score IS NULL) <> (ps.z IS NULL) OR ABS(a.normalised_score - ps.z) >= 0.000499
)
ORDER BY a.id
"""

# Reviews written per mentor enrollment of the cohort, where the stored count differs.
_ENROLLMENTS_SQL = """
SELECT e.id, COALESCE(w.n, 0) FROM {enrollment} e
LEFT JOIN (
    SELECT r.reviewer_id, COUNT(*) AS n FROM {review} r JOIN {application} a ON a.id = r.application_id
    WHERE a.cohort_id = %(cohort)s {and_reviewer_r} GROUP BY r.reviewer_id
) w ON w.reviewer_id = e.mentor_id
WHERE e.cohort_id = %(cohort)s {and_reviewer} AND e.reviews_written <> COALESCE(w.n, 0)
ORDER BY e.id
"""


# After one review by one reviewer is written, only these applications' numbers can change: its own,
# the reviewer's others (their spread moved) and those of reviewers on the cohort's scale (its mean and
# spread moved). The cohort's statistics are still computed from all its reviews, in the database.
_AFFECTED = {
    "affected": """, affected AS (
    SELECT %(application)s AS id
    UNION SELECT application_id FROM scored WHERE reviewer_id = %(reviewer)s
    UNION SELECT x.application_id FROM scored x JOIN reviewer_mean rm ON rm.reviewer_id = x.reviewer_id
          WHERE rm.n < %(own_scale)s
)""",
    "where_affected_x": "WHERE x.application_id IN (SELECT id FROM affected)",
    "where_affected": "WHERE application_id IN (SELECT id FROM affected)",
    "and_affected_a": "AND a.id IN (SELECT id FROM affected)",
    "and_reviewer": "AND e.mentor_id = %(reviewer)s",
    "and_reviewer_r": "AND r.reviewer_id = %(reviewer)s",
}
_EVERYTHING = dict.fromkeys(_AFFECTED, "")


def review_numbers_refresh(*, cohort_id: int, application_id: int | None = None, reviewer_id: int | None = None) -> int:
    """Bring the cohort's stored review numbers up to date; returns how many rows were written.

    The database computes the numbers and returns only the applications whose stored numbers may
    differ; Python rounds those (Python's `round`, the rule's own) and writes the ones that changed.
    Given the one review just written (`application_id`, `reviewer_id`), only the applications it can
    have moved are considered (`_AFFECTED`); without, the whole cohort (signals, the data migration).
    """
    with transaction.atomic():
        _take_turns(cohort_id)
        return write_review_numbers(cohort_id, application=Application, enrollment=MentorEnrollment, review=Review,
                                    touched=(application_id, reviewer_id) if application_id and reviewer_id else None)


def write_review_numbers(cohort_id: int, *, application, enrollment, review, touched=None) -> int:
    """The refresh with the models passed in, so that the data migration runs the same code."""
    tables = {name: connection.ops.quote_name(model._meta.db_table)
              for name, model in (("application", application), ("enrollment", enrollment), ("review", review))}
    params = {"cohort": cohort_id, "own_scale": MIN_REVIEWS_FOR_OWN_SCALE}
    if touched is not None:
        params["application"], params["reviewer"] = touched
    parts = _AFFECTED if touched is not None else _EVERYTHING
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL.format(**tables, **parts), params)
        candidates = cursor.fetchall()
        cursor.execute(_ENROLLMENTS_SQL.format(**tables, **parts), params)
        mentors = [tuple(row) for row in cursor.fetchall()]
    changed = []  # (pk, *numbers) of the rows whose numbers differ
    for pk, total, usable, scored, mean, z, *stored in candidates:
        wanted = (total, usable, scored, mean, round(mean, 3) if mean is not None else None,
                  round(z, 3) if z is not None else None)
        if wanted != tuple(stored):
            changed.append((pk, *wanted))
    _update_rows(application, changed, APPLICATION_NUMBERS)
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
def review_write(*, cohort_id: int, application_id: int | None = None, reviewer_id: int | None = None):
    """For a service that writes reviews, inside its transaction: take the cohort's turn before
    anything is locked or written, write, then refresh the numbers once (only what one review can
    move when the block writes just the review of `reviewer_id` on `application_id`)."""
    _take_turns(cohort_id)
    token = _in_review_write.set(True)
    try:
        yield
    finally:
        _in_review_write.reset(token)
    review_numbers_refresh(cohort_id=cohort_id, application_id=application_id, reviewer_id=reviewer_id)


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
