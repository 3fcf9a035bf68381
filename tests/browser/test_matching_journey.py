"""A coordinator runs the matching, reads why a pair fits, moves one mentee, and confirms, in a real browser."""
import re
from email import message_from_bytes

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from matching.models import MatchProposal, MatchRun
from matching.tests.factories import hand_made_cohort
from mentoring.models import Mentorship
from notifications.models import Notification
from programs.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def recipients(outbox) -> list[str]:
    return [message_from_bytes(path.read_bytes())["To"] for path in sorted(outbox.glob("*.eml"))]


def test_coordinator_runs_matching_reads_reasons_moves_a_mentee_and_confirms(page, file_outbox):
    # X (Xavier) has two places, Y (Yolanda) one. Ana and Bruno both fit Xavier best (100 each).
    made = hand_made_cohort(x_capacity=2, y_capacity=1)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    log_in(page, made.coordinator.email)
    page.goto(f"/cohorts/{made.cohort.pk}/matching/")
    expect(page.get_by_role("heading", name="Matching", exact=True)).to_be_visible()
    page.get_by_role("button", name="Run matching").click()

    # Tasks run eagerly in tests: the run page shows the finished run.
    expect(page.get_by_role("heading", name=re.compile(r"Matching run #\d+"))).to_be_visible()
    expect(page.locator("#run-summary")).to_contain_text("2 of 4 applications matched with 2 mentors (3 places)")
    expect(page.locator("#comparison")).to_contain_text("Greedy")
    run = MatchRun.objects.get(cohort=made.cohort)
    bruno = MatchProposal.objects.get(run=run, application=made.b)
    ana = MatchProposal.objects.get(run=run, application=made.a)
    assert bruno.enrollment_id == made.x.pk and ana.enrollment_id == made.x.pk

    # Why does Bruno fit Xavier? Reasons in words, and the breakdown behind the score.
    row = page.locator(f"#proposal-{bruno.pk}")
    expect(row).to_contain_text("Xavier")
    expect(row.locator(".reasons")).to_contain_text("1 shared skill: Bayesian statistics")
    expect(row.locator(".reasons")).to_contain_text("12 h overlap")
    row.locator("summary", has_text="Score breakdown").click()
    expect(row.locator("[data-component=skills]")).to_contain_text("100%")

    # Who was left out, and why.
    page.get_by_role("link", name="See the unmatched applications").click()
    expect(page.locator("#unmatched")).to_contain_text("Chen")
    expect(page.locator("#unmatched")).to_contain_text("Every possible mentor scores below the minimum")
    expect(page.locator("#unmatched")).to_contain_text("Dolores")
    page.go_back()

    # Move Ana to Yolanda: the page shows the new score and Yolanda's places before anything changes.
    page.locator(f"#proposal-{ana.pk}").get_by_role("link", name="Change mentor").click()
    expect(page.locator("#mentor-options")).to_contain_text("Yolanda")
    page.get_by_role("button", name="Move to Yolanda").click()
    expect(page.locator("#new-score")).to_have_text("50.0")
    expect(page.locator("#places-left")).to_contain_text("1 of 1 now, 0 after the move")
    ana.refresh_from_db()
    assert ana.enrollment_id == made.x.pk
    page.get_by_role("button", name="Move the mentee").click()
    expect(page.get_by_text("Ana now goes to Yolanda (score 50.0).")).to_be_visible()
    expect(page.locator(f"#proposal-{ana.pk}")).to_contain_text("Changed by a coordinator")

    # Confirm all, through the confirmation step.
    page.get_by_role("button", name=re.compile(r"Confirm all")).click()
    expect(page.locator("#confirm-summary")).to_contain_text("You are about to confirm 2 pairs")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("2 pairs confirmed: everyone got an email.")).to_be_visible()

    # Both people of each pair were told, by email.
    assert {(m.mentor_id, m.mentee_id) for m in Mentorship.objects.filter(cohort=made.cohort)} == {
        (made.x.mentor_id, made.b.applicant_id), (made.y.mentor_id, made.a.applicant_id),
    }
    started = Notification.objects.filter(kind="mentorship_started", status="sent")
    assert {n.user_id for n in started} == {made.x.mentor_id, made.b.applicant_id, made.y.mentor_id, made.a.applicant_id}
    sent_to = recipients(file_outbox)
    for person in (made.a.applicant, made.b.applicant, made.x.mentor, made.y.mentor):
        assert person.email in sent_to
    # Capacity held: Yolanda has her one mentee, Xavier one of two.
    assert Mentorship.objects.filter(enrollment=made.y).count() == 1
    assert Mentorship.objects.filter(enrollment=made.x).count() == 1
    assert set(Application.objects.filter(cohort=made.cohort, status="accepted").values_list("pk", flat=True)) == {
        made.a.pk, made.b.pk,
    }
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_the_run_page_follows_a_running_run_and_reloads_when_it_is_done(page):
    made = hand_made_cohort()
    run = MatchRun.objects.create(
        cohort=made.cohort, requested_by=made.coordinator, status=MatchRun.Status.RUNNING, progress="scoring",
        started_at=timezone.now(), heartbeat_at=timezone.now(), parameters=made.cohort.matching_settings.parameters(),
    )
    log_in(page, made.coordinator.email)
    page.goto(f"/matching/runs/{run.pk}/")
    expect(page.locator("#run-progress")).to_contain_text("Scoring every pair")
    expect(page.get_by_role("link", name="Refresh now")).to_be_visible()
    MatchRun.objects.filter(pk=run.pk).update(progress="writing")
    expect(page.locator("[data-run-progress]")).to_contain_text("Writing the proposals", timeout=8_000)
    # A worker finishes the run: the page reloads by itself (no click) and shows the result.
    from matching import services

    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.QUEUED, progress="")
    assert services.run_execute(run_id=run.pk) == "done"
    expect(page.locator("#run-summary")).to_be_visible(timeout=8_000)
    expect(page.locator("#run-progress")).to_have_count(0)
