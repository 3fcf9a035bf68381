"""Thin Celery tasks: ids in, a service call. Each is safe to run twice.

Suggested beat entry (mentorship/settings, CELERY_BEAT_SCHEDULE), for scans whose enqueue was lost:
    "programs-scan-stale-duplicates": {"task": "programs.tasks.scan_stale_duplicates", "schedule": 300.0},
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import announcements, duplicates

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5,
             soft_time_limit=300, time_limit=360)
def scan_duplicates(cohort_id: int) -> str:
    """The near-duplicate check of one cohort; does nothing when its applications have not changed."""
    return duplicates.duplicate_scan_run(cohort_id=cohort_id)


@shared_task(acks_late=True)
def scan_stale_duplicates() -> int:
    """Periodic: queue the scans that a lost enqueue left waiting."""
    cohorts = duplicates.stale_duplicate_scans()
    for cohort_id in cohorts:
        duplicates.enqueue_duplicate_scan(cohort_id)
    return len(cohorts)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def deliver_announcement(announcement_id: int) -> int:
    """A large announcement's outbox rows (one per person, unique keys: safe to run twice)."""
    return announcements.announcement_deliver(announcement_id=announcement_id)
