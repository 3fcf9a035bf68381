"""A mentee finds a program, starts an application, saves a draft, comes back, submits and reads the status."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, make_mentee
from programs.models import Application, ProgramKind
from programs.tests.factories import ApplicationFactory, ProgramFactory, cohort_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def test_mentee_applies_saves_a_draft_comes_back_and_submits(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scenario = cohort_scenario(applications=0, name="Term 2031")
    program = scenario.cohort.program
    program.name, program.kind = "Open Science Internship", ProgramKind.INTERNSHIP
    program.save()
    ProgramFactory(name="Ambassadors Circle", kind=ProgramKind.AMBASSADORS)
    mentee = make_mentee(name="Lucía", career_goals="Become a research software engineer.")

    log_in(page, mentee.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Internship", exact=True)).to_be_visible()
    page.get_by_role("link", name="Open Science Internship").click()
    expect(page.get_by_role("heading", name="Open Science Internship")).to_be_visible()
    page.get_by_role("link", name="Term 2031").click()
    expect(page.get_by_role("heading", name="Mentors")).to_be_visible()
    expect(page.get_by_role("heading", name="Mentor 0")).to_be_visible()
    page.get_by_role("link", name="Apply", exact=True).click()

    # The form starts from the profile; save a first draft.
    goals = page.get_by_label("Goals for this mentorship")
    expect(goals).to_have_value("Become a research software engineer.")
    goals.fill("Learn to maintain a scientific Python package.")
    page.get_by_label("Your GitHub profile").fill("github dot com slash lucia")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Enter a valid URL.")).to_be_visible()
    expect(goals).to_have_value("Learn to maintain a scientific Python package.")  # nothing lost
    page.get_by_label("Your GitHub profile").fill("https://github.com/lucia")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()

    # Leave, come back through "your applications": the draft is kept.
    page.goto("/")
    page.goto("/applications/")
    expect(page.get_by_role("cell", name="Draft: not submitted yet")).to_be_visible()
    page.get_by_role("link", name="Open Science Internship · Term 2031").click()
    expect(page.get_by_text("You have not submitted this application yet.")).to_be_visible()
    page.get_by_role("link", name="Continue your application").click()
    expect(page.get_by_label("Goals for this mentorship")).to_have_value("Learn to maintain a scientific Python package.")
    expect(page.get_by_label("Your GitHub profile")).to_have_value("https://github.com/lucia")

    # Submitting without the required answer is refused and keeps the draft.
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Please answer: What have you built?")).to_be_visible()

    page.get_by_label("What have you built?").fill("A pipeline that cleans bird-song recordings.")
    page.get_by_label("First choice").select_option(label="Mentor 1")
    page.get_by_role("button", name="Submit application").click()

    expect(page.get_by_text("Your application was submitted.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Status"))).to_contain_text("Submitted: waiting for review")
    expect(page.get_by_text("We received your application")).to_be_visible()
    expect(page.get_by_role("cell", name="Submitted", exact=True)).to_be_visible()
    application = Application.objects.get(applicant=mentee)
    assert application.status == Application.Status.SUBMITTED
    assert [p.mentor for p in application.preferences.all()] == [scenario.mentors[1]]


def test_application_pages_fit_a_phone_screen(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scenario = cohort_scenario(applications=0)
    mentee = make_mentee(name="Phone User")
    application = ApplicationFactory(cohort=scenario.cohort, applicant=mentee)
    log_in(page, mentee.email)
    page.set_viewport_size({"width": 360, "height": 740})
    cohort = scenario.cohort
    paths = [
        "/programs/", cohort.program.get_absolute_url(), cohort.get_absolute_url(),
        f"/cohorts/{cohort.pk}/apply/", "/applications/", f"/applications/{application.pk}/",
        f"/applications/{application.pk}/withdraw/",
    ]
    for path in paths:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
