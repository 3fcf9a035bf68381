"""Running the matching: request a run, compute it in a worker, reap runs whose worker died."""
from __future__ import annotations

import logging
import time
from collections import Counter

import numpy as np
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
from ..problem import CohortProblem, build_cohort_problem
from ..reasons import COORDINATOR, pair_components, reasons_text
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

logger = logging.getLogger(__name__)

# Proposals per INSERT: one statement up to this many applications (the query count of a run does not
# grow with the cohort below it), one more per batch above it (statements stay a few MB).
WRITE_BATCH = 10_000


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


def _ranks(cand: E.Candidates, pairs: np.ndarray, m: int) -> list[int | None]:
    """Position (1 = best) of each pair's mentor in its mentee's candidate list."""
    if len(pairs) == 0 or len(cand.mentee) == 0:
        return [None] * len(pairs)
    keys = cand.mentee * m + cand.mentor
    pos_in_row = np.arange(len(keys)) - cand.indptr[cand.mentee]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    wanted = pairs[:, 0] * m + pairs[:, 1]
    loc = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
    found = sorted_keys[loc] == wanted
    pos = pos_in_row[order[loc]] + 1
    return [int(p) if f and p < 32767 else None for p, f in zip(pos.tolist(), found.tolist(), strict=True)]


def _clamp(score: float) -> float:
    return min(100.0, max(0.0, round(float(score), 4)))


def proposal_rows(*, run: MatchRun, cp: CohortProblem, assignment: E.Assignment, cand: E.Candidates) -> list[MatchProposal]:
    """Unsaved proposals: one per matched pair (with its breakdown and reasons), one per unmatched application."""
    pairs = assignment.pairs
    comps = pair_components(cp, pairs)
    ranks = _ranks(cand, pairs, cp.n_mentors)
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for k, (i, j) in enumerate(pairs.tolist()):
            enrollment_id = cp.enrollment_ids[j]
            rows.append(MatchProposal(
                run=run, application_id=cp.application_ids[i], enrollment_id=enrollment_id,
                proposed_enrollment_id=enrollment_id, score=_clamp(assignment.scores[k]), components=comps[k],
                reasons=reasons_text(comps[k]["facts"], viewer=COORDINATOR), rank=ranks[k],
                locked=bool(assignment.locked[k]),
            ))
        best = cand.row_best_q
        for i, reason in sorted(assignment.unmatched.items()):
            best_q = int(best[i]) if len(best) else None
            has_best = best_q is not None and best_q > np.iinfo(np.int64).min // 2
            rows.append(MatchProposal(
                run=run, application_id=cp.application_ids[i], unmatched_reason=reason,
                components={"facts": {"best_score": round(best_q / E.SCORE_SCALE, 2) if has_best else None}},
            ))
    return rows


def _compute(run: MatchRun, counter: _QueryCounter) -> None:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cp = build_cohort_problem(cohort=run.cohort, params=run.parameters)
    params = cp.params
    timings["load"] = time.perf_counter() - t0
    _beat(run, MatchRun.Phase.SCORING)

    t = time.perf_counter()
    min_score = params.get("min_score") or None
    cand = E.candidates(cp.problem, cp.weights, top_k=int(params.get("top_k") or 50), min_score=min_score)
    timings["score"] = time.perf_counter() - t
    _beat(run, MatchRun.Phase.ASSIGNING)

    results: dict[str, E.Assignment] = {}
    for mode in ("optimal", "stable", "greedy"):
        t = time.perf_counter()
        results[mode] = E.assign(
            cp.problem, cp.weights, min_score=min_score, mode=mode, candidates=cand,
            objective=params.get("objective", "total") if mode == "optimal" else "total", max_pairs=cp.max_pairs,
        )
        timings[f"assign_{mode}"] = time.perf_counter() - t
    chosen = results[params.get("mode", "optimal")]
    _beat(run, MatchRun.Phase.WRITING)

    t = time.perf_counter()
    rows = proposal_rows(run=run, cp=cp, assignment=chosen, cand=cand)
    timings["explain"] = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING or locked.attempts != run.attempts:
            raise _Abandoned
        MatchProposal.objects.filter(run=locked).delete()  # nothing there unless a crashed attempt wrote it
        MatchProposal.objects.bulk_create(rows, batch_size=WRITE_BATCH)
        timings["write"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        matched = chosen.n_matched
        locked.status, locked.progress, locked.error = RunStatus.DONE, "", ""
        locked.finished_at = locked.heartbeat_at = timezone.now()
        locked.timings = {k: round(v, 4) for k, v in timings.items()}
        locked.query_count = counter.count  # every query so far: load, heartbeats, lock, delete, inserts
        locked.n_applications, locked.n_mentors = cp.n_mentees, cp.n_mentors
        locked.places = int(cp.problem.capacity.sum())
        locked.matched_count, locked.unmatched_count = matched, len(chosen.unmatched)
        locked.unmatched_by_reason = dict(Counter(chosen.unmatched.values()))
        locked.total_score = round(chosen.total, 4)
        locked.mean_score = _clamp(chosen.total / matched) if matched else None
        for mode, result in results.items():
            setattr(locked, f"{mode}_total", round(result.total, 4))
            setattr(locked, f"{mode}_matched", result.n_matched)
        locked.warnings = cp.warnings
        locked.save()


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
