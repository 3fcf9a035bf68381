"""A person downloads their data and deletes their account; the coordinator reads the cohort's history.
At 1,280 and 360 px (no sideways scrolling on a phone)."""
import io
import re
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from privacy.tests.scenario import EMAIL, everything_person
from tests.browser.test_request_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", [1280, 360])
def test_download_my_data_then_delete_my_account(page, chromium, live_server, settings, tmp_path, width):
    settings.MEDIA_ROOT, settings.PRIVACY_EXPORT_ROOT = str(tmp_path / "media"), str(tmp_path / "exports")
    page.set_viewport_size({"width": width, "height": 800})
    person = everything_person()
    person.user.set_password(PASSWORD)
    person.user.save()
    person.coordinator.set_password(PASSWORD)
    person.coordinator.save()
    mail.outbox.clear()

    log_in(page, EMAIL)
    page.goto("/profile/")
    fits(page)
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("We are preparing an archive of your data")).to_be_visible()
    [message] = [m for m in mail.outbox if m.to == [EMAIL]]
    link = re.search(r"(/profile/data/export/\S+/)", message.body).group(1)
    download = page.request.get(link)
    assert download.ok and download.headers["content-type"] == "application/zip"
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.body())).namelist()

    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account")).to_be_visible()
    expect(page.locator("#deletion-plan")).to_contain_text("running mentorships end now")
    fits(page)
    page.get_by_label("Type your email address to confirm").fill("not-me@example.org")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Type your email address exactly as shown to confirm.")).to_be_visible()
    page.get_by_label("Type your email address to confirm").fill(EMAIL)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()

    coordinator = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    coordinator_page = coordinator.new_page()
    log_in(coordinator_page, person.coordinator.email)
    coordinator_page.goto(f"/cohorts/{person.cohort_b.pk}/manage/")
    coordinator_page.get_by_role("link", name="Open the history").click()
    expect(coordinator_page.get_by_role("heading", name=re.compile("History of"))).to_be_visible()
    expect(coordinator_page.locator("#history-entries")).to_contain_text("Mentor enrollment decisions")
    coordinator_page.get_by_label("Show").select_option("enrollment")
    coordinator_page.get_by_role("button", name="Show").click()
    expect(coordinator_page.locator("#history-entries")).to_contain_text("Approved → Withdrawn")
    fits(coordinator_page)
    coordinator.close()
