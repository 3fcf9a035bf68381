"""Redis stopped or frozen (SIGSTOP): login, signup, password reset and an application submit still
answer in under 2 s, with no error page and nothing lost (the outbox rows wait for the sweep).

A real gunicorn (the repository's gunicorn.conf.py) serves the test database with the production
cache and broker pointed at a private redis-server that the test stops and freezes."""
import time

import pytest
import requests
from django.db import connection

from accounts.tests.factories import PASSWORD, UserFactory, make_mentee
from conftest import require
from matching.models import MatchRun
from notifications.models import Notification
from programs.models import Application
from programs.tests.factories import cohort_scenario
from tests.celery_processes import process_env, run_manage

from .servers import gunicorn_server, private_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
LIMIT = 2.0


class Browser:
    """One person's browser: a session with cookies; every POST is timed."""

    def __init__(self, base: str):
        self.base, self.session, self.timings = base, requests.Session(), []

    def post(self, path: str, data: dict, label: str):
        started = time.monotonic()
        page = self.session.get(self.base + path, timeout=10)
        assert page.status_code == 200, (label, page.status_code)
        assert time.monotonic() - started < LIMIT, (label, "the form page")
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        started = time.monotonic()
        response = self.session.post(self.base + path, data=data, allow_redirects=False, timeout=10)
        elapsed = time.monotonic() - started
        self.timings.append((label, response.status_code, round(elapsed, 2)))
        assert response.status_code in (200, 302), (label, response.status_code, response.text[:300])
        assert elapsed < LIMIT, self.timings
        return response


def _journeys(base: str, phase: str, *, person, scenario, mentee_email: str) -> list:
    timings = []
    wrong = Browser(base)
    wrong.post("/accounts/login/", {"login": person.email, "password": "not it"}, f"{phase} wrong password")
    right = Browser(base)
    response = right.post("/accounts/login/", {"login": person.email, "password": PASSWORD}, f"{phase} login")
    assert response.status_code == 302
    signup = Browser(base)
    response = signup.post("/accounts/signup/", {
        "email": f"new-{phase}@example.org", "password1": "a long enough passphrase", "password2": "a long enough passphrase",
    }, f"{phase} signup")
    assert response.status_code == 302
    reset = Browser(base)
    response = reset.post("/accounts/password/reset/", {"email": person.email}, f"{phase} password reset")
    assert response.status_code == 302
    applicant = Browser(base)
    applicant.post("/accounts/login/", {"login": mentee_email, "password": PASSWORD}, f"{phase} mentee login")
    built, github = scenario.questions
    response = applicant.post(f"/cohorts/{scenario.cohort.pk}/apply/", {
        "goals": "Maintain a package.", "motivation": "Because.", "hours_per_week": "5",
        f"question_{built.pk}": "A pipeline.", f"question_{github.pk}": "https://github.com/quick",
        "preference_1": str(scenario.mentors[0].pk), "preference_2": str(scenario.mentors[1].pk), "action": "submit",
    }, f"{phase} application submit")
    assert response.status_code == 302
    for browser in (wrong, right, signup, reset, applicant):
        timings += browser.timings
    return timings


def test_login_signup_reset_and_submit_survive_a_stopped_and_a_frozen_redis(tmp_path):
    require(connection.vendor == "postgresql", "the fault test serves the test database from gunicorn: needs Postgres")
    person = UserFactory()
    scenario = cohort_scenario(applications=0)
    phases = ("up", "stopped", "back", "frozen")
    mentees = {phase: make_mentee(name=f"Applicant {phase}") for phase in phases}
    with private_redis(tmp_path / "redis") as redis_server:
        env = process_env(redis_url=redis_server.url, mail_dir=tmp_path / "mail", TEST_REAL_CACHE="true",
                          REDIS_SOCKET_TIMEOUT="1", REDIS_CACHE_SOCKET_TIMEOUT="0.5",
                          REDIS_CACHE_RETRY_SECONDS="2", BROKER_RETRY_SECONDS="2")
        with gunicorn_server(env=env, log_path=tmp_path / "gunicorn.log") as base:

            def journeys(phase):
                return _journeys(base, phase, person=person, scenario=scenario, mentee_email=mentees[phase].email)

            for _ in range(6):  # both workers load their templates before anything is timed
                warm = requests.Session()
                warm.get(f"{base}/accounts/login/", timeout=30)
                warm.post(f"{base}/accounts/login/", data={"login": "nobody@example.org", "password": "x",
                          "csrfmiddlewaretoken": warm.cookies["csrftoken"]}, timeout=30)
            timings = journeys("up")
            redis_server.stop()
            timings += journeys("stopped")
            redis_server.start()
            time.sleep(2.5)  # the breakers close again
            timings += journeys("back")
            redis_server.freeze()
            try:
                timings += journeys("frozen")
                coordinator = Browser(base)
                coordinator.post("/accounts/login/", {"login": scenario.coordinator.email, "password": PASSWORD},
                                 "frozen coordinator login")
                run_page = coordinator.session.get(f"{base}/cohorts/{scenario.cohort.pk}/matching/", timeout=10)
                started = time.monotonic()
                response = coordinator.session.post(
                    f"{base}/cohorts/{scenario.cohort.pk}/matching/run/", allow_redirects=False, timeout=10,
                    data={"csrfmiddlewaretoken": coordinator.session.cookies["csrftoken"]})
                elapsed = time.monotonic() - started
                timings += coordinator.timings + [("frozen start a matching run", response.status_code, round(elapsed, 2))]
                assert run_page.status_code == 200 and response.status_code == 302 and elapsed < LIMIT, timings[-1]
            finally:
                redis_server.thaw()
        log = (tmp_path / "gunicorn.log").read_text()
    print("\n".join(f"{label:32} {status} {seconds:5.2f} s" for label, status, seconds in timings))
    assert "Redis cache unavailable" in log  # the fallback said so
    # Nothing lost: every account, application and email row is there; unsent mail waits for the sweep.
    for phase, mentee in mentees.items():
        assert Application.objects.get(applicant=mentee, cohort=scenario.cohort).status == "submitted", phase
        assert Notification.objects.filter(to_email=f"new-{phase}@example.org").exists(), phase
    assert Notification.objects.filter(to_email=person.email, kind="account_security").count() == len(phases)
    assert Notification.objects.filter(status="pending").exists()
    assert MatchRun.objects.get(cohort=scenario.cohort).status == "queued"  # the reaper dispatches it later


ENQUEUE_SNIPPET = """
import time
from notifications.models import Notification
from notifications.services import dispatch
row = Notification.objects.get(pk={pk})
for attempt in (1, 2):
    started = time.monotonic()
    queued = dispatch(notification_id=row.pk)
    print("enqueue", attempt, queued, round(time.monotonic() - started, 2))
"""


def test_an_enqueue_with_a_frozen_broker_gives_up_in_a_second_and_the_row_waits(tmp_path):
    require(connection.vendor == "postgresql", "the subprocess reads the test database: needs Postgres")
    row = Notification.objects.create(
        user=UserFactory(), to_email="wait@example.org", kind="welcome", key="fault:enqueue", subject="Hello",
        body_text="Hello", status=Notification.Status.PENDING,
    )
    with private_redis(tmp_path / "redis") as redis_server:
        env = process_env(redis_url=redis_server.url, mail_dir=tmp_path / "mail", REDIS_SOCKET_TIMEOUT="1")
        redis_server.freeze()
        try:
            started = time.monotonic()
            result = run_manage("shell", "-c", ENQUEUE_SNIPPET.format(pk=row.pk), env=env, timeout=60)
        finally:
            redis_server.thaw()
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("enqueue")]
    assert len(lines) == 2, result.stdout + result.stderr
    (_, _, first_queued, first_s), (_, _, second_queued, second_s) = lines
    assert first_queued == second_queued == "False"
    assert float(first_s) < LIMIT and float(second_s) < 0.1, lines  # the second skips the broker at once
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING and row.dispatched_at is None  # the sweep will send it
    assert time.monotonic() - started < 60
