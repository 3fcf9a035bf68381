"""A person creates an API token on their profile, uses it, reads the API docs, and revokes it (1,280 and 360 px)."""
import re

import pytest
import requests
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, make_mentee
from tests.browser.test_phone import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_create_use_and_revoke_a_token(chromium, live_server, settings, width):
    settings.SITE_URL = live_server.url
    person = make_mentee(name="Rosa Roster")
    context = chromium.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True,  # only to inject axe
                                   viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()

    page.goto("/profile/")
    page.get_by_role("link", name=re.compile("API tokens")).click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    assert check(page) == []
    page.get_by_label("Name").fill("Roster sync")
    page.get_by_label("Read and write").check()
    page.get_by_label("Expires after").select_option(label="30 days")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    raw = page.get_by_role("textbox", name="Token").input_value()
    assert raw.startswith("mtp_")
    assert check(page) == []

    api = f"{live_server.url}/api/v1/me/applications/"
    assert requests.get(api, headers={"Authorization": f"Bearer {raw}"}, timeout=10).status_code == 200

    page.get_by_role("link", name="Read the API documentation").click()
    expect(page.get_by_role("heading", name="API documentation")).to_be_visible()
    expect(page.get_by_text("/api/v1/applications/{id}/withdraw/")).to_be_visible()
    assert check(page) == []
    page.go_back()

    page.goto("/api/tokens/")
    expect(page.get_by_role("textbox", name="Token")).to_have_count(0)  # shown once: not on the page any more
    page.get_by_role("button", name="Revoke “Roster sync”").click()
    expect(page.get_by_text("The token “Roster sync” was revoked.")).to_be_visible()
    assert requests.get(api, headers={"Authorization": f"Bearer {raw}"}, timeout=10).status_code == 401
    context.close()
