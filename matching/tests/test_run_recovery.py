"""Runs whose worker stopped: what the page says, the threshold from the environment, cancelling."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from matching import services
from matching.models import MatchRun
from matching.services.runs import run_execute, stuck_after

from .factories import MatchRunFactory, hand_made_cohort

pytestmark = pytest.mark.django_db
Status = MatchRun.Status


def test_the_stuck_threshold_comes_from_the_setting(settings):
    settings.MATCHING_STUCK_AFTER_SECONDS = 45
    assert stuck_after() == timedelta(seconds=45)


def test_a_silent_run_is_retried_twice_then_fails_with_the_reason(settings, client):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # dispatch only queues: nobody computes it here
    made = hand_made_cohort()
    silent = timezone.now() - timedelta(seconds=settings.MATCHING_STUCK_AFTER_SECONDS + 5)
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, heartbeat_at=silent, finished_at=None)
    assert services.runs_reap_stuck()["requeued"] == 1
    client.force_login(made.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "The worker stopped; retrying (attempt 2 of 3)." in page

    MatchRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, attempts=3, heartbeat_at=silent)
    assert services.runs_reap_stuck()["failed"] == 1
    page = client.get(run.get_absolute_url()).content.decode()
    assert "failed: The worker stopped responding 3 times; run the matching again." in page


def test_a_redelivered_message_takes_over_a_run_whose_heartbeat_stopped(settings):
    settings.MATCHING_STUCK_AFTER_SECONDS = 3  # beats every 0.5 s: the watch lasts about 2 s
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, heartbeat_at=timezone.now(),
                          finished_at=None, parameters=made.cohort.matching_settings.parameters())
    assert run_execute(run_id=run.pk) == "busy"  # a first delivery leaves a fresh run alone
    assert run_execute(run_id=run.pk, redelivered=True) == "done"
    run.refresh_from_db()
    assert run.status == Status.DONE and run.attempts == 2 and run.error == ""


def test_only_the_program_s_coordinators_can_cancel_a_run(client):
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, finished_at=None)
    url = reverse("matching:run_cancel", args=[run.pk])

    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    run.refresh_from_db()
    assert run.status == Status.RUNNING

    client.force_login(made.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert url in page  # the running page offers it
    response = client.post(url, follow=True)
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.error.startswith("Cancelled by")
    assert "The matching run was cancelled." in response.content.decode()
    assert run_execute(run_id=run.pk) == "skipped"  # a late message does nothing
    assert services.run_request(cohort=made.cohort, actor=made.coordinator)[1]  # a new run may start
