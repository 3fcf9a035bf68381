"""A real `celery worker` against Postgres and Redis computes a run once; a second delivery is skipped."""
import os

import pytest

from matching.models import MatchProposal, MatchRun
from tests.celery_processes import celery_process, isolated_redis_url, process_env, run_manage, wait_for

from .factories import hand_made_cohort

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REQUEST_SNIPPET = """
from programs.models import Cohort
from matching.services import run_request
from django.contrib.auth import get_user_model
run, created = run_request(cohort=Cohort.objects.get(pk={cohort}), actor=get_user_model().objects.get(pk={actor}))
print("queued", run.pk, created)
"""


def test_real_worker_computes_a_run_once(redis_url, tmp_path):
    made = hand_made_cohort()
    env = process_env(
        redis_url=isolated_redis_url(redis_url, db_index=13), mail_dir=tmp_path / "mail",
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "mentorship.settings.test"),
    )
    worker_args = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
    log_path = tmp_path / "worker.log"
    with celery_process(*worker_args, env=env, log_path=log_path) as worker:
        result = run_manage("shell", "-c", REQUEST_SNIPPET.format(cohort=made.cohort.pk, actor=made.coordinator.pk), env=env)
        assert "queued" in result.stdout, result.stderr
        done = wait_for(lambda: MatchRun.objects.filter(cohort=made.cohort, status="done").exists())
        assert done, log_path.read_text()
        run = MatchRun.objects.get(cohort=made.cohort)
        assert MatchProposal.objects.filter(run=run, enrollment__isnull=False).count() == 2
        result = run_manage("shell", "-c", f"from matching.tasks import run_matching\nrun_matching.delay({run.pk})", env=env)
        assert result.returncode == 0, result.stderr
        assert wait_for(lambda: "'skipped'" in log_path.read_text(), timeout=20), log_path.read_text()
        assert worker.poll() is None
    run.refresh_from_db()
    assert run.attempts == 1 and MatchProposal.objects.filter(run=run).count() == 4
