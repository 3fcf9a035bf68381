"""A mentor and a mentee, each in their own browser, go through a whole mentorship: agreement, goal,
meeting (with its .ics), notes and action items, a check-in, both evaluations, closure, and the
mentee's offer to mentor the next cohort."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, SkillFactory, UserFactory, make_mentee, make_mentor
from conftest import searchable_lists_ready
from mentoring import services
from mentoring.models import Mentorship
from mentoring.tests.factories import RunningCohortFactory
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOGOTA, TOKYO = ZoneInfo("America/Bogota"), ZoneInfo("Asia/Tokyo")


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def send_evaluation(page, mentorship_pk, stage, *, mentor: bool):
    page.goto(f"/mentorships/{mentorship_pk}/evaluations/{stage}/")
    expect(page.get_by_role("heading", name=re.compile("evaluation of"))).to_be_visible()
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    for box in page.get_by_role("textbox").all():
        box.fill("Steady progress and good communication.")
    if mentor and stage == "final":
        page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Send the evaluation").click()
    expect(page.get_by_text("Your evaluation was sent.")).to_be_visible()


def no_sideways_scroll(page, path):
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"


def test_a_whole_mentorship_in_two_browsers(page, chromium, live_server):
    SkillFactory(name="Python packaging")
    coordinator = UserFactory(email="coordinator@example.org")
    program = ProgramFactory(name="Open Science Internship", coordinators=[coordinator])
    cohort = RunningCohortFactory(program=program, name="Term 1", started_days_ago=10)
    now = timezone.now()
    next_cohort = CohortFactory(
        program=program,
        name="Term 2",
        applications_open_at=now + dt.timedelta(days=15),
        applications_close_at=now + dt.timedelta(days=45),
    )
    mentor = make_mentor(name="Beatriz Bogotá", tz="America/Bogota")
    mentee = make_mentee(name="Takumi Tokyo", tz="Asia/Tokyo")
    enrollment = EnrollmentFactory(cohort=cohort, mentor=mentor)
    mentorship = services.mentorship_create(enrollment=enrollment, mentee=mentee, actor=coordinator)
    detail = f"/mentorships/{mentorship.pk}/"

    mentee_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    mentee_context.set_default_timeout(15_000)
    mentee_page = mentee_context.new_page()
    try:
        # The mentor writes the agreement and accepts it.
        log_in(page, mentor.email)
        page.goto(detail)
        expect(page.get_by_text("First, agree on goals and expectations")).to_be_visible()
        page.get_by_role("link", name="Write the agreement").click()
        page.get_by_label("How often you meet").select_option("weekly")
        page.get_by_label("How you keep in touch").fill("Chat on weekdays; a video call every Tuesday.")
        page.get_by_label("What the mentor expects of the mentee").fill("Come with an agenda.")
        page.get_by_label("What the mentee expects of the mentor").fill("Code review within a week.")
        page.get_by_label("The mentee's goals").fill("Publish my first Python package.")
        page.get_by_role("button", name="Save the agreement").click()
        page.get_by_role("button", name="I accept this agreement").click()
        expect(page.get_by_text("You accepted this agreement.")).to_be_visible()

        # The mentee sees what is due on the dashboard, accepts, and adds a goal.
        log_in(mentee_page, mentee.email)
        mentee_page.get_by_role("link", name="Read and accept your agreement").click()
        expect(mentee_page.get_by_text("Publish my first Python package.")).to_be_visible()
        mentee_page.get_by_role("button", name="I accept this agreement").click()
        expect(mentee_page.get_by_text("You accepted this agreement.")).to_be_visible()
        mentee_page.goto(detail)
        expect(mentee_page.get_by_text("First, agree on goals and expectations")).to_have_count(0)
        mentee_page.get_by_role("link", name="Add a goal").click()
        searchable_lists_ready(mentee_page)
        mentee_page.get_by_role("textbox", name=re.compile("^Goal")).fill("Publish a package on PyPI")
        mentee_page.get_by_label("Status").select_option("in_progress")
        mentee_page.get_by_label("Progress (%)").fill("40")
        mentee_page.get_by_role("combobox", name="Skills").fill("python pack")
        mentee_page.keyboard.press("Enter")
        mentee_page.get_by_role("button", name="Add goal").click()
        expect(mentee_page.get_by_role("link", name="Publish a package on PyPI")).to_be_visible()

        # The mentor schedules a meeting at 09:00 in Bogotá and downloads it for the calendar.
        local_start = (now.astimezone(BOGOTA) + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
        page.goto(detail)
        page.get_by_role("link", name="Schedule a meeting").click()
        page.get_by_label("Starts at").fill(local_start.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Duration (minutes)").fill("45")
        page.get_by_label("Where").fill("https://meet.example.org/bea-takumi")
        page.get_by_label("Agenda").fill("Review the packaging pull request.")
        page.get_by_role("button", name="Schedule").click()
        expect(page.get_by_text("Meeting scheduled.")).to_be_visible()
        meeting_url = page.url
        expect(page.locator(f"time[datetime='{local_start:%Y-%m-%dT%H:%M:%S%z}']").first).to_be_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Add to my calendar (.ics)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".ics")
        with open(download.path(), "rb") as f:
            (event,) = Calendar.from_ical(f.read()).walk("VEVENT")
        assert event.decoded("dtstart") == local_start.astimezone(dt.UTC)
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
        assert str(event["UID"]).startswith("meeting-")

        # After the meeting: shared notes, a private note and an action item.
        page.get_by_role("textbox", name="Shared notes").fill("We split the work into three pull requests.")
        page.get_by_role("button", name="Save shared notes").click()
        expect(page.get_by_text("Shared notes saved.")).to_be_visible()
        page.get_by_label("My private notes").fill("Takumi seems tired; ask about workload.")
        page.get_by_role("button", name="Save private notes").click()
        expect(page.get_by_text("Private notes saved.")).to_be_visible()
        page.get_by_role("textbox", name=re.compile(r"^Action\*?$")).fill("Write the README")
        page.get_by_label("Who does it").select_option("mentee")
        page.get_by_role("button", name="Add action item").click()
        expect(page.get_by_text("Action item added.")).to_be_visible()

        # The mentee sees the same meeting at 23:00 Tokyo time, the shared notes, not the private ones.
        mentee_page.goto(meeting_url)
        tokyo = local_start.astimezone(TOKYO)
        expect(mentee_page.locator(f"time[datetime='{tokyo:%Y-%m-%dT%H:%M:%S%z}']").first).to_be_visible()
        expect(mentee_page.get_by_role("textbox", name="Shared notes")).to_have_value(
            "We split the work into three pull requests."
        )
        expect(mentee_page.get_by_text("Write the README")).to_be_visible()
        assert "ask about workload" not in mentee_page.content()
        mentee_page.get_by_role("button", name="Mark done").click()
        expect(mentee_page.get_by_role("button", name="Reopen")).to_be_visible()

        # The mentee checks in.
        mentee_page.goto(detail)
        mentee_page.get_by_role("link", name="Check in", exact=True).click()
        mentee_page.get_by_label("What moved forward").fill("The build works on CI.")
        mentee_page.get_by_label("What is in the way").fill("Exams next week.")
        mentee_page.get_by_role("radio", name="4 — good").check()
        mentee_page.get_by_role("button", name="Send check-in").click()
        expect(mentee_page.get_by_text("Thank you for checking in.")).to_be_visible()
        page.goto(detail)
        expect(page.get_by_text("The build works on CI.")).to_be_visible()

        # Weeks later: the coordinator moves the pair's dates so that both evaluation windows are open
        # (evaluations open at 40 % and 85 % of the pair's time).
        today = timezone.now().date()
        services.mentorship_dates_set(mentorship=mentorship, actor=coordinator, starts_on=today - dt.timedelta(days=80),
                                      ends_on=today + dt.timedelta(days=10))

        # Both evaluations, both ways.
        for stage in ("midpoint", "final"):
            send_evaluation(page, mentorship.pk, stage, mentor=True)
            send_evaluation(mentee_page, mentorship.pk, stage, mentor=False)
        expect(mentee_page.get_by_text("Mentee about mentor").first).to_be_visible()

        # Both close; the second closure completes the mentorship.
        page.goto(detail)
        page.get_by_role("link", name="Close the mentorship", exact=True).click()
        page.get_by_label("What was achieved").fill("A first release on PyPI.")
        page.get_by_label("What you would do differently").fill("Start the docs earlier.")
        page.get_by_label("A thank-you note for the other person").fill("Thank you, Takumi, it was a joy.")
        page.get_by_role("button", name="Close", exact=True).click()
        expect(page.get_by_text("The mentorship is completed when the other person closes too.")).to_be_visible()

        mentee_page.goto(detail)
        mentee_page.get_by_role("link", name="Close the mentorship", exact=True).click()
        mentee_page.get_by_label("What was achieved").fill("I published my first package.")
        mentee_page.get_by_label("A thank-you note for the other person").fill("Gracias, Beatriz!")
        mentee_page.get_by_label("List me as an alumnus/alumna on the program page").check()
        mentee_page.get_by_role("button", name="Close", exact=True).click()
        expect(mentee_page.get_by_text("it is completed")).to_be_visible()
        assert Mentorship.objects.get(pk=mentorship.pk).status == Mentorship.Status.COMPLETED
        expect(mentee_page.get_by_text("Thank you, Takumi, it was a joy.")).to_be_visible()

        # The mentee is offered to mentor the next cohort, with what they learned prefilled.
        expect(mentee_page.get_by_role("heading", name="Pass it on: mentor the next cohort")).to_be_visible()
        mentee_page.get_by_role("button", name="Yes, I'd like to mentor").click()
        mentee_page.wait_for_url(re.compile(rf"/cohorts/{next_cohort.pk}/volunteer/\?offer="))
        assert "Python+packaging" in mentee_page.url or "Python%20packaging" in mentee_page.url
        mentee.profile.refresh_from_db()
        assert mentee.profile.is_mentor

        # Usable on a phone.
        mentee_page.set_viewport_size({"width": 360, "height": 740})
        for path in (detail, meeting_url.replace(live_server.url, ""), "/dashboard/", "/mentorships/"):
            no_sideways_scroll(mentee_page, path)
    finally:
        mentee_context.close()
