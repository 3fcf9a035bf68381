"""Heartbeats of matching runs: claiming a run, beating while it computes, taking over a run whose
worker died, and the threshold after which a silent run counts as stuck (MATCHING_STUCK_AFTER_SECONDS)."""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import MatchRun, RunStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a run whose worker died is queued again until its third attempt, then marked failed


def stuck_after() -> timedelta:
    """A running run whose heartbeat is older than this lost its worker (MATCHING_STUCK_AFTER_SECONDS)."""
    return timedelta(seconds=settings.MATCHING_STUCK_AFTER_SECONDS)


def heartbeat_interval() -> float:
    """How often a computing run says it is alive: several beats fit in the stuck threshold."""
    return max(0.5, min(5.0, settings.MATCHING_STUCK_AFTER_SECONDS / 6))


def _retry_note(attempt: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("The worker stopped; retrying (attempt %(attempt)s of %(max)s).") % {
            "attempt": attempt, "max": MAX_ATTEMPTS,
        }


class _Abandoned(Exception):
    """The run was reaped or taken over by another worker while this one computed."""


def _claim(run_id: int, *, redelivered: bool) -> MatchRun | str:
    now = timezone.now()
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("cohort__program").filter(pk=run_id).first()
        if run is None:
            return "missing"
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            return "skipped"  # a redelivered message, a cancelled run, or a second call: nothing to do
        if run.status == RunStatus.RUNNING:
            seen = run.heartbeat_at
    if run.status == RunStatus.RUNNING:
        fresh = seen and seen > now - stuck_after()
        if fresh and not redelivered:
            return "busy"  # another worker is on it
        # A redelivered message: the worker that held it died. When only its pool process was killed
        # the message comes back at once, with the heartbeat still fresh. Watch it: a live owner beats.
        if fresh and _heartbeat_moves(run_id, seen):
            return "busy"
        return _take_over(run_id, seen)
    return _start(run_id, expected_status=RunStatus.QUEUED)


def _heartbeat_moves(run_id: int, seen) -> bool:
    deadline = time.monotonic() + 2 * heartbeat_interval() + 1
    while time.monotonic() < deadline:
        time.sleep(min(0.5, heartbeat_interval() / 2))
        current = MatchRun.objects.filter(pk=run_id).values_list("status", "heartbeat_at").first()
        if current is None or current[0] != RunStatus.RUNNING or current[1] != seen:
            return True  # it beat, finished, failed or was cancelled: not ours to take
    return False


def _take_over(run_id: int, seen) -> MatchRun | str:
    """The owner stopped beating: this delivery becomes the next attempt (or the run fails)."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING, heartbeat_at=seen).first()
        if run is None:
            return "busy"
        if run.attempts >= MAX_ATTEMPTS:
            _fail_stopped(run, timezone.now())
            return "failed"
        logger.warning("Matching run %s: its worker stopped (attempt %s); taking it over.", run_id, run.attempts)
        run.status, run.error = RunStatus.QUEUED, _retry_note(run.attempts + 1)
        run.save(update_fields=["status", "error"])
    return _start(run_id, expected_status=RunStatus.QUEUED)


def _start(run_id: int, *, expected_status: str) -> MatchRun | str:
    now = timezone.now()
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("cohort__program").filter(pk=run_id).first()
        if run is None or run.status != expected_status:
            return "busy" if run is not None and run.status == RunStatus.RUNNING else "skipped"
        run.status, run.started_at, run.heartbeat_at = RunStatus.RUNNING, now, now
        run.attempts += 1
        run.progress = MatchRun.Phase.LOADING
        if run.attempts > 1 and not run.error:
            run.error = _retry_note(run.attempts)
        run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "progress", "error"])
    return run


class _Heartbeat(threading.Thread):
    """Beats every few seconds while the run computes (long solver phases included), on its own connection.

    When the run is no longer this attempt's (reaped, cancelled, taken over), `lost` is set and the
    computation stops at its next phase.
    """

    def __init__(self, run: MatchRun):
        super().__init__(name=f"match-run-{run.pk}-heartbeat", daemon=True)
        self.run_id, self.attempt = run.pk, run.attempts
        self.stopping, self.lost = threading.Event(), threading.Event()

    def run(self):
        try:
            while not self.stopping.wait(heartbeat_interval()):
                try:
                    alive = MatchRun.objects.filter(
                        pk=self.run_id, status=RunStatus.RUNNING, attempts=self.attempt,
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Matching run %s: heartbeat failed", self.run_id, exc_info=True)
                    continue
                if not alive:
                    self.lost.set()
                    return
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)


def _beat(run: MatchRun, phase: str) -> None:
    """Progress, in its own autocommit statement so that pages see it at once."""
    heartbeat = getattr(run, "_heartbeat", None)
    if heartbeat is not None and heartbeat.lost.is_set():
        raise _Abandoned
    alive = MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
        heartbeat_at=timezone.now(), progress=phase,
    )
    if not alive:
        raise _Abandoned


def _fail_stopped(run: MatchRun, now) -> None:
    run.status, run.progress, run.finished_at = RunStatus.FAILED, "", now
    with translation.override(settings.LANGUAGE_CODE):
        run.error = _("The worker stopped responding %(count)s times; run the matching again.") % {"count": run.attempts}
    run.save(update_fields=["status", "progress", "finished_at", "error"])
