"""Issue 10, "every door": each rule holds whichever way a change arrives (page, admin, task, scan).

One test per finding, named after it; each failed on main before this branch.
"""
import os
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from conftest import require
from mentor_requests import services as request_services
from mentor_requests.models import MentorshipRequest
from programs.models import ProgramKind
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory
from tests.concurrency import run_concurrently

REQUEST_TEXT = {"about_me": "PhD student.", "experience": "R scripts.", "learning_goals": "Packaging.",
                "why_you": "You maintain R packages.", "hours_per_week": 4}


def rolling_cohort():
    program = ProgramFactory(kind=ProgramKind.MENTORING)
    return CohortFactory(program=program, rolling=True, applications_close_at=None, review_deadline=None)


def send_request(mentee, mentor, cohort):
    return request_services.request_send(mentee=mentee, mentor=mentor, cohort=cohort, **REQUEST_TEXT)


@pytest.mark.django_db(transaction=True)
def test_finding_09_open_request_limit_holds_under_concurrency(settings):
    """A mentee with no request waiting sends six at the same moment: only the limit's worth get through."""
    require(connection.vendor == "postgresql", "the race needs Postgres row locks (set DATABASE_URL)")
    settings.MENTORSHIP_REQUEST_MAX_OPEN = 2
    cohort = rolling_cohort()
    mentors = [EnrollmentFactory(cohort=cohort, capacity=3).mentor for _ in range(6)]
    mentee = make_mentee(name="Quick Clicker")

    results = run_concurrently(lambda mentor: send_request(mentee, mentor, cohort), mentors)

    sent = [r for r in results if isinstance(r, MentorshipRequest)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(sent) == 2 and len(refused) == 4, results
    assert all("2 requests waiting" in " ".join(r.messages) for r in refused)
    assert MentorshipRequest.objects.filter(mentee=mentee, status=MentorshipRequest.Status.PENDING).count() == 2


@pytest.mark.django_db
def test_finding_13_due_scan_expires_requests(client):
    """Past its answer-by time a request offers no Accept, and the due scan marks it expired."""
    cohort = rolling_cohort()
    mentor = EnrollmentFactory(cohort=cohort).mentor
    request = send_request(make_mentee(name="Waiting Mentee"), mentor, cohort)
    detail = reverse("mentor_requests:detail", args=[request.pk])
    accept = reverse("mentor_requests:accept", args=[request.pk])
    client.force_login(mentor)
    assert accept in client.get(detail).content.decode()

    with time_machine.travel(request.expires_at + timedelta(minutes=1)):
        # Before any scan ran: the page already knows the mentor can no longer answer.
        html = client.get(detail).content.decode()
        assert accept not in html and "Accept and start the mentorship" not in html
        request.refresh_from_db()
        assert request.status == MentorshipRequest.Status.PENDING

        call_command("run_due_scan")
        request.refresh_from_db()
        assert request.status == MentorshipRequest.Status.EXPIRED
        assert request.responded_at is not None and request.responded_at <= timezone.now()

        call_command("run_due_scan")  # a second scan changes nothing
        assert MentorshipRequest.objects.get(pk=request.pk).responded_at == request.responded_at
        assert accept not in client.get(detail).content.decode()


def test_finding_16_fresh_clone_migrate_creates_var(tmp_path):
    """`manage.py migrate` is the first command on a fresh clone: it must not need a `mkdir var` first."""
    clone = tmp_path / "clone"
    shutil.copytree(settings.BASE_DIR, clone, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "__pycache__", "staticfiles", "media", "node_modules"))
    assert not (clone / "var").exists()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "EMAIL_URL", "EMAIL_FILE_PATH", "DJANGO_SETTINGS_MODULE")}

    done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    assert (clone / "var" / "db.sqlite3").is_file()
    assert (clone / "var" / "mail").is_dir()


@pytest.mark.django_db
def test_finding_15_nul_byte_in_url_is_not_a_500(client):
    """The calendar feed looked its token up with a NUL in it, and Postgres refused the query."""
    client.raise_request_exception = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/mentorships/calendar/%00.ics").status_code == 404
    assert client.get("/mentorships/calendar/%FF.ics").status_code == 404
    assert client.get("/admin/programs/application/", {"q": "\x00"}).status_code == 400
    assert client.get("/programs/?q=%FF").status_code == 400
    assert client.post(reverse("accounts:profile_edit"), {"display_name": "a\x00b"}).status_code == 400
