"""The catalog says who may apply and what follows; a package's maintainer and mentor build its support plan."""
import re

import pytest
from playwright.sync_api import expect

from mentoring.tests.factories import pair
from programs.models import ProgramKind
from programs.tests.factories import CohortFactory, ProgramFactory
from tests.browser.test_organization_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_catalog_says_who_may_apply_and_what_follows(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for kind, name in ((ProgramKind.PARTNERS, "Partners"), (ProgramKind.VIRTUAL_LABS, "Virtual Labs"),
                       (ProgramKind.PACKAGE_SUPPORT, "Package Support"), (ProgramKind.MENTORING, "Mentoring")):
        CohortFactory(program=ProgramFactory(kind=kind, name=name, slug=name.lower().replace(" ", "-")))
    page.goto("/programs/")
    for applicant, words in (("organization", "An organization applies"), ("group", "A group applies"),
                             ("project", "An open-source project applies"), ("person", "A person applies")):
        expect(page.locator(f"[data-kind-rules='{applicant}']").first).to_contain_text(words)
    page.get_by_role("link", name="Package Support").first.click()
    expect(page.locator("[data-kind-rules]")).to_contain_text("quality assurance, documentation and community")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_maintainer_and_mentor_build_and_tick_off_the_support_plan(page, chromium, live_server):
    p = pair(mentor_name="Mira Mentor", mentee_name="Maya Maintainer")
    p.program.kind = ProgramKind.PACKAGE_SUPPORT
    p.program.save()

    log_in(page, p.mentee.email)
    page.goto(p.mentorship.get_absolute_url())
    page.get_by_role("link", name=re.compile("The package and its plan")).click()
    page.get_by_label("Repository").fill("https://github.com/example/pyclimate")
    page.get_by_label("Name in the package registry").fill("pyclimate")
    page.get_by_label("Documentation").fill("https://pyclimate.example.org")
    page.get_by_role("button", name="Save the package").click()
    expect(page.get_by_text("The package was saved.")).to_be_visible()
    for area, title in (("Quality assurance", "Run the tests on three platforms"), ("Documentation", "A tutorial"),
                        ("Community engagement", "A contributing guide")):
        page.get_by_label("Area").select_option(label=area)
        page.get_by_label("What to do").fill(title)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text("Added to the plan.")).to_be_visible()
    expect(page.locator("#plan-progress")).to_have_text("0 of 3 items done.")

    mentor_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, p.mentor.email)
    mentor_page.goto(page.url)
    mentor_page.get_by_role("button", name="Mark “A tutorial” as done").click()
    expect(mentor_page.locator("#plan-progress")).to_have_text("1 of 3 items done.")
    expect(mentor_page.locator("[data-area='documentation']")).to_contain_text("done by Mira Mentor")
    mentor_context.close()
