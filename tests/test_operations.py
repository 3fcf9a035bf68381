"""Health, readiness, metrics, error pages and request ids: what a load balancer, an operator and a
person who hits a failure see."""
import logging
import socket
from html.parser import HTMLParser

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from mentorship import request_id, views

pytestmark = pytest.mark.django_db
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def assert_valid_page(html: str):
    assert html.lstrip().lower().startswith("<!doctype html>")
    checker = _Balance()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == [], (checker.errors, checker.stack)
    assert '<html lang="' in html and "<title>" in html and "<main" in html


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_checks_the_database_and_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}, "failed": []}


def test_readyz_names_redis_when_it_is_down(client, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nobody listens there
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"] and response.json()["checks"]["database"] == "ok"


def test_readyz_names_the_database_when_it_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def database_down():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views, "_check_database", database_down)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["database"]


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # not configured: not there
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("django_http_requests_latency_seconds_by_view_method", 'mentorship_outbox_notifications{status="pending"}',
                 "mentorship_celery_queue_length", 'mentorship_match_run_seconds{stat="p95"}'):
        assert name in body, name


def test_the_500_page_is_friendly_valid_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/anything")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert_valid_page(html)


def test_a_bug_shows_the_500_page(settings):
    settings.ROOT_URLCONF = "tests.ops_urls"
    response = Client(raise_request_exception=False).get("/test-boom/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()


def test_a_lost_database_shows_the_503_page_with_retry_after(settings):
    settings.ROOT_URLCONF = "tests.ops_urls"
    response = Client(raise_request_exception=False).get("/test-database-gone/")
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "We will be right back" in html
    assert_valid_page(html)


def test_every_response_carries_a_request_id_and_keeps_a_proxy_s(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")["X-Request-ID"] == "edge-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_the_request_id_goes_into_log_lines_and_queued_tasks():
    request_id.bind_request_id("req-42abcdef")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
        request_id.RequestIdFilter().filter(record)
        headers = {}
        request_id.add_request_id_header(headers=headers)
    finally:
        request_id.clear_request_id()
    assert record.request_id == "req-42abcdef"
    assert headers == {request_id.HEADER: "req-42abcdef"}

    class Task:
        class request:  # noqa: N801 (Celery's attribute name)
            id = "t-1"
            mentorship_request_id = "req-42abcdef"

    request_id.bind_task_request_id(task=Task)
    assert request_id.get_request_id() == "req-42abcdef"
    request_id.unbind_task_request_id()


SENTRY_SNIPPET = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), ("https://public@o1.ingest.example.invalid/42", "True")])
def test_sentry_reports_only_when_a_dsn_is_set(dsn, active):
    import os
    import subprocess
    import sys

    env = {**os.environ, "SENTRY_DSN": dsn, "DJANGO_SETTINGS_MODULE": "mentorship.settings.test"}
    result = subprocess.run([sys.executable, "-c", SENTRY_SNIPPET], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == active, result.stderr


def test_json_log_lines_carry_the_request_id():
    import json

    from mentorship.logs import JsonFormatter

    request_id.bind_request_id("req-json-0001")
    try:
        record = logging.LogRecord("notifications", logging.WARNING, __file__, 1, "queued %s", (3,), None)
        request_id.RequestIdFilter().filter(record)
    finally:
        request_id.clear_request_id()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "queued 3" and line["request_id"] == "req-json-0001" and line["level"] == "WARNING"
