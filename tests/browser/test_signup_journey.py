"""A newcomer signs up, confirms the email from the outbox, logs in and fills in the profile."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, SkillFactory, UserFactory
from conftest import searchable_lists_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def test_sign_up_verify_log_in_and_edit_profile(page, chromium, live_server, file_outbox):
    SkillFactory(name="Bayesian statistics")
    staff = UserFactory(email="staff@example.org", is_staff=True)

    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password*", exact=True).fill("a long pass phrase 42")
    page.get_by_label("Password (again)*").fill("a long pass phrase 42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # Staff read the readable outbox in their own browser session.
    staff_context = chromium.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    staff_page.goto("/accounts/login/")
    staff_page.get_by_label("Email").fill(staff.email)
    staff_page.get_by_label("Password").fill(PASSWORD)
    staff_page.get_by_role("button", name="Sign In").click()
    staff_page.goto("/notifications/outbox/")
    staff_page.get_by_role("link", name=re.compile("Please Confirm Your Email Address")).click()
    link = staff_page.locator("a[href*='/accounts/confirm-email/']").get_attribute("href")
    staff_context.close()

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    # Confirming logs the person in and lands on the dashboard, which says what to do next.
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    expect(page.get_by_text("Complete your profile")).to_be_visible()

    page.get_by_role("link", name="Complete your profile").click()
    searchable_lists_ready(page)
    page.get_by_label("Display name").fill("New Comer")
    page.get_by_label("ORCID iD").fill("12345")
    page.get_by_label("Career goals").fill("Learn probabilistic programming.")
    page.get_by_role("combobox", name="Interests: what you want to learn").fill("bayes")
    page.keyboard.press("Enter")
    page.get_by_role("combobox", name="Time zone").click()
    page.locator(".ts-dropdown .dropdown-input:visible").fill("La Paz")
    page.get_by_role("option", name=re.compile("La Paz")).click()
    expect(page.locator("#id_timezone")).to_have_value("America/La_Paz")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("An ORCID iD looks like")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("New Comer")  # nothing lost
    expect(page.get_by_label("Career goals")).to_have_value("Learn probabilistic programming.")
    expect(page.locator("#div_id_interests .ts-control .item")).to_contain_text(["Bayesian statistics"])

    page.get_by_label("ORCID iD").fill("")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="New Comer")).to_be_visible()
    expect(page.get_by_text("America/La_Paz")).to_be_visible()


def test_phone_width_has_no_horizontal_scroll(page):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ["/", "/mentors/", "/accounts/login/", "/accounts/signup/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
