"""Thin Celery tasks: ids in, a service call; each is safe to run twice.

Beat (mentorship/settings, CELERY_BEAT_SCHEDULE): "contributions-fetch-due" runs `fetch_due_contributions`,
which queues the contributions whose next check is due: never fetched (a lost enqueue), failed
(rate limit, outage: their backoff has passed) and open ones (to see them merged).
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from mentorship import broker

from . import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5,
             soft_time_limit=90, time_limit=120)
def fetch_contribution(contribution_id: int) -> str:
    return services.contribution_fetch(contribution_id=contribution_id)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5,
             soft_time_limit=60, time_limit=90)
def confirm_linked_account(account_id: int) -> str:
    return services.account_confirm(account_id=account_id)


@shared_task(acks_late=True)
def fetch_due_contributions() -> int:
    """Periodic: queue every contribution whose next check is due (a bounded batch per run)."""
    due = services.contributions_due()
    for contribution_id in due:
        broker.publish(fetch_contribution, contribution_id)
    return len(due)
