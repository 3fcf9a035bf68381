"""An applicant links a GitHub account, records three contributions; the platform's answers (a local fake
GitHub) verify two and flag one on the review page; the matching reasons name the merged PR's language."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, SkillFactory, make_mentor
from contributions.models import Contribution, LinkedAccount
from contributions.tests.factories import PeriodFactory
from contributions.tests.recorded import FakeHosts
from programs.tests.factories import EnrollmentFactory, cohort_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def at_phone_width(page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})


def test_applicant_links_github_records_work_and_reviewers_and_matching_use_the_verified_facts(
        page, chromium, live_server, httpserver, settings):
    hosts = FakeHosts(httpserver, settings)
    scenario = cohort_scenario(applications=1, mentors=0, name="Term 2033")
    cohort, application = scenario.cohort, scenario.applications[0]
    PeriodFactory(cohort=cohort, repositories="https://github.com/numpy")
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Pia Python", skills=[SkillFactory(name="Python")]))
    applicant = application.applicant
    merged_url = hosts.github_pull(101, login="ada")
    issue_url = hosts.github_issue(7, login="ada")
    others_url = hosts.github_pull(102, login="grace")

    # The applicant links a GitHub account with a public gist that holds the code we give.
    log_in(page, applicant.email)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Your GitHub and GitLab accounts").click()
    page.get_by_label("Platform").select_option("github")
    page.get_by_label("Your username there").fill("ada")
    page.get_by_role("button", name="Get my code").click()
    expect(page.get_by_text("Now put the code below in a public gist or snippet.")).to_be_visible()
    code = page.locator("#code-github").inner_text()
    assert code == LinkedAccount.objects.get(user=applicant).code
    gist_url = hosts.github_gist("0123abcd4567", login="ada", description=f"Linking my account: {code}")
    page.get_by_label("Address of your public gist or snippet").fill(gist_url)
    page.get_by_role("button", name="Check my gist or snippet").click()
    expect(page.get_by_text("Confirmed", exact=True)).to_be_visible()
    at_phone_width(page)

    # From the dashboard to the cohort's contribution page: three contributions, each with a note.
    page.goto("/dashboard/")
    page.get_by_role("link", name=re.compile("Record your contributions to")).click()
    expect(page.get_by_role("heading", name="Your contributions")).to_be_visible()
    for url, note in ((merged_url, "How masked arrays broadcast."), (issue_url, "How the docs are built."),
                      (others_url, "I reviewed Grace's patch.")):
        page.get_by_label("Address of the contribution").fill(url)
        page.get_by_label("What you learned").fill(note)
        page.get_by_role("button", name="Record it").click()
        expect(page.get_by_text("Your contribution was recorded.")).to_be_visible()
    # Tasks run eagerly in tests: each was fetched from the fake GitHub as it was recorded.
    expect(page.get_by_text("2 verified (1 merged), 1 flagged.")).to_be_visible()
    at_phone_width(page)
    assert Contribution.objects.filter(applicant=applicant).checked_out().count() == 2

    # The coordinator's review page: two verified, one flagged because someone else wrote it.
    coordinator = chromium.new_context(base_url=live_server.url, locale="en-US")
    coordinator_page = coordinator.new_page()
    log_in(coordinator_page, scenario.coordinator.email)
    coordinator_page.goto(f"/applications/{application.pk}/review/")
    panel = coordinator_page.locator("section", has=coordinator_page.get_by_role("heading", name="Contributions"))
    expect(panel.locator("#contributions-summary")).to_contain_text("3 contributions recorded: 2 verified (1 merged), 1 flagged.")
    cards = panel.locator("article.contribution")
    expect(cards).to_have_count(3)
    expect(panel.get_by_text("Verified", exact=True)).to_have_count(2)
    flagged = cards.filter(has_text="author is not the applicant")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("grace")
    expect(cards.filter(has_text="Fix the broadcasting of masked arrays (#101)")).to_contain_text("merged")
    at_phone_width(coordinator_page)

    # The coordinator runs the matching: the reasons name the merged PR's language and repository.
    coordinator_page.goto(f"/cohorts/{cohort.pk}/matching/")
    coordinator_page.get_by_role("button", name="Run matching").click()
    expect(coordinator_page.get_by_role("heading", name=re.compile(r"Matching run #\d+"))).to_be_visible()
    expect(coordinator_page.locator(".reasons").first).to_contain_text("1 merged PR in Python to numpy")
    coordinator.close()
