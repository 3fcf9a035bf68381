"""Real `celery beat` and `celery worker` processes against Redis and Postgres: due reminders arrive
once; killing the worker in the middle of a batch loses nothing and doubles nothing."""
import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import make_mentee
from notifications.models import Notification
from programs.models import Application
from programs.tests.factories import CohortFactory
from tests.celery_processes import celery_process, isolated_redis_url, process_env, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
WORKER = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]


def awake_timezone() -> str:
    """A fixed-offset zone where it is about noon now, so quiet hours do not hold the reminders."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. 12
    return "Etc/GMT" + (f"-{offset}" if offset > 0 else f"+{-offset}" if offset < 0 else "")


def drafts_closing_soon(n: int) -> list:
    cohort = CohortFactory(applications_close_at=timezone.now() + timedelta(hours=40))
    people = []
    for i in range(n):
        person = make_mentee(name=f"Drafter {i}", tz=awake_timezone())
        Application.objects.create(cohort=cohort, applicant=person, status=Application.Status.DRAFT)
        people.append(person)
    return people


def recipients(mail_dir) -> Counter:
    counts = Counter()
    for path in mail_dir.glob("*.eml"):
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                counts[line[4:].strip()] += 1
    return counts


def beat_args(tmp_path):
    return ["beat", "-l", "INFO", "-s", str(tmp_path / "beat-schedule")]


def test_beat_and_worker_send_due_reminders_once(redis_url, tmp_path):
    people = drafts_closing_soon(5)
    mail_dir = tmp_path / "mail"
    env = process_env(redis_url=isolated_redis_url(redis_url), mail_dir=mail_dir,
                      REMINDER_SCAN_SECONDS=2, NOTIFICATIONS_SWEEP_SECONDS=2)
    with celery_process(*WORKER, env=env, log_path=tmp_path / "worker.log"), \
            celery_process(*beat_args(tmp_path), env=env, log_path=tmp_path / "beat.log"):
        sent = wait_for(lambda: Notification.objects.filter(kind="application_reminder", status="sent").count() == 5,
                        timeout=60)
        assert sent, (tmp_path / "worker.log").read_text()[-3000:] + (tmp_path / "beat.log").read_text()[-2000:]
        # Let beat fire several more scans: nothing new may be sent.
        wait_for(lambda: (tmp_path / "beat.log").read_text().count("scan_due_reminders") >= 5, timeout=30)
    assert recipients(mail_dir) == Counter({p.email: 1 for p in people})
    assert Notification.objects.filter(kind="application_reminder").count() == 5


def test_killing_the_worker_mid_batch_doubles_nothing(redis_url, tmp_path):
    """Reminders are sent at most once: the one message in flight at the kill is marked failed with the
    reason (the server may have it), every other one is sent exactly once (tests/faults has the SMTP version)."""
    people = drafts_closing_soon(40)
    mail_dir = tmp_path / "mail"
    env = process_env(
        redis_url=isolated_redis_url(redis_url), mail_dir=mail_dir, REMINDER_SCAN_SECONDS=2,
        NOTIFICATIONS_SWEEP_SECONDS=2, NOTIFICATIONS_SWEEP_AFTER_SECONDS=3, NOTIFICATIONS_SEND_LEASE_SECONDS=3,
        TEST_EMAIL_BACKEND="tests.slow_email_backend.SlowFileEmailBackend", SLOW_EMAIL_SECONDS="0.15",
    )
    finished = Notification.objects.filter(status__in=["sent", "failed"])
    with celery_process(*beat_args(tmp_path), env=env, log_path=tmp_path / "beat.log"):
        with celery_process(*WORKER, env=env, log_path=tmp_path / "worker-1.log") as worker:
            started = wait_for(lambda: Notification.objects.filter(status="sent").count() >= 5, timeout=60)
            assert started, (tmp_path / "worker-1.log").read_text()[-3000:]
            os.killpg(worker.pid, signal.SIGKILL)  # in the middle of the batch
            worker.wait()
        sent_before_restart = Notification.objects.filter(status="sent").count()
        assert 0 < sent_before_restart < 40
        with celery_process(*WORKER, env=env, log_path=tmp_path / "worker-2.log"):
            done = wait_for(lambda: finished.count() == 40, timeout=90)
            assert done, (tmp_path / "worker-2.log").read_text()[-3000:]
    failed = list(Notification.objects.filter(status="failed"))
    assert len(failed) <= 1 and all("at most once" in row.last_error for row in failed)
    arrived = recipients(mail_dir)
    assert max(arrived.values()) == 1
    assert set(arrived) | {row.to_email for row in failed} == {p.email for p in people}
