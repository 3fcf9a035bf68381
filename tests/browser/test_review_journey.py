"""Mentors volunteer and review; coordinators approve mentors and decide applications, in a real browser."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, make_mentor
from notifications.models import Notification
from programs.models import Application, ApprovalStatus, MentorEnrollment, Review
from programs.tests.factories import EnrollmentFactory, cohort_scenario

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
    # Wait for the redirect away from the login form (not for the dashboard, which other apps extend).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_mentor_volunteers_is_approved_and_reviews_with_the_rubric(page, chromium, live_server):
    scenario = cohort_scenario(applications=1, mentors=0, name="Term 2032")
    cohort, application = scenario.cohort, scenario.applications[0]
    colleague = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Early Colleague")).mentor
    Review.objects.create(application=application, reviewer=colleague, scores={}, weighted_score=2.0,
                          recommendation="maybe", comment="Colleague thinks the plan is thin.")
    mentor = make_mentor(name="Grace Mentor", capacity=3)

    # The mentor offers to mentor, from the cohort page.
    log_in(page, mentor.email)
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Volunteer as a mentor").click()
    expect(page.get_by_label("How many mentees")).to_have_value("3")  # from the profile
    page.get_by_label("What you can offer").fill("Weekly calls and code review.")
    page.get_by_label("Projects or topics").fill("astropy, documentation")
    page.get_by_role("button", name="Volunteer").click()
    expect(page.get_by_text("Thank you! Your offer to mentor was saved.")).to_be_visible()
    expect(page.get_by_text("Waiting for approval")).to_be_visible()
    assert page.goto(f"/cohorts/{cohort.pk}/reviews/").status == 404  # not approved yet

    # The coordinator approves the offer in their own browser session.
    coordinator_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    coordinator_page = coordinator_context.new_page()
    log_in(coordinator_page, scenario.coordinator.email)
    coordinator_page.goto("/coordinate/")
    coordinator_page.get_by_role("main").get_by_role("link", name=re.compile(r"^Mentors")).click()
    expect(coordinator_page.get_by_role("cell", name="astropy, documentation")).to_be_visible()
    coordinator_page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(coordinator_page) <= 0
    coordinator_page.set_viewport_size({"width": 1280, "height": 900})
    coordinator_page.get_by_role("button", name="Approve Grace Mentor").click()
    expect(coordinator_page.get_by_text("Grace Mentor is now a mentor of this cohort.")).to_be_visible()
    coordinator_context.close()
    assert MentorEnrollment.objects.get(mentor=mentor).status == ApprovalStatus.APPROVED

    # The mentor now reaches the queue and reviews the application.
    page.goto(f"/cohorts/{cohort.pk}/volunteer/")
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    page.get_by_role("link", name="Review applications").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("table").get_by_role("link", name="Applicant 0").click()
    expect(page.get_by_role("heading", name="Application from Applicant 0")).to_be_visible()
    expect(page.get_by_text("I built tool number 0.")).to_be_visible()
    expect(page.get_by_text("Colleague thinks the plan is thin.")).to_have_count(0)  # anti-anchoring
    expect(page.get_by_text("1 other review so far.")).to_be_visible()

    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Submit review").click()  # nothing chosen yet
    expect(page.get_by_text("Choose a recommendation.").first).to_be_visible()
    page.get_by_role("group", name="Motivation (weight 2)").get_by_label("5").check()
    page.get_by_role("group", name="Experience (weight 1)").get_by_label("2").check()
    page.get_by_role("group", name="Your recommendation").get_by_label("Yes", exact=True).check()
    page.get_by_label("Comment for staff").fill("Clear goals, little experience yet.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Your review was saved.")).to_be_visible()
    expect(page.get_by_text("Colleague thinks the plan is thin.")).to_be_visible()

    review = Review.objects.get(reviewer=mentor)
    assert review.scores == {str(scenario.criteria[0].pk): 5, str(scenario.criteria[1].pk): 2}
    assert review.weighted_score == pytest.approx(4.0)
    assert review.recommendation == "yes"
    assert Application.objects.get(pk=application.pk).status == Application.Status.UNDER_REVIEW


def test_coordinator_accepts_an_application_with_confirmation_and_the_applicant_is_emailed(page, file_outbox):
    scenario = cohort_scenario(applications=2, name="Term 2033")
    chosen, other = scenario.applications
    for mentor in scenario.mentors:
        Review.objects.create(application=chosen, reviewer=mentor, scores={}, weighted_score=4.5, recommendation="yes")
        Review.objects.create(application=other, reviewer=mentor, scores={}, weighted_score=2.0, recommendation="no")

    log_in(page, scenario.coordinator.email)
    page.goto("/coordinate/")
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Dashboard")).click()
    expect(page.get_by_role("heading", name="Applications ranked by normalised score")).to_be_visible()
    first_row = page.locator("table:has(caption:text('Applications ranked by normalised score')) tbody tr").first
    expect(first_row.get_by_role("rowheader")).to_have_text("Applicant 0")

    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Select Applicant 0").check()
    page.get_by_role("button", name="Accept selected").click()
    expect(page.get_by_role("heading", name="Confirm the decision")).to_be_visible()
    expect(page.get_by_text("You are about to accept 1 application:")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Applicant 0")).to_be_visible()
    assert Application.objects.get(pk=chosen.pk).status == Application.Status.SUBMITTED  # nothing decided yet
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("1 application is now “Accepted”.")).to_be_visible()

    assert Application.objects.get(pk=chosen.pk).status == Application.Status.ACCEPTED
    assert Application.objects.get(pk=other.pk).status != Application.Status.ACCEPTED
    notification = Notification.objects.get(user=chosen.applicant, kind="application_status")
    assert notification.status == Notification.Status.SENT
    assert not Notification.objects.filter(user=other.applicant).exists()
    messages = [path.read_text() for path in file_outbox.glob("*.eml")]
    assert len(messages) == 1 and chosen.applicant.email in messages[0]
