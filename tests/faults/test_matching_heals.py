"""A matching run whose worker dies heals by itself: a real Celery worker is SIGKILLed mid-run.

Whole worker killed: the message waits for the broker's visibility timeout, but the heartbeat stops,
the reaper (a real beat) queues the run again and a second worker computes it, within the threshold.
Only the pool process killed: the message comes back at once with a fresh heartbeat; the redelivered
task watches the heartbeat, sees it stopped and takes the run over, without waiting for the reaper.
"""
import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from conftest import require
from matching.models import MatchProposal, MatchRun
from matching.tests.factories import hand_made_cohort
from tests.celery_processes import celery_process, process_env, run_manage, wait_for

from .servers import private_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REQUEST_SNIPPET = """
from programs.models import Cohort
from matching.services import run_request
from django.contrib.auth import get_user_model
run, created = run_request(cohort=Cohort.objects.get(pk={cohort}), actor=get_user_model().objects.get(pk={actor}))
print("queued", run.pk, created)
"""
WORKER = ["worker", "--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle", "-l", "INFO"]


def _request_run(made, env) -> MatchRun:
    result = run_manage("shell", "-c", REQUEST_SNIPPET.format(cohort=made.cohort.pk, actor=made.coordinator.pk), env=env)
    assert "queued" in result.stdout, result.stderr
    return MatchRun.objects.get(cohort=made.cohort)


def _watch_until_done(run: MatchRun, timeout: float) -> list[str]:
    """The notes the run page showed on the way (its `error` while active)."""
    notes, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, error = MatchRun.objects.filter(pk=run.pk).values_list("status", "error").get()
        if error and error not in notes:
            notes.append(error)
        if status in ("done", "failed"):
            break
        time.sleep(0.2)
    return notes


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_a_killed_worker_s_run_is_queued_again_and_finished_by_another_worker(tmp_path):
    require(connection.vendor == "postgresql", "real-worker tests need Postgres")
    made = hand_made_cohort()
    with private_redis(tmp_path / "redis") as redis_server:
        env = process_env(redis_url=redis_server.url, mail_dir=tmp_path / "mail", MATCHING_STUCK_AFTER_SECONDS=6,
                          MATCHING_REAP_SECONDS=2, MATCHING_PHASE_PAUSE=4)
        beat_args = ["beat", "-s", str(tmp_path / "beat-schedule"), "-l", "INFO"]
        with celery_process(*beat_args, env=env, log_path=tmp_path / "beat.log"):
            with celery_process(*WORKER, app="tests.faults.slow_matching_celery", env=env,
                                log_path=tmp_path / "worker-a.log") as worker_a:
                run = _request_run(made, env)
                assert wait_for(lambda: MatchRun.objects.filter(pk=run.pk, progress="scoring").exists(), timeout=60), \
                    (tmp_path / "worker-a.log").read_text()
                os.killpg(worker_a.pid, signal.SIGKILL)
                killed_at = time.monotonic()
            with celery_process(*WORKER, app="tests.faults.slow_matching_celery", env={**env, "MATCHING_PHASE_PAUSE": "0"},
                                log_path=tmp_path / "worker-b.log"):
                notes = _watch_until_done(run, timeout=60)
                healed_after = time.monotonic() - killed_at
    run.refresh_from_db()
    print(f"\nworker SIGKILLed: run done {healed_after:.1f} s later; notes: {notes}")
    assert run.status == "done", (run.error, (tmp_path / "worker-b.log").read_text()[-3000:])
    assert run.attempts == 2 and run.error == ""
    assert "The worker stopped; retrying (attempt 2 of 3)." in notes
    assert MatchProposal.objects.filter(run=run, enrollment__isnull=False).count() == 2
    # Threshold 6 s + one reaper period 2 s + the second computation, well under a minute.
    assert healed_after < 25


def test_a_killed_pool_process_s_run_is_taken_over_when_its_message_comes_back(tmp_path):
    require(connection.vendor == "postgresql", "real-worker tests need Postgres")
    made = hand_made_cohort()
    with private_redis(tmp_path / "redis") as redis_server:
        # A threshold far beyond the test: only the redelivered message can heal it in time.
        env = process_env(redis_url=redis_server.url, mail_dir=tmp_path / "mail", MATCHING_STUCK_AFTER_SECONDS=120,
                          MATCHING_PHASE_PAUSE=2)
        log_path = tmp_path / "worker.log"
        with celery_process(*WORKER, app="tests.faults.slow_matching_celery", env=env, log_path=log_path) as worker:
            run = _request_run(made, env)
            assert wait_for(lambda: MatchRun.objects.filter(pk=run.pk, progress="scoring").exists(), timeout=60), \
                log_path.read_text()
            children = _children(worker.pid)
            assert len(children) == 1, children
            os.kill(children[0], signal.SIGKILL)
            killed_at = time.monotonic()
            notes = _watch_until_done(run, timeout=60)
            healed_after = time.monotonic() - killed_at
            assert worker.poll() is None  # the main process lived on
    run.refresh_from_db()
    print(f"\npool process SIGKILLed: run done {healed_after:.1f} s later; notes: {notes}")
    assert run.status == "done", (run.error, log_path.read_text()[-3000:])
    assert run.attempts == 2
    assert "The worker stopped; retrying (attempt 2 of 3)." in notes
    assert healed_after < 40
