"""A coordinator who is not staff runs their own program, in a real browser: copies the last cohort, edits a
question and the rubric, invites a mentor who accepts from the email, writes an announcement to applicants,
previews it in Spanish and English and sends it; each recipient gets exactly one email."""
import re
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import make_mentee
from programs.models import ApprovalStatus, Cohort, MentorEnrollment
from programs.tests.factories import cohort_scenario
from tests.browser.test_review_journey import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def emails(outbox) -> list:
    return [message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def check_widths(page):
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert no_sideways_scroll(page) <= 0, (width, page.url)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_coordinator_copies_a_cohort_invites_a_mentor_and_announces(page, chromium, live_server, file_outbox):
    scenario = cohort_scenario(applications=2, mentors=0, name="Term 2031")
    coordinator, last = scenario.coordinator, scenario.cohort
    assert not coordinator.is_staff
    spanish = scenario.applications[0].applicant
    spanish.language = "es"
    spanish.save(update_fields=["language"])
    invitee = make_mentee(name="Invited Ines")  # has an account, is not a mentor yet

    # Copy the last cohort, its dates moved half a year on.
    log_in(page, coordinator.email)
    page.goto("/coordinate/")
    page.get_by_role("link", name=f"Cohorts of {last.program.name}").click()
    check_widths(page)
    opens = timezone.localtime(last.applications_open_at + timedelta(days=182)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Name of the new cohort").fill("Term 2032")
    page.get_by_label("Applications open").fill(opens)
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_text("“Term 2032” is ready")).to_be_visible()
    new = Cohort.objects.get(name="Term 2032")
    assert new.starts_on - last.starts_on == timedelta(days=182)
    page.get_by_role("button", name="Show the phase with these dates").click()
    expect(page.get_by_text("With these dates the cohort would be in the phase")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Set up")).click()
    check_widths(page)

    # Edit a question; the rubric gets a criterion and shows the sum.
    page.get_by_role("link", name="Application questions").click()
    page.get_by_role("link", name="Change What have you built?").click()
    page.get_by_label("Question").fill("What have you shipped?")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("What have you shipped?").first).to_be_visible()
    check_widths(page)
    page.get_by_role("link", name=re.compile("^Set up")).click()
    page.get_by_role("link", name="Review rubric").click()
    page.get_by_role("textbox", name="Criterion").fill("Clarity")
    page.get_by_label("Weight").fill("1")
    page.get_by_role("button", name="Add the criterion").click()
    expect(page.get_by_role("row", name=re.compile("Sum of the weights 4"))).to_be_visible()
    check_widths(page)
    assert list(last.questions.values_list("prompt", flat=True))[0] == "What have you built?"  # the original stays

    # Invite a mentor; she accepts from the email.
    page.get_by_role("link", name=re.compile("^Set up")).click()
    page.get_by_role("link", name="Invite a mentor").click()
    page.get_by_label("Email address").fill(invitee.email)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"An invitation is on its way to {invitee.email}")).to_be_visible()
    check_widths(page)
    (invitation,) = [m for m in emails(file_outbox) if m["To"] == invitee.email]
    link = re.search(r"https?://\S+/invitations/\S+/", body(invitation)).group(0)
    mentor_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    mentor_page = mentor_context.new_page()
    mentor_page.goto(link)
    expect(mentor_page.get_by_text("invites you to mentor")).to_be_visible()
    mentor_page.get_by_role("main").get_by_role("link", name="Sign in").click()
    mentor_page.get_by_label("Email").fill(invitee.email)
    from accounts.tests.factories import PASSWORD

    mentor_page.get_by_label("Password").fill(PASSWORD)
    mentor_page.get_by_role("button", name="Sign In").click()
    mentor_page.wait_for_url(lambda url: "/invitations/" in url)
    mentor_page.get_by_label("How many mentees can you take?").fill("2")
    mentor_page.get_by_role("button", name="Accept the invitation").click()
    expect(mentor_page.get_by_role("heading", name="Review queue")).to_be_visible()
    mentor_context.close()
    enrollment = MentorEnrollment.objects.get(cohort=new, mentor=invitee)
    assert (enrollment.status, enrollment.capacity) == (ApprovalStatus.APPROVED, 2)

    # An announcement to the last cohort's applicants, previewed in Spanish and English, then sent.
    page.goto(f"/cohorts/{last.pk}/setup/")
    page.get_by_role("link", name="Announcements").click()
    page.get_by_role("link", name="Write an announcement").click()
    page.get_by_label("Who receives it").select_option(label="Applicants: Submitted")
    page.locator("#id_subject").fill("Interviews next week")
    page.locator("#id_body").fill("Please book a slot.")
    page.get_by_label("Subject in Spanish (optional)").fill("Entrevistas la semana próxima")
    page.get_by_label("Message in Spanish (optional)").fill("Reserva un turno, por favor.")
    page.get_by_label("Preview in").select_option("es")
    page.get_by_role("button", name="Preview and count").click()
    expect(page.get_by_text("2 people will receive this email, once each.")).to_be_visible()
    expect(page.get_by_text("Entrevistas la semana próxima").first).to_be_visible()
    check_widths(page)
    page.get_by_label("Preview in").select_option("en")
    page.get_by_role("button", name="Preview and count").click()
    expect(page.get_by_text("Please book a slot.").last).to_be_visible()
    page.get_by_role("button", name="Send to 2 people").click()
    expect(page.get_by_text("Your announcement is on its way to 2 people.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Interviews next week"))).to_be_visible()
    check_widths(page)

    sent = [m for m in emails(file_outbox) if m["To"] in {a.applicant.email for a in scenario.applications}]
    assert Counter(m["To"] for m in sent) == Counter({a.applicant.email: 1 for a in scenario.applications})
    by_address = {m["To"]: subject(m) for m in sent}
    assert by_address[spanish.email] == "Entrevistas la semana próxima"
    assert by_address[scenario.applications[1].applicant.email] == "Interviews next week"


def test_the_cohort_admin_page_fits_a_1280_px_window(page, live_server):
    from accounts.tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    scenario = cohort_scenario(applications=0, mentors=0)
    log_in(page, admin.email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/admin/programs/cohort/{scenario.cohort.pk}/change/")
    expect(page.get_by_text("What have you built?").first).to_be_attached()
    wide = page.evaluate("""() => [...document.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
        .slice(0, 12).map(e => e.tagName + '#' + e.id)""")  # what sticks out, if anything
    assert no_sideways_scroll(page) <= 0, wide
