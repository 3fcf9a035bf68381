"""Tasks: a run is safe to compute twice, stuck runs are reaped, changes make runs stale and queue a re-run."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from matching import services, tasks
from matching.models import MatchProposal, MatchRun
from matching.services.staleness import recompute_cache_key
from programs.models import Application, Phase

from .factories import MatchRunFactory, hand_made_cohort
from .test_services import run_now

pytestmark = pytest.mark.django_db
Status = MatchRun.Status


# --- Idempotent runs ----------------------------------------------------------------------------


def test_the_task_is_safe_to_run_twice(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    proposals = list(MatchProposal.objects.filter(run=run).values_list("pk", flat=True))
    finished = run.finished_at
    assert tasks.run_matching.delay(run.pk).get() == "skipped"
    assert services.run_execute(run_id=run.pk) == "skipped"
    run.refresh_from_db()
    assert run.finished_at == finished and run.attempts == 1
    assert list(MatchProposal.objects.filter(run=run).values_list("pk", flat=True)) == proposals


def test_a_run_another_worker_is_computing_is_left_alone():
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, finished_at=None)
    assert services.run_execute(run_id=run.pk) == "busy"
    run.refresh_from_db()
    assert run.status == Status.RUNNING and run.attempts == 1


def test_a_missing_run_is_not_an_error():
    assert services.run_execute(run_id=987654) == "missing"


def test_a_failing_run_is_marked_failed_with_the_error(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    with mock.patch("matching.services.runs.cohort_problem_from", side_effect=ValueError("locked pairs exceed capacity")):
        with django_capture_on_commit_callbacks(execute=True):
            run, _created = services.run_request(cohort=made.cohort, actor=made.coordinator)
    run.refresh_from_db()
    assert run.status == Status.FAILED and "locked pairs exceed capacity" in run.error and run.finished_at
    # a failed run frees the cohort for the next one
    again, created = services.run_request(cohort=made.cohort, actor=made.coordinator)
    assert created and again.pk != run.pk


def test_a_run_reaped_while_computing_does_not_write():
    made = hand_made_cohort()
    run, _ = services.run_request(cohort=made.cohort, actor=made.coordinator)

    def reaped_meanwhile(**kwargs):
        MatchRun.objects.filter(pk=run.pk).update(status=Status.FAILED, finished_at=timezone.now(), error="reaped")
        return []

    with mock.patch("matching.services.runs.proposal_rows", side_effect=reaped_meanwhile):
        assert services.run_execute(run_id=run.pk) == "abandoned"
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.error == "reaped"
    assert not MatchProposal.objects.filter(run=run).exists()


# --- Nothing stays running forever --------------------------------------------------------------


def test_a_stuck_run_is_queued_again_once_then_failed(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    long_ago = timezone.now() - timedelta(hours=1)
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, heartbeat_at=long_ago,
                          started_at=long_ago, finished_at=None, parameters=made.cohort.matching_settings.parameters())
    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.reap_stuck_runs.delay().get()
    assert counts["requeued"] == 1
    run.refresh_from_db()
    assert run.status == Status.DONE and run.attempts == 2  # queued again, and the eager worker computed it
    assert MatchProposal.objects.filter(run=run).exists()

    second = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=3, heartbeat_at=long_ago,
                             started_at=long_ago, finished_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.runs_reap_stuck()
    assert counts["failed"] == 1
    second.refresh_from_db()
    assert second.status == Status.FAILED and "stopped responding" in second.error


def test_a_run_with_a_recent_heartbeat_is_not_reaped():
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=Status.RUNNING, attempts=1, finished_at=None)
    assert services.runs_reap_stuck() == {"requeued": 0, "failed": 0, "redispatched": 0}
    run.refresh_from_db()
    assert run.status == Status.RUNNING


def test_a_queued_run_that_no_worker_took_is_dispatched_again():
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=Status.QUEUED, finished_at=None, started_at=None,
                          heartbeat_at=timezone.now() - timedelta(hours=1), parameters=made.cohort.matching_settings.parameters())
    counts = services.runs_reap_stuck()
    assert counts["redispatched"] == 1
    run.refresh_from_db()
    assert run.status == Status.DONE


# --- A broker failure never becomes an error --------------------------------------------------


def test_run_request_survives_a_broker_failure(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    with mock.patch.object(tasks.run_matching, "apply_async", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            run, created = services.run_request(cohort=made.cohort, actor=made.coordinator)
    assert created
    run.refresh_from_db()
    assert run.status == Status.QUEUED  # the reaper dispatches it later


# --- Staleness ----------------------------------------------------------------------------------


def test_a_profile_change_marks_the_run_stale_and_queues_a_recompute(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    profile = made.c.applicant.profile
    profile.hours_per_week = 9
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    run.refresh_from_db()
    assert run.stale and run.stale_reason == "profile"
    newer = MatchRun.objects.filter(cohort=made.cohort).exclude(pk=run.pk).get()
    assert newer.automatic and newer.requested_by is None and newer.status == Status.DONE and not newer.stale
    run.refresh_from_db()
    assert run.recompute_after is None  # the re-run happened


def test_changes_within_the_debounce_window_queue_one_recompute(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    with mock.patch.object(tasks.recompute_matching, "apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            made.a.goals = "Learn Bayesian statistics."
            made.a.save()
            made.b.goals = "Learn Bayesian statistics, too."
            made.b.save()  # the run is already stale: nothing more to mark
        assert queued.call_count == 1 and queued.call_args.kwargs["countdown"] == 60
        # A newer run was computed meanwhile and a change comes within the same window: the cache key holds it back;
        # the one re-run already queued will read every change.
        MatchRun.objects.filter(pk=run.pk).update(stale=False)
        with django_capture_on_commit_callbacks(execute=True):
            profile = made.x.mentor.profile
            profile.bio = "Statistician."
            profile.save()
    assert queued.call_count == 1
    run.refresh_from_db()
    assert run.stale and run.stale_reason == "profile"
    assert cache.get(recompute_cache_key(made.cohort.pk))


def test_the_sweep_queues_a_recompute_that_was_missed(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    with mock.patch.object(tasks.recompute_matching, "apply_async", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            made.x.capacity = 2
            made.x.save()  # saved despite the broker
    run.refresh_from_db()
    assert run.stale and run.stale_reason == "mentor" and run.recompute_after
    assert MatchRun.objects.filter(cohort=made.cohort).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.runs_recompute_due(now=timezone.now() + timedelta(minutes=5))
    assert counts == 1
    newest = MatchRun.objects.filter(cohort=made.cohort).order_by("-pk").first()
    assert newest.pk != run.pk and newest.status == Status.DONE and newest.places == 3


def test_a_weights_change_marks_the_run_stale(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    with mock.patch.object(tasks.recompute_matching, "apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            services.matching_settings_update(cohort=made.cohort, actor=made.coordinator, data={"weight_text": 40})
    run.refresh_from_db()
    assert run.stale and run.stale_reason == "settings" and queued.call_count == 1


def test_drafts_and_confirmations_do_not_make_the_run_stale(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    Application.objects.create(cohort=made.cohort, applicant=made.x.mentor, status=Application.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposals_confirm(run=run, actor=made.coordinator)
    run.refresh_from_db()
    assert not run.stale
    assert MatchRun.objects.filter(cohort=made.cohort).count() == 1


def test_no_automatic_recompute_once_the_cohort_is_running(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    made.cohort.phase_override = Phase.RUNNING
    made.cohort.save()
    with django_capture_on_commit_callbacks(execute=True):
        profile = made.a.applicant.profile
        profile.timezone = "Asia/Tokyo"
        profile.save()
    run.refresh_from_db()
    assert run.stale  # still true, and shown
    assert MatchRun.objects.filter(cohort=made.cohort).count() == 1
    assert services.recompute_if_stale(cohort_id=made.cohort.pk) == "closed"


def test_a_profile_save_of_unrelated_fields_changes_nothing(django_capture_on_commit_callbacks, django_assert_max_num_queries):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    profile = made.a.applicant.profile
    profile.github_url = "https://github.com/ana"
    with django_assert_max_num_queries(1):
        profile.save(update_fields=["github_url"])
    run.refresh_from_db()
    assert not run.stale
