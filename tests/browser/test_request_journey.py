"""A mentee finds a mentor in the directory, asks directly; the mentor accepts; both see the mentorship."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, SkillFactory, make_mentee, make_mentor
from conftest import searchable_lists_ready
from programs.models import ProgramKind
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def test_direct_request_accepted_starts_a_mentorship(page, chromium, live_server):
    skill = SkillFactory(name="Bayesian statistics")
    program = ProgramFactory(name="Mentoring Program", kind=ProgramKind.MENTORING)
    cohort = CohortFactory(program=program, name="Open all year", rolling=True, applications_close_at=None, review_deadline=None)
    mentor = make_mentor(name="Mei Tanaka", skills=[skill], tz="Asia/Tokyo", bio="Probabilistic programming.")
    EnrollmentFactory(cohort=cohort, mentor=mentor, capacity=2)
    mentee = make_mentee(name="Arjun Patel", interests=[skill])

    log_in(page, mentee.email)
    page.get_by_role("link", name="Mentors", exact=True).click()
    searchable_lists_ready(page)
    page.get_by_role("combobox", name="Skill").click()
    page.keyboard.type("bayes")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Mei Tanaka").click()
    page.get_by_role("link", name="Ask Mei Tanaka to mentor you").click()
    expect(page.get_by_text("2 places left", exact=False)).to_be_visible()
    page.get_by_label("Who I am").fill("Master's student in statistics.")
    page.get_by_label("What I have done so far").fill("Hierarchical models in Stan.")
    page.get_by_label("What I want to learn").fill("A Bayesian workflow for my thesis.")
    page.get_by_label("Why I am asking you").fill("You work on probabilistic programming.")
    page.get_by_label("Hours per week I can give").fill("4")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent")).to_be_visible()

    mentor_context = chromium.new_context(base_url=live_server.url)
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, mentor.email)
    mentor_page.get_by_role("link", name="Arjun Patel asks you to mentor them").click()
    mentor_page.get_by_label("Message to the mentee (optional)").fill("Happy to help. Let's meet next week.")
    mentor_page.get_by_role("button", name="Accept and start the mentorship").click()
    expect(mentor_page.get_by_text("You accepted")).to_be_visible()
    mentor_page.goto("/mentorships/")
    expect(mentor_page.get_by_role("link", name=re.compile("Arjun Patel"))).to_be_visible()
    mentor_context.close()

    page.goto("/mentorships/")
    expect(page.get_by_role("link", name=re.compile("Mei Tanaka"))).to_be_visible()
