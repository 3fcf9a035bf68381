"""Thin Celery tasks: ids in, a service call. Each is safe to run twice.

Beat entry (mentorship/settings/base.py, CELERY_BEAT_SCHEDULE): "matching-reap-stuck-runs" every
MATCHING_REAP_SECONDS (20 s); a run is stuck after MATCHING_STUCK_AFTER_SECONDS (60 s) without a heartbeat.
"""
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError

from mentorship.history import acting_as

from . import services
from .models import MatchRun

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, max_retries=5,
    soft_time_limit=600, time_limit=660,
)
def run_matching(self, run_id: int) -> str:
    """Compute one run. A run already done (or being computed by another worker) is skipped.

    A redelivered message (the worker, or only its pool process, died holding it) takes the run over
    once its heartbeat has stopped.
    """
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.run_execute(run_id=run_id, redelivered=redelivered)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def recompute_matching(cohort_id: int) -> str:
    """The debounced re-run after a change: starts a run only if the cohort's latest run is still stale."""
    return services.recompute_if_stale(cohort_id=cohort_id)


@shared_task(acks_late=True)
def reap_stuck_runs() -> dict:
    """Periodic: re-queue (once) or fail runs whose worker went silent, re-dispatch runs nobody picked up,
    and queue re-runs that stale cohorts are still waiting for."""
    counts = services.runs_reap_stuck()
    counts["recompute"] = services.runs_recompute_due()
    return counts


@shared_task(bind=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def confirm_proposals(self, run_id: int, actor_id: int, proposal_ids: list[int] | None = None) -> dict:
    """Confirm many proposals outside the request (large cohorts). Confirmed ones are skipped on a second run."""
    run = MatchRun.objects.select_related("cohort__program").filter(pk=run_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if run is None or actor is None:
        return {"confirmed": 0, "errors": 0}
    try:
        with acting_as(actor):  # the audit history names who clicked, not "the system"
            result = services.proposals_confirm(run=run, actor=actor, proposal_ids=proposal_ids)
    except ValidationError as exc:  # e.g. a newer run appeared after the click: nothing to retry
        logger.info("Matching run %s not confirmed: %s", run_id, "; ".join(exc.messages))
        return {"confirmed": 0, "errors": 1}
    for error in result.errors:
        logger.info("Matching run %s: %s", run_id, error)
    return {"confirmed": len(result.confirmed), "errors": len(result.errors)}
