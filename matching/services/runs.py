"""Running the matching: request a run, compute it in a worker, reap runs whose worker died."""
from __future__ import annotations

import logging
import time
from collections import Counter
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programs.models import Cohort
from programs.permissions import is_coordinator

from .. import engine as E
from ..models import ACTIVE_RUN_STATUSES, MatchProposal, MatchRun, RunStatus
from ..problem import CohortProblem, cohort_problem_from, cohort_rows_load
from .config import matching_settings_get
from .heartbeat import (  # noqa: F401 (MAX_ATTEMPTS and stuck_after are part of this module's interface)
    MAX_ATTEMPTS,
    _Abandoned,
    _beat,
    _claim,
    _fail_stopped,
    _Heartbeat,
    _retry_note,
    stuck_after,
)
from .output import clamp_score, proposal_rows, proposals_write

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- queueing


def dispatch_run(run_id: int) -> bool:
    """Queue the task. False (the run stays queued for the reaper) when the broker cannot be reached."""
    from mentorship.broker import publish

    from ..tasks import run_matching

    # Broker down or hung: a saved run must not become an error page; the reaper queues it again.
    return publish(run_matching, run_id)


def _dispatch_after_commit(run_id: int) -> None:
    def enqueue_matching_run_after_commit():
        dispatch_run(run_id)

    transaction.on_commit(enqueue_matching_run_after_commit, robust=True)


def run_request(*, cohort: Cohort, actor, automatic: bool = False) -> tuple[MatchRun, bool]:
    """Queue a run with the cohort's current settings. Returns (run, created).

    At most one run per cohort is queued or running (a partial unique constraint): a second click,
    or an automatic recompute while one runs, gets the run already under way. `actor=None` is the
    system (automatic recomputes, the reaper).
    """
    if actor is not None and not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    config = matching_settings_get(cohort=cohort)
    with transaction.atomic():
        active = MatchRun.objects.filter(cohort=cohort, status__in=ACTIVE_RUN_STATUSES).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                run = MatchRun.objects.create(
                    cohort=cohort, requested_by=actor, automatic=automatic, parameters=config.parameters(),
                    heartbeat_at=timezone.now(),
                )
        except IntegrityError:  # another request queued one a moment ago
            return MatchRun.objects.get(cohort=cohort, status__in=ACTIVE_RUN_STATUSES), False
        _dispatch_after_commit(run.pk)
    return run, True


# --------------------------------------------------------------------------- execution


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_execute(*, run_id: int, redelivered: bool = False) -> str:
    """Compute a queued run: load, score, assign (optimal, stable and greedy), write the proposals.

    Safe to call twice: a finished run is skipped, a run another worker is computing is left alone.
    Returns "done", "failed", "skipped", "busy", "missing" or "abandoned". Transient database errors
    put the run back in the queue and propagate (the task retries).
    """
    claimed = _claim(run_id, redelivered=redelivered)
    if isinstance(claimed, str):
        return claimed
    run = claimed
    counter = _QueryCounter()
    run._heartbeat = _Heartbeat(run)
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # in-process runs have no worker to lose
        run._heartbeat.start()
    try:
        with connection.execute_wrapper(counter):
            _compute(run, counter)
    except _Abandoned:
        return "abandoned"
    except (OperationalError, InterfaceError):
        MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
            status=RunStatus.QUEUED, progress="", heartbeat_at=timezone.now(),
        )
        raise
    except Exception as exc:  # bad data, engine refusal, time limit: record it, do not retry
        logger.exception("Matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
            status=RunStatus.FAILED, progress="", error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now(),
        )
        return "failed"
    finally:
        run._heartbeat.stop()
    return "done"


class _Phases:
    """Wall and CPU seconds of each phase of a run ("load", "load_cpu", ...). CPU time is the process's (every
    thread: numba's and BLAS's too), so a phase that waited for a busy machine shows wall well above CPU."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()

    @contextmanager
    def __call__(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.timings[name] = time.perf_counter() - wall
        self.timings[f"{name}_cpu"] = time.process_time() - cpu

    def close(self) -> dict[str, float]:
        self.timings["total"] = time.perf_counter() - self._wall0
        self.timings["total_cpu"] = time.process_time() - self._cpu0
        return {k: round(v, 4) for k, v in self.timings.items()}


def _compute(run: MatchRun, counter: _QueryCounter) -> None:
    phase = _Phases()
    with phase("load"):
        rows = cohort_rows_load(cohort=run.cohort)
    with phase("build"):
        cp = cohort_problem_from(rows, run.parameters)
    params = cp.params
    _beat(run, MatchRun.Phase.SCORING)

    min_score = params.get("min_score") or None
    with phase("score"):
        cand = E.candidates(cp.problem, cp.weights, top_k=int(params.get("top_k") or 50), min_score=min_score)
    _beat(run, MatchRun.Phase.ASSIGNING)

    results: dict[str, E.Assignment] = {}
    for mode in ("optimal", "stable", "greedy"):
        with phase(f"assign_{mode}"):
            results[mode] = E.assign(
                cp.problem, cp.weights, min_score=min_score, mode=mode, candidates=cand,
                objective=params.get("objective", "total") if mode == "optimal" else "total", max_pairs=cp.max_pairs,
            )
    chosen = results[params.get("mode", "optimal")]
    _beat(run, MatchRun.Phase.WRITING)

    with phase("explain"):  # breakdown and reasons of the proposed pairs only
        proposals = proposal_rows(run=run, cp=cp, assignment=chosen, cand=cand)
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING or locked.attempts != run.attempts:
            raise _Abandoned
        with phase("write"):
            MatchProposal.objects.filter(run=locked).delete()  # nothing there unless a crashed attempt wrote it
            counter.count += proposals_write(proposals)
        _record(locked, cp, chosen, results)
        locked.timings = phase.close()
        locked.query_count = counter.count + 1  # every query: load, heartbeats, lock, delete, COPY, and this save
        locked.save()


def _record(locked: MatchRun, cp: CohortProblem, chosen: E.Assignment, results: dict[str, E.Assignment]) -> None:
    """The run's outcome on its row (saved by the caller)."""
    matched = chosen.n_matched
    locked.status, locked.progress, locked.error = RunStatus.DONE, "", ""
    locked.finished_at = locked.heartbeat_at = timezone.now()
    locked.n_applications, locked.n_mentors = cp.n_mentees, cp.n_mentors
    locked.places = int(cp.problem.capacity.sum())
    locked.matched_count, locked.unmatched_count = matched, len(chosen.unmatched)
    locked.unmatched_by_reason = dict(Counter(chosen.unmatched.values()))
    locked.total_score = round(chosen.total, 4)
    locked.mean_score = clamp_score(chosen.total / matched) if matched else None
    for mode, result in results.items():
        setattr(locked, f"{mode}_total", round(result.total, 4))
        setattr(locked, f"{mode}_matched", result.n_matched)
    locked.warnings = cp.warnings


# --------------------------------------------------------------------------- reaping


def runs_reap_stuck(*, now=None) -> dict[str, int]:
    """Nothing stays "running" or "queued" forever.

    A running run without a heartbeat for `MATCHING_STUCK_AFTER_SECONDS` is queued again (its page
    says "retrying, attempt 2 of 3"), and marked failed with the reason after its third attempt; a
    queued run that no worker picked up in that time is dispatched again.
    """
    now = now or timezone.now()
    cutoff = now - stuck_after()
    counts = {"requeued": 0, "failed": 0, "redispatched": 0}
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    stuck = MatchRun.objects.filter(silent, status=RunStatus.RUNNING).values_list("pk", flat=True)
    for run_id in list(stuck):
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().filter(silent, pk=run_id, status=RunStatus.RUNNING).first()
            if run is None:
                continue
            if run.attempts < MAX_ATTEMPTS:
                logger.warning("Matching run %s: no heartbeat since %s; queued again.", run.pk, run.heartbeat_at)
                run.status, run.progress, run.heartbeat_at = RunStatus.QUEUED, "", now
                run.error = _retry_note(run.attempts + 1)
                run.save(update_fields=["status", "progress", "heartbeat_at", "error"])
                _dispatch_after_commit(run.pk)
                counts["requeued"] += 1
            else:
                logger.warning("Matching run %s: no heartbeat after %s attempts; failed.", run.pk, run.attempts)
                _fail_stopped(run, now)
                counts["failed"] += 1
    waiting = MatchRun.objects.filter(status=RunStatus.QUEUED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
    ).values_list("pk", flat=True)
    for run_id in list(waiting):
        if MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(heartbeat_at=now):
            dispatch_run(run_id)
            counts["redispatched"] += 1
    return counts


def run_cancel(*, run: MatchRun, actor) -> bool:
    """A coordinator stops a queued or running run. False if it had already finished.

    The worker notices at its next heartbeat or phase and drops its result; a redelivered message
    finds the run failed and skips it.
    """
    if not is_coordinator(actor, run.cohort.program_id):
        raise PermissionDenied
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in ACTIVE_RUN_STATUSES:
            return False
        locked.status, locked.progress, locked.finished_at = RunStatus.FAILED, "", timezone.now()
        with translation.override(settings.LANGUAGE_CODE):
            locked.error = _("Cancelled by %(name)s.") % {"name": actor.get_full_name() or actor.email}
        locked.save(update_fields=["status", "progress", "finished_at", "error"])
    logger.info("Matching run %s cancelled by user %s", run.pk, actor.pk)
    return True
