"""A coordinator finds an accepted applicant without a mentor on the cohort dashboard and pairs them by hand."""
import pytest
from playwright.sync_api import expect

from matching.tests.factories import hand_made_cohort
from mentoring.models import Mentorship
from programs.models import Application

from .test_matching_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_pairs_an_accepted_applicant_by_hand(page):
    made = hand_made_cohort(x_capacity=2)
    Application.objects.filter(pk=made.a.pk).update(status=Application.Status.ACCEPTED)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    log_in(page, made.coordinator.email)
    page.goto(f"/cohorts/{made.cohort.pk}/manage/")
    expect(page.locator("#unpaired-count")).to_contain_text("Accepted, no mentor yet: 1")
    page.get_by_role("link", name="Pair them").click()

    expect(page.get_by_role("heading", name="Accepted, no mentor yet")).to_be_visible()
    page.locator(f"#application-{made.a.pk}").get_by_role("link", name="Choose a mentor").click()

    expect(page.get_by_role("heading", name="Choose a mentor for Ana")).to_be_visible()
    xavier = page.locator('tr[data-mentor="Xavier"]')
    expect(xavier).to_contain_text("2 / 2")  # places left / capacity
    expect(xavier).to_contain_text("Bayesian statistics")  # why they fit
    xavier.get_by_role("button", name="Pair with Xavier").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("Ana is now mentored by Xavier")
    expect(page.locator("#unpaired-summary")).to_contain_text("0 accepted applicants have no mentor yet.")
    assert Mentorship.objects.filter(mentee=made.a.applicant, enrollment=made.x).exists()
    assert problems == []
