"""When people, applications or settings change after a run, the run is stale: say so and re-run (debounced).

Marking happens in the transaction of the change; queuing happens after it commits and never raises:
a broker or cache failure must not turn a saved change into an error page (the periodic sweep in
`reap_stuck_runs` picks up whatever was missed).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from programs.models import Cohort, Phase

from ..models import MatchRun, RunStatus

logger = logging.getLogger(__name__)

# Matching may still change the pairs in these phases; later, a change only marks the run stale.
RECOMPUTE_PHASES = (Phase.UPCOMING, Phase.ACCEPTING, Phase.REVIEWING, Phase.MATCHING)

_suppressed: ContextVar[bool] = ContextVar("matching_staleness_suppressed", default=False)


@contextmanager
def staleness_suppressed():
    """Changes made by the matching itself (confirming proposals accepts applications) are not news."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def debounce_seconds() -> int:
    return int(getattr(settings, "MATCHING_RECOMPUTE_DEBOUNCE_SECONDS", 60))


def recompute_cache_key(cohort_id: int) -> str:
    return f"matching:recompute:{cohort_id}"


def runs_mark_stale(*, cohort_ids, reason: str) -> list[int]:
    """Mark the cohorts' finished (or running) runs stale and queue a debounced re-run. Returns the cohorts marked.

    `cohort_ids` is a list or a subquery of cohort ids. One query when there is nothing to mark.
    """
    if _suppressed.get():
        return []
    fresh = MatchRun.objects.filter(cohort_id__in=cohort_ids, status__in=[RunStatus.DONE, RunStatus.RUNNING], stale=False)
    marked = sorted(set(fresh.values_list("cohort_id", flat=True)))
    if not marked:
        return []
    now = timezone.now()
    with transaction.atomic():  # a savepoint: if this fails, the caller's own change is not lost with it
        MatchRun.objects.filter(
            cohort_id__in=marked, status__in=[RunStatus.DONE, RunStatus.RUNNING], stale=False,
        ).update(
            stale=True, stale_since=now, stale_reason=reason[:40],
            recompute_after=now + timedelta(seconds=debounce_seconds()),
        )
    for cohort_id in marked:
        schedule_recompute(cohort_id)
    return marked


def schedule_recompute(cohort_id: int) -> None:
    """After commit: queue one re-run per cohort per debounce window (a cache key), delayed by the window,
    so that a burst of edits gives one run that sees all of them."""

    def enqueue_recompute_after_commit():
        enqueue_recompute(cohort_id)

    transaction.on_commit(enqueue_recompute_after_commit, robust=True)


def enqueue_recompute(cohort_id: int) -> bool:
    from mentorship.broker import publish

    from ..tasks import recompute_matching

    delay = debounce_seconds()
    try:
        if not cache.add(recompute_cache_key(cohort_id), "1", timeout=delay):
            return False  # one is already on its way for this window
    except Exception:
        logger.warning("Cache unavailable: the re-run of cohort %s is left to the sweep.", cohort_id, exc_info=True)
        return False
    if not publish(recompute_matching, cohort_id, countdown=delay):  # broker down: the sweep queues it later
        try:
            cache.delete(recompute_cache_key(cohort_id))
        except Exception:
            pass
        return False
    return True


def recompute_if_stale(*, cohort_id: int) -> str:
    """The debounced task: start an automatic run if the cohort's latest run is still stale.

    Returns "fresh", "busy", "closed", "missing" or "queued".
    """
    from .runs import run_request

    cohort = Cohort.objects.select_related("program").filter(pk=cohort_id).first()
    if cohort is None:
        return "missing"
    latest = MatchRun.objects.filter(cohort_id=cohort_id).order_by("-created_at", "-pk").first()
    if latest is not None and latest.is_active:
        return "busy"  # recompute_after stays set: the sweep looks again later
    MatchRun.objects.filter(cohort_id=cohort_id, recompute_after__isnull=False).update(recompute_after=None)
    if latest is None or not latest.stale:
        return "fresh"
    if cohort.phase not in RECOMPUTE_PHASES:
        return "closed"
    run_request(cohort=cohort, actor=None, automatic=True)
    return "queued"


def runs_recompute_due(*, now=None) -> int:
    """Sweep: cohorts whose latest run waits for a re-run that never came (broker down, debounced away)."""
    now = now or timezone.now()
    newer = MatchRun.objects.filter(cohort_id=OuterRef("cohort_id"), created_at__gt=OuterRef("created_at"))
    due = (
        MatchRun.objects.filter(recompute_after__lt=now, stale=True)
        .exclude(Exists(newer))
        .values_list("cohort_id", flat=True)
    )
    queued = 0
    for cohort_id in sorted(set(due)):
        queued += enqueue_recompute(cohort_id)
    return queued
