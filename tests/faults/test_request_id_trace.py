"""A request id given by the proxy follows the request into the task it queues: the worker's JSON log
line about the email it sent carries the same id."""
import json
import time

import pytest
import requests
from django.db import connection

from conftest import require
from notifications.models import Notification
from tests.celery_processes import celery_process, process_env, wait_for

from .servers import gunicorn_server, private_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
WORKER = ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]


def test_the_request_id_follows_a_signup_into_the_worker_that_sends_its_email(tmp_path):
    require(connection.vendor == "postgresql", "gunicorn and the worker share the test database: needs Postgres")
    with private_redis(tmp_path / "redis") as redis_server:
        env = process_env(redis_url=redis_server.url, mail_dir=tmp_path / "mail", LOG_FORMAT="json")
        worker_log = tmp_path / "worker.log"
        with gunicorn_server(env=env, log_path=tmp_path / "gunicorn.log", workers=1) as base, \
                celery_process(*WORKER, env=env, log_path=worker_log):
            session = requests.Session()
            session.get(f"{base}/accounts/signup/", timeout=10)
            response = session.post(f"{base}/accounts/signup/", data={
                "email": "traced@example.org", "password1": "a long enough passphrase",
                "password2": "a long enough passphrase", "csrfmiddlewaretoken": session.cookies["csrftoken"],
            }, headers={"X-Request-ID": "edge-trace-0001"}, allow_redirects=False, timeout=10)
            assert response.status_code == 302 and response.headers["X-Request-ID"] == "edge-trace-0001"
            sent = wait_for(lambda: Notification.objects.filter(to_email="traced@example.org", status="sent").exists(),
                            timeout=60)
            assert sent, worker_log.read_text()[-3000:]
            time.sleep(0.5)  # the log line follows the commit
    lines = []
    for raw in worker_log.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue  # celery's startup banner is not a log record
    about_the_email = [line for line in lines if "accepted by the mail server" in line["message"]]
    assert about_the_email and all(line["request_id"] == "edge-trace-0001" for line in about_the_email), lines[-10:]
