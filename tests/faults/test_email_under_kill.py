"""Two workers share the send queue; one is SIGKILLed in the middle of a batch. A real SMTP server on
loopback counts what arrives, per Message-ID.

At most once (reminders): no Message-ID arrives twice; a message the dead worker was handing over
when it died is marked failed with the reason, never sent again. At least once (other kinds): every
message arrives; the one in flight may arrive twice, with the same Message-ID.
"""
import os
import signal
import time

import pytest
from django.db import connection

from accounts.tests.factories import make_mentee
from conftest import require
from notifications import services
from notifications.models import Notification
from tests.celery_processes import celery_process, process_env, run_manage, wait_for
from tests.test_reminders_beat import awake_timezone, drafts_closing_soon

from .servers import private_redis, smtp_sink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PEOPLE = 40
WORKER = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
WELCOME_SNIPPET = """
from django.contrib.auth import get_user_model
from django.db import transaction
from notifications.services import Message, notify_many
people = get_user_model().objects.filter(pk__in={ids}).select_related("profile")
messages = [Message(user=p, context={{"name": "x"}}, key=f"fault-welcome:{{p.pk}}") for p in people]
with transaction.atomic():
    notify_many(kind="welcome", messages=messages)
print("queued")
"""


def _env(redis_url, sink, tmp_path):
    return process_env(
        redis_url=redis_url, mail_dir=tmp_path / "mail",
        TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        REMINDER_SCAN_SECONDS=2, NOTIFICATIONS_SWEEP_SECONDS=1, NOTIFICATIONS_SWEEP_AFTER_SECONDS=2,
        NOTIFICATIONS_SEND_LEASE_SECONDS=3, NOTIFICATIONS_BATCH_SIZE=5,
    )


def _kill_one_worker_mid_batch(*, env, tmp_path, sink, start_batch, kind):
    logs = [tmp_path / f"worker-{name}.log" for name in ("a", "b")]
    beat = ["beat", "-s", str(tmp_path / "beat-schedule"), "-l", "INFO"]
    with celery_process(*beat, env=env, log_path=tmp_path / "beat.log"), \
            celery_process(*WORKER, env=env, log_path=logs[1]):
        with celery_process(*WORKER, env=env, log_path=logs[0]) as worker_a:
            start_batch()
            assert wait_for(lambda: sink.count() >= 8, timeout=60), logs[0].read_text()[-2000:]
            os.killpg(worker_a.pid, signal.SIGKILL)
            worker_a.wait()
        finished = wait_for(lambda: Notification.objects.filter(kind=kind).count() == PEOPLE and not Notification.objects.filter(
            kind=kind, status__in=["pending", "sending"]).exists(), timeout=90)
        assert finished, logs[1].read_text()[-3000:]
    rows = list(Notification.objects.filter(kind=kind))
    return rows, sink.by_message_id()


def test_reminders_are_sent_at_most_once_when_a_worker_dies_mid_batch(tmp_path):
    require(connection.vendor == "postgresql", "real-worker tests need Postgres")
    drafts_closing_soon(PEOPLE)
    with private_redis(tmp_path / "redis") as redis_server, smtp_sink(accept_delay=0.1) as sink:
        started = time.monotonic()
        rows, arrived = _kill_one_worker_mid_batch(
            env=_env(redis_server.url, sink, tmp_path), tmp_path=tmp_path, sink=sink,
            start_batch=lambda: None, kind="application_reminder")  # beat's scan starts it
    sent = [r for r in rows if r.status == "sent"]
    failed = [r for r in rows if r.status == "failed"]
    print(f"\nat most once: {len(sent)} sent, {len(failed)} failed (in flight at the kill), "
          f"{sum(arrived.values())} arrived for {len(arrived)} Message-IDs in {time.monotonic() - started:.1f} s")
    assert max(arrived.values()) == 1  # nothing twice
    assert len(sent) + len(failed) == PEOPLE and len(failed) <= 1
    assert all("at most once" in r.last_error for r in failed)
    assert {services.message_id(r) for r in sent} <= set(arrived)


def test_other_kinds_are_sent_at_least_once_when_a_worker_dies_mid_batch(tmp_path):
    require(connection.vendor == "postgresql", "real-worker tests need Postgres")
    people = [make_mentee(name=f"New {i}", tz=awake_timezone()) for i in range(PEOPLE)]
    with private_redis(tmp_path / "redis") as redis_server, smtp_sink(accept_delay=0.1) as sink:
        env = _env(redis_server.url, sink, tmp_path)

        def start_batch():
            result = run_manage("shell", "-c", WELCOME_SNIPPET.format(ids=[p.pk for p in people]), env=env)
            assert "queued" in result.stdout, result.stderr

        rows, arrived = _kill_one_worker_mid_batch(env=env, tmp_path=tmp_path, sink=sink, start_batch=start_batch,
                                                   kind="welcome")
    repeats = sum(n - 1 for n in arrived.values())
    print(f"\nat least once: {sum(r.status == 'sent' for r in rows)} sent, {sum(arrived.values())} arrived "
          f"for {len(arrived)} Message-IDs ({repeats} repeated)")
    assert all(r.status == "sent" for r in rows)
    assert set(arrived) == {services.message_id(r) for r in rows}  # every one arrived
    assert repeats <= 1  # only the one in flight at the kill, under its same Message-ID
