"""A paid cohort from plan to payment: the coordinator sets a plan with three instalments, the mentor
recommends payment at the midpoint and an extension at the final, the coordinator approves one, holds
one and exports the batch; the mentee reads the schedule and gets both emails; a second export has
nothing already exported."""
import csv
import re
from email import message_from_bytes

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory, make_mentee, make_mentor
from mentoring import services
from mentoring.models import Mentorship
from mentoring.tests.factories import NEAR_THE_END, RunningCohortFactory
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from stipends.models import Instalment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def subjects_to(outbox, email) -> list[str]:
    messages = [message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]
    return [m["Subject"] for m in messages if m["To"] == email]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def new_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def mentor_evaluation(page, mentorship_pk, stage, recommendation, weeks=None):
    page.goto(f"/mentorships/{mentorship_pk}/evaluations/{stage}/")
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    for box in page.get_by_role("textbox").all():
        box.fill("Steady progress.")
    if stage == "final":
        page.get_by_role("radio", name="Yes").check()
    page.get_by_role("radio", name=recommendation).check()
    if weeks:
        page.get_by_label("If you recommend an extension: how many weeks?").select_option(str(weeks))
    page.get_by_role("button", name="Send the evaluation").click()
    expect(page.get_by_text("Your evaluation was sent.")).to_be_visible()


def decide(page, cohort_pk, mentee_name, event, action, reason=""):
    page.goto(f"/cohorts/{cohort_pk}/payments/")
    page.get_by_role("checkbox", name=re.compile(f"{mentee_name} · {event}")).check()
    page.get_by_label("Decision").select_option(action)
    if reason:
        page.get_by_label("Why it is held (the mentee reads it)").fill(reason)
    page.get_by_role("button", name="Review the decision").click()
    expect(page.get_by_role("heading", name="Confirm the payment decision")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()


def no_sideways_scroll(page, path):
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"


def test_a_paid_cohort_from_plan_to_payment(page, chromium, live_server, file_outbox):
    coordinator = UserFactory(email="coordinator@example.org")
    program = ProgramFactory(name="Open Science Internship", coordinators=[coordinator])
    cohort = RunningCohortFactory(program=program, name="Term 1", started_days_ago=NEAR_THE_END)
    mentor = make_mentor(name="Beatriz Mentor")
    mentee = make_mentee(name="Takumi Mentee")
    mentorship = services.mentorship_create(enrollment=EnrollmentFactory(cohort=cohort, mentor=mentor), mentee=mentee,
                                            actor=coordinator)
    ends_on = mentorship.ends_on
    mentor_context, mentor_page = new_page(chromium, live_server)
    mentee_context, mentee_page = new_page(chromium, live_server)
    try:
        # The coordinator sets the plan: 1,000 EUR in three instalments.
        log_in(page, coordinator.email)
        page.goto(f"/cohorts/{cohort.pk}/manage/")
        expect(page.get_by_text("This cohort is unpaid.")).to_be_visible()
        page.get_by_role("link", name="Set a stipend plan").click()
        page.locator("#id_amount_0").fill("1000.00")
        page.locator("#id_amount_1").select_option("EUR")
        page.get_by_label("Start of the mentorship: share (%)").fill("30")
        page.get_by_label("Midpoint evaluation: share (%)").fill("30")
        page.get_by_label("Final evaluation: share (%)").fill("50")
        page.get_by_role("button", name="Save the plan").click()
        expect(page.get_by_text("The instalments must add up to 100 % (now 110 %).")).to_be_visible()
        page.get_by_label("Final evaluation: share (%)").fill("40")
        page.get_by_role("button", name="Save the plan").click()
        expect(page.get_by_text("The stipend plan is saved.")).to_be_visible()
        expect(page.locator("#payments tbody tr")).to_have_count(1)
        expect(page.locator("#payments")).to_contain_text("400.00 EUR")

        # The mentor recommends payment at the midpoint and an extension at the final.
        log_in(mentor_page, mentor.email)
        mentor_evaluation(mentor_page, mentorship.pk, "midpoint", "Pay the instalment")
        mentor_evaluation(mentor_page, mentorship.pk, "final", "Delay it: extend the mentorship", weeks=2)

        # The mentee gives the details finance pays with (the mentor never sees them).
        log_in(mentee_page, mentee.email)
        mentee_page.goto(f"/mentorships/{mentorship.pk}/")
        mentee_page.get_by_role("link", name="Your schedule and payment details").click()
        mentee_page.get_by_label("Legal name (as on your bank account)").fill("Takumi Legal Name")
        mentee_page.get_by_label("Country of residence").fill("jp")
        mentee_page.get_by_role("button", name="Save my payment details").click()
        expect(mentee_page.get_by_text("Your payment details are saved.")).to_be_visible()
        mentor_page.goto(f"/mentorships/{mentorship.pk}/stipend/")
        expect(mentor_page.get_by_text("Takumi Legal Name")).to_have_count(0)

        # The coordinator approves the midpoint one, and holds the final one (applying the extension).
        page.goto(f"/cohorts/{cohort.pk}/payments/")
        expect(page.get_by_text("Extension of 2 weeks recommended")).to_be_visible()
        decide(page, cohort.pk, "Takumi Mentee", "Midpoint evaluation", "approve")
        expect(page.get_by_text("1 instalment approved.")).to_be_visible()
        decide(page, cohort.pk, "Takumi Mentee", "Final evaluation", "hold", reason="Paid after the extension.")
        expect(page.get_by_text("1 instalment held.")).to_be_visible()
        expect(page.get_by_text("Extension of 2 weeks applied")).to_be_visible()
        mentorship.refresh_from_db()
        assert (mentorship.ends_on - ends_on).days == 14

        # The batch goes to finance; a second export finds nothing new.
        page.get_by_role("link", name="Finance exports").click()
        page.get_by_role("button", name="Export the approved instalments").click()
        expect(page.get_by_text(re.compile(r"Export #\d+ holds 1 instalment"))).to_be_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="CSV").first.click()
        with open(download_info.value.path(), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert [(r["legal_name"], r["country"], r["instalment"], r["amount"], r["currency"]) for r in rows] == [
            ("Takumi Legal Name", "JP", "midpoint", "300.00", "EUR")]
        page.get_by_role("button", name="Export the approved instalments").click()
        expect(page.get_by_text("Nothing to export: no approved instalment is waiting.")).to_be_visible()
        expect(page.locator("#batches tbody tr")).to_have_count(1)
        assert Instalment.objects.filter(status="exported").count() == 1

        # The mentee reads the schedule, with the reason of the held one.
        mentee_page.goto(f"/mentorships/{mentorship.pk}/")
        schedule = mentee_page.locator("#stipend-schedule")
        expect(schedule).to_contain_text("Sent for payment")
        expect(schedule).to_contain_text("Reason: Paid after the extension.")
        expect(schedule).to_contain_text("Waiting for the evaluation")
        mentee_page.set_viewport_size({"width": 360, "height": 740})
        no_sideways_scroll(mentee_page, f"/mentorships/{mentorship.pk}/stipend/")
        page.set_viewport_size({"width": 360, "height": 740})
        no_sideways_scroll(page, f"/cohorts/{cohort.pk}/payments/")

        # Both emails reached the mentee.
        subjects = subjects_to(file_outbox, mentee.email)
        assert "Your stipend instalment of 300.00 EUR is approved" in subjects
        assert "Your stipend instalment of 400.00 EUR is held" in subjects
        assert Mentorship.objects.get(pk=mentorship.pk).status == "active"

        # After the extension the mentor says again: pay it now. The coordinator filters the held ones and
        # approves every instalment of the filter at once, after confirming.
        mentor_page.goto(f"/mentorships/{mentorship.pk}/")
        mentor_page.get_by_role("link", name=re.compile("the instalment is held")).click()
        mentor_page.get_by_role("radio", name="Pay the instalment").check()
        mentor_page.get_by_role("button", name="Save the recommendation").click()
        expect(mentor_page.get_by_text("Your recommendation is saved")).to_be_visible()
        page.goto(f"/cohorts/{cohort.pk}/payments/")
        page.get_by_label("Show the pairs with instalments").select_option("held")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#payments tbody tr")).to_have_count(1)
        expect(page.locator("#payments")).to_contain_text("Mentor: Pay the instalment")
        page.get_by_role("radio", name=re.compile("Every instalment in this filter")).check()
        page.get_by_role("button", name="Review the decision").click()
        expect(page.get_by_text("You are about to approve 1 instalment")).to_be_visible()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("1 instalment approved.")).to_be_visible()
        assert Instalment.objects.get(mentorship=mentorship, event="final").status == "approved"
    finally:
        mentor_context.close()
        mentee_context.close()
