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


# --------------------------------------------------------------------------- finding 11: the admin door

# Fields that only a service may change, per model (besides every field called "status").
SERVICE_ONLY_FIELDS = {
    "programs.mentorenrollment": {"capacity", "decided_by", "decided_at"},
    "mentoring.mentorship": {"mentor", "mentee", "enrollment", "starts_on", "ends_on"},
    "mentor_requests.mentorshiprequest": {"mentorship", "responded_at"},
    "matching.matchproposal": {"enrollment", "mentorship", "locked"},
}


def _admin_form_fields(client, model, obj) -> set[str] | None:
    """The fields the admin's change page (its add page for a model the scenario has no row of) lets a
    person type into, or None when it cannot be changed."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    url = reverse(f"{name}_change", args=[obj.pk]) if obj is not None else reverse(f"{name}_add")
    response = client.get(url)
    assert response.status_code in (200, 403), (url, response.status_code)
    permission = "has_change_permission" if obj is not None else "has_add_permission"
    if response.status_code == 403 or not response.context[permission]:
        return None
    fields = set(response.context["adminform"].form.fields)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            fields |= {f"{inline.formset.prefix}.{name}" for name in form.fields}
    return fields


@pytest.mark.django_db
def test_finding_11_admin_status_fields_are_read_only(client):
    from django.contrib import admin

    from stipends import services as stipends
    from stipends.tests.factories import THOUSAND_EUROS, THREE
    from tests.url_walk import build_world

    world = build_world()
    # A paid cohort, so the stipends models with statuses have rows to open too.
    cohort = world.objects["mentorship"].cohort
    stipends.plan_set(cohort=cohort, actor=world.people["coordinator"], amount=THOUSAND_EUROS, percents=THREE)
    stipends.sponsor_save(cohort=cohort, actor=world.people["coordinator"], organization="Acme",
                          pledged=THOUSAND_EUROS)
    client.force_login(world.people["site_admin"])
    checked, editable = [], []
    for model in admin.site._registry:
        label = model._meta.label_lower
        guarded = {f.name for f in model._meta.fields if f.name == "status"} | SERVICE_ONLY_FIELDS.get(label, set())
        if not guarded:
            continue
        obj = model._default_manager.order_by("pk").first()
        fields = _admin_form_fields(client, model, obj)
        checked.append(label)
        if fields is not None:
            editable += [f"{label}.{name}" for name in sorted(guarded & fields)]
            editable += [f"{label} inline {name}" for name in sorted(fields) if name.endswith(".status")]
    assert not editable, f"editable in the admin, bypassing the services: {editable}"
    assert {"programs.application", "programs.mentorenrollment", "matching.matchproposal", "matching.matchrun",
            "mentoring.mentorship", "mentor_requests.mentorshiprequest", "notifications.notification"} <= set(checked)

    # Rows that only a service may create cannot be added by hand either.
    for name in ("mentoring_mentorship", "mentor_requests_mentorshiprequest", "matching_matchproposal",
                 "matching_matchrun", "programs_mentorenrollment", "programs_application"):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name


@pytest.mark.django_db
def test_finding_11_admin_actions_go_through_services(admin_client, django_capture_on_commit_callbacks):
    from django.core import mail

    from matching.tests.factories import MatchProposalFactory, MatchRunFactory
    from mentoring.models import Mentorship
    from programs.models import ApprovalStatus, MentorEnrollment

    # Direct requests: accepting in the admin starts the mentorship through mentorship_create, with its
    # capacity check and its emails; the request over capacity stays waiting and the admin says why.
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort, capacity=1)
    first = send_request(make_mentee(name="First Asker"), enrollment.mentor, cohort)
    second = send_request(make_mentee(name="Second Asker"), enrollment.mentor, cohort)
    changelist = reverse("admin:mentor_requests_mentorshiprequest_changelist")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "accept", "_selected_action": [first.pk, second.pk]},
                                     follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MentorshipRequest.Status.ACCEPTED and first.mentorship.enrollment == enrollment
    assert second.status == MentorshipRequest.Status.PENDING
    assert "no place left" in response.content.decode()
    assert Mentorship.objects.filter(enrollment=enrollment).count() == 1
    assert any(m.to == [first.mentee.email] and "accepted your request" in m.subject for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "decline", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.status == MentorshipRequest.Status.DECLINED
    assert any(m.to == [second.mentee.email] and "answered your request" in m.subject for m in mail.outbox)

    # Mentor approval: the service's decision and its email.
    pending = EnrollmentFactory(cohort=CohortFactory(), status=ApprovalStatus.PENDING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:programs_mentorenrollment_changelist"),
                          {"action": "approve", "_selected_action": [pending.pk]})
    assert MentorEnrollment.objects.get(pk=pending.pk).status == ApprovalStatus.APPROVED
    assert [m.to for m in mail.outbox] == [[pending.mentor.email]]

    # A matching proposal: confirmed through proposal_confirm (the application accepted, the pair created).
    run = MatchRunFactory(cohort=CohortFactory())
    proposal = MatchProposalFactory(run=run, enrollment=EnrollmentFactory(cohort=run.cohort, capacity=1))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:matching_matchproposal_changelist"),
                          {"action": "confirm", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.mentorship is not None and proposal.mentorship.mentee == proposal.application.applicant
    assert proposal.application.status == "accepted"

    # A mentorship is never typed in by hand: the add page is closed, and a POST to it creates nothing.
    before = Mentorship.objects.count()
    response = admin_client.post(reverse("admin:mentoring_mentorship_add"), {
        "cohort": cohort.pk, "mentor": enrollment.mentor.pk, "mentee": second.mentee.pk,
        "enrollment": enrollment.pk, "status": "active", "starts_on": "2026-01-01", "ends_on": "2026-04-01"})
    assert response.status_code == 403 and Mentorship.objects.count() == before
