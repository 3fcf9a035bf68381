"""The near-duplicate check of a cohort's applications: a task runs it when applications change.

An application submitted, edited or withdrawn calls `duplicate_scan_request` inside its service
transaction: the stored result is marked stale and, after commit, one scan per cohort per
DEBOUNCE_SECONDS is queued (a burst of edits gives one scan that sees them all). The task
(`programs.tasks.scan_duplicates`) is safe to run twice: it compares a fingerprint of the
applications with the one it stored and does nothing when they match. The dashboard only reads
the stored result and says when it was computed; no page view computes or queues anything.
"""
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from ..models import Answer, Cohort, DuplicateScan, QuestionKind
from ..selectors import reviewable_applications
from ..similarity import find_near_duplicates

logger = logging.getLogger(__name__)

THRESHOLD = 0.6
MAX_PAIRS = 50
DEBOUNCE_SECONDS = 30


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


def applications_fingerprint(cohort: Cohort) -> str:
    """Changes whenever a reviewable application is added, removed or edited (answers included:
    saving them saves the application)."""
    seen = reviewable_applications(cohort).aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    return hashlib.sha256(repr((THRESHOLD, MAX_PAIRS, sorted(seen.items()))).encode()).hexdigest()[:32]


def duplicate_scan_run(*, cohort_id: int) -> str:
    """Scan the cohort's reviewable applications and store the pairs. Returns "scanned", "fresh"
    (nothing changed since the stored scan) or "missing"."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return "missing"
    scan, _created = DuplicateScan.objects.get_or_create(cohort=cohort)
    fingerprint = applications_fingerprint(cohort)
    # Cleared before reading: a change committed from now on marks it stale again and queues a scan.
    DuplicateScan.objects.filter(pk=scan.pk).update(stale=False)
    if scan.computed_at is not None and scan.fingerprint == fingerprint:
        return "fresh"
    pairs = find_near_duplicates(application_texts(cohort), threshold=THRESHOLD, max_pairs=MAX_PAIRS)
    DuplicateScan.objects.filter(pk=scan.pk).update(
        pairs=[[pair.first, pair.second, pair.similarity] for pair in pairs],
        fingerprint=fingerprint, computed_at=timezone.now(),
    )
    return "scanned"


def duplicate_scan_request(*, cohort_id: int) -> None:
    """Inside a service transaction that changed an application: mark the stored scan stale and
    queue a scan after commit."""
    DuplicateScan.objects.filter(cohort_id=cohort_id, stale=False).update(stale=True)

    def enqueue_after_commit():  # named, not a partial: Django 5.2 logs a robust failure by __qualname__
        enqueue_duplicate_scan(cohort_id)

    transaction.on_commit(enqueue_after_commit, robust=True)


def debounce_key(cohort_id: int) -> str:
    return f"programs:duplicate-scan-queued:{cohort_id}"


def enqueue_duplicate_scan(cohort_id: int) -> bool:
    """Queue one scan per cohort per debounce window, delayed by the window. Never raises: a lost
    enqueue leaves the result marked stale, and the next change (or `scan_stale_duplicates`) queues it."""
    from ..tasks import scan_duplicates

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        scan_duplicates.apply(args=(cohort_id,))  # in-process (tests, the embedded default): no window to wait for
        return True
    try:
        if not cache.add(debounce_key(cohort_id), "1", timeout=DEBOUNCE_SECONDS):
            return False  # one is already on its way for this window
    except Exception:
        logger.warning("Cache unavailable: queueing the duplicate scan of cohort %s without debounce.", cohort_id,
                       exc_info=True)
    try:
        scan_duplicates.apply_async((cohort_id,), countdown=DEBOUNCE_SECONDS)
    except Exception:
        logger.warning("Could not queue the duplicate scan of cohort %s; it stays marked stale.", cohort_id,
                       exc_info=True)
        try:
            cache.delete(debounce_key(cohort_id))
        except Exception:
            pass
        return False
    return True


def stale_duplicate_scans() -> list[int]:
    """Cohorts whose stored scan is marked stale (for the periodic sweep)."""
    return list(DuplicateScan.objects.filter(stale=True).values_list("cohort_id", flat=True))
