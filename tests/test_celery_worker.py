"""A real `celery worker` process, a real Redis and Postgres: the email is sent once."""
import pytest

from accounts.tests.factories import UserFactory
from notifications.models import Notification
from tests.celery_processes import celery_process, isolated_redis_url, process_env, run_manage, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NOTIFY_SNIPPET = """
from django.contrib.auth import get_user_model
from django.db import transaction
from notifications.services import notify
user = get_user_model().objects.get(pk={pk})
with transaction.atomic():
    notify(user=user, kind="welcome", context={{"name": "Worker Test"}}, key="it-welcome-{pk}")
print("queued")
"""


def test_real_worker_sends_the_email_once(redis_url, tmp_path):
    user = UserFactory(email="worker.test@example.org")
    mail_dir = tmp_path / "mail"
    env = process_env(redis_url=isolated_redis_url(redis_url), mail_dir=mail_dir)
    worker_args = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
    with celery_process(*worker_args, env=env, log_path=tmp_path / "worker.log") as worker:
        # A separate "web" process writes the notification; the worker picks it up from Redis.
        result = run_manage("shell", "-c", NOTIFY_SNIPPET.format(pk=user.pk), env=env)
        assert "queued" in result.stdout, result.stderr
        sent = wait_for(lambda: Notification.objects.filter(key=f"it-welcome-{user.pk}", status="sent").exists())
        log = (tmp_path / "worker.log").read_text()
        assert sent, log
        assert worker.poll() is None, log
        # Queue the same notification again, as a retry or a second sweep would: still one email.
        result = run_manage("shell", "-c", (
            "from notifications.tasks import send_notification\n"
            f"from notifications.models import Notification\n"
            f"send_notification.delay(Notification.objects.get(key='it-welcome-{user.pk}').pk)\n"
        ), env=env)
        assert result.returncode == 0, result.stderr
        wait_for(lambda: "'skipped'" in (tmp_path / "worker.log").read_text(), timeout=20)
    files = list(mail_dir.glob("*.eml"))
    assert len(files) == 1
    assert "worker.test@example.org" in files[0].read_text()
    assert "'skipped'" in (tmp_path / "worker.log").read_text()


def test_sweep_dispatches_rows_the_broker_missed(redis_url, tmp_path):
    """Rows left pending (broker was down) are queued by the sweep command and sent by a worker."""
    user = UserFactory()
    from django.db import transaction

    from notifications import services

    # Simulate the broker being down at notify() time: the after-commit enqueue is lost.
    original = services.dispatch
    services.dispatch = lambda **kwargs: False
    try:
        with transaction.atomic():
            services.notify(user=user, kind="welcome", context={"name": "Sweep"}, key="it-sweep")
    finally:
        services.dispatch = original
    assert Notification.objects.get(key="it-sweep").status == "pending"
    mail_dir = tmp_path / "mail"
    env = process_env(redis_url=isolated_redis_url(redis_url), mail_dir=mail_dir, NOTIFICATIONS_SWEEP_AFTER_SECONDS=0)
    with celery_process("worker", "--pool=solo", "--without-gossip", "--without-mingle", env=env,
                        log_path=tmp_path / "worker.log"):
        result = run_manage("send_pending_notifications", "--queue", env=env)
        assert "Queued 1" in result.stdout, result.stdout + result.stderr
        assert wait_for(lambda: Notification.objects.filter(key="it-sweep", status="sent").exists())
    assert len(list(mail_dir.glob("*.eml"))) == 1
