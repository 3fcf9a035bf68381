"""On a 360 px phone: applying, reviewing, matching and the mentorship page fit the screen (no sideways
scrolling), the matching run's "Why" is on screen, and axe finds no WCAG 2 A/AA problem on those pages."""
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD as FACTORY_PASSWORD
from matching.models import MatchProposal, MatchRun
from matching.tests.factories import hand_made_cohort
from programs.models import Application
from tests.browser.test_accessibility import AXE
from tests.browser.test_accessibility import PASSWORD as DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(chromium, live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, bypass_csp=True)
    context.set_default_timeout(45_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check(page, path: str | None = None) -> list[str]:
    """Problems of the page on a phone: sideways scrolling and axe's WCAG 2 A/AA violations."""
    if path:
        response = page.goto(path)
        assert response.status == 200, path
    where = urlsplit(page.url).path
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.evaluate("window.innerWidth"):
        problems.append(f"{where}: {width} px wide")
    page.add_script_tag(content=AXE)
    problems += page.evaluate(
        """async (where) => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations
            .map(v => `${where}: ${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)""",
        where,
    )
    return problems


def test_matching_on_a_phone(phone):
    made = hand_made_cohort(x_capacity=2, y_capacity=1)
    log_in(phone, made.coordinator.email, FACTORY_PASSWORD)
    phone.goto(f"/cohorts/{made.cohort.pk}/matching/")
    problems = check(phone)
    phone.get_by_role("button", name="Run matching").click()
    expect(phone.get_by_role("heading", name=re.compile(r"Matching run #\d+"))).to_be_visible()
    problems += check(phone)

    # The reasons of a pair are on screen, not cut off at the right edge.
    ana = MatchProposal.objects.get(run=MatchRun.objects.get(cohort=made.cohort), application=made.a)
    reasons = phone.locator(f"#proposal-{ana.pk} .reasons")
    reasons.scroll_into_view_if_needed()
    box = reasons.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(reasons).to_contain_text("shared skill")

    phone.locator(f"#proposal-{ana.pk}").get_by_role("link", name="Change mentor").click()
    expect(phone.locator("#mentor-options")).to_contain_text("Yolanda")
    problems += check(phone)
    phone.get_by_role("link", name=re.compile(r"Matching run #")).click()
    phone.get_by_role("link", name="See the unmatched applications").click()
    problems += check(phone)
    assert problems == []


def test_applying_reviewing_and_the_mentorship_page_on_a_phone(phone):
    call_command("seed_demo", stdout=io.StringIO())
    problems = []

    # A mentee applies to an open cohort.
    log_in(phone, "sofia.mamani@example.com", DEMO_PASSWORD)
    problems += check(phone)  # the dashboard
    problems += check(phone, "/programs/")
    apply = phone.locator("main a[href$='/apply/']").first
    if apply.count():
        apply.click()
        problems += check(phone)
    problems += check(phone, "/applications/")
    phone.goto("/mentorships/")
    mentorship = phone.locator("main a[href^='/mentorships/']").first.get_attribute("href")
    problems += check(phone, mentorship)

    # The coordinator reviews, then reads the review queue.
    log_in(phone, "coordinator@example.com", DEMO_PASSWORD)
    problems += check(phone, "/coordinate/")
    manage = phone.locator("main a[href$='/manage/']").first.get_attribute("href")
    problems += check(phone, manage)
    queue = manage.replace("/manage/", "/reviews/")
    problems += check(phone, queue)
    reviewable = Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk").first()
    phone.goto(f"/applications/{reviewable.pk}/review/")
    expect(phone.get_by_role("heading", name=re.compile("Application from"))).to_be_visible()
    expect(phone.locator("main")).to_contain_text(re.compile(r"\d (a|p)\.m\. (America|Europe|Africa|Asia|UTC)"))
    problems += check(phone)

    # Staff read the outbox: the subject stays on screen.
    log_in(phone, "admin@example.com", "demo-admin-2026")
    problems += check(phone, "/notifications/outbox/")
    subject = phone.locator("main table tbody tr").first.locator("a").first
    box = subject.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert problems == []


def _follow(page, selector: str) -> str:
    """The first link matching `selector` on the page (so the next page is reachable from this one)."""
    link = page.locator(selector).first
    expect(link).to_be_attached()
    return link.get_attribute("href")


def test_stipends_contributions_and_api_tokens_of_the_demo_on_a_phone(phone):
    """The demo's paid cohort, contribution period and API pages, reached by links from the menu and the
    cohort dashboard, fit a 360 px screen and pass axe, for the coordinator, the mentee and an applicant."""
    call_command("seed_demo", stdout=io.StringIO())
    problems = []

    log_in(phone, "coordinator@example.com", DEMO_PASSWORD)
    phone.goto("/coordinate/")
    problems += check(phone, _follow(phone, "main a[href$='/manage/']:has-text('(paid)')"))
    payments = _follow(phone, "main a[href$='/payments/']")
    problems += check(phone, payments)
    for suffix in ("/stipend/", "/payments/exports/", "/payments/history/", "/sponsors/"):
        problems += check(phone, _follow(phone, f"main a[href$='{suffix}']"))
    phone.goto("/coordinate/")
    problems += check(phone, _follow(phone, "main a[href$='/manage/']:has-text('Term 4')"))
    problems += check(phone, _follow(phone, "main a[href$='/manage/contributions/']"))

    log_in(phone, "sofia.mamani@example.com", DEMO_PASSWORD)
    phone.goto("/mentorships/")
    problems += check(phone, _follow(phone, "main a[href^='/mentorships/']:has-text('Ana Quispe')"))
    for _ in range(2):  # two pairs with Ana: the paid one has the schedule
        if phone.locator("main a[href$='/stipend/']").count():
            break
        phone.goto("/mentorships/")
        phone.goto(phone.locator("main a[href^='/mentorships/']:has-text('Ana Quispe')").last.get_attribute("href"))
    problems += check(phone, _follow(phone, "main a[href$='/stipend/']"))
    expect(phone.locator("main")).to_contain_text("Held")
    phone.goto("/dashboard/")
    problems += check(phone, _follow(phone, "main a[href$='/contributions/']"))
    phone.goto("/dashboard/")
    problems += check(phone, _follow(phone, "main a[href$='/accounts/code-hosts/']"))
    problems += check(phone, _follow(phone, "header a:has-text('My profile'), nav a:has-text('My profile')"))
    problems += check(phone, _follow(phone, "main a[href$='/api/tokens/']"))
    problems += check(phone, _follow(phone, "main a[href$='/api/docs/']"))

    log_in(phone, "applicant21@example.com", DEMO_PASSWORD)
    phone.goto("/dashboard/")
    problems += check(phone, _follow(phone, "main a[href$='/contributions/']"))
    expect(phone.locator("main")).to_contain_text("not found on the platform")
    assert problems == []
