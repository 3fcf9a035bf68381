"""On a 360 px phone, the profile's skill list is a searchable multi-select used by keyboard alone, chosen
items show as chips, the browser's time zone is preselected and mentor-only questions wait for "I want to mentor"."""
import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, SkillFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_profile_lists_work_by_keyboard_at_phone_width(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    for name in ("Python", "Bayesian statistics", "Machine learning", "Open data"):
        SkillFactory(name=name)
    user = UserFactory(email="phone@example.org")
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", timezone_id="America/La_Paz", viewport={"width": 360, "height": 740},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.goto("/profile/edit/")

        # The browser's zone replaces the default UTC, and the page says so.
        expect(page.locator("#timezone-guess-note")).to_contain_text("America/La_Paz")
        expect(page.locator("select[name=timezone]")).to_have_value("America/La_Paz")

        # Mentor-only questions appear only after ticking "I want to mentor".
        expect(page.get_by_text("How many mentees at once")).to_be_hidden()
        page.get_by_label("I want to mentor").check()
        expect(page.get_by_text("How many mentees at once")).to_be_visible()

        # Keyboard only: focus the search box, type, Enter; the choice becomes a chip.
        skills = page.get_by_role("combobox", name="Skills: what you know and could teach")
        skills.focus()
        page.keyboard.type("bayes")
        page.keyboard.press("Enter")
        page.keyboard.type("open d")
        page.keyboard.press("Enter")
        page.keyboard.type("pyth")
        page.keyboard.press("Enter")
        page.keyboard.press("Backspace")  # removes the last chip
        page.keyboard.press("Escape")
        chips = page.locator("#div_id_skills .ts-control .item")
        expect(chips).to_have_count(2)
        expect(chips.first).to_contain_text("Bayesian statistics")
        expect(chips.nth(1)).to_contain_text("Open data")
        expect(chips.nth(1)).to_be_in_viewport()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the profile form scrolls sideways by {overflow}px at 360px"

        page.get_by_label("Display name").fill("Phone Person")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("heading", name="Phone Person")).to_be_visible()
        expect(page.locator("main")).to_contain_text("Bayesian statistics")
        expect(page.locator("main")).to_contain_text("America/La_Paz")
        assert not csp_errors, csp_errors
    finally:
        context.close()
