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


def test_an_ambassador_logs_an_activity_the_coordinator_approves_and_the_public_list_shows_her(page, chromium,
                                                                                                live_server):
    from accounts.tests.factories import make_mentee, make_mentor
    from programs.models import Application
    from programs.tests.factories import ApplicationFactory

    coordinator = make_mentor(name="Cora Coordinator")
    program = ProgramFactory(kind=ProgramKind.AMBASSADORS, name="Ambassadors", slug="ambassadors",
                             coordinators=[coordinator])
    cohort = CohortFactory(program=program, name="Round 1")
    ana = make_mentee(name="Ana Ambassador")
    ApplicationFactory(cohort=cohort, applicant=ana, status=Application.Status.ACCEPTED)

    log_in(page, ana.email)
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Log your ambassador activities").click()
    page.get_by_label("Kind").select_option(label="Workshop")
    page.get_by_label("Title").fill("Reproducible research with Python")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Link").fill("https://meet.example.org/workshop")
    page.get_by_label("Audience size").fill("35")
    page.get_by_label("Materials").fill("https://slides.example.org/repro")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged. The coordinator will review it.")).to_be_visible()
    expect(page.locator("#activity-list")).to_contain_text("Waiting for review")
    page.get_by_role("button", name="Show my name on the list").click()
    expect(page.get_by_text("Your name is on the program's public list.")).to_be_visible()

    coordinator_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    coordinator_page = coordinator_context.new_page()
    log_in(coordinator_page, coordinator.email)
    coordinator_page.goto(f"/cohorts/{cohort.pk}/manage/")
    coordinator_page.get_by_role("link", name="Review the activities").click()
    coordinator_page.get_by_role("button", name="Approve “Reproducible research with Python”").click()
    expect(coordinator_page.locator("#cohort-reach")).to_contain_text("1 activities reaching 35 people")
    coordinator_page.goto(f"/programs/{program.slug}/statistics/")
    expect(coordinator_page.locator("#ambassador-reach")).to_contain_text("35")
    coordinator_context.close()

    page.goto(program.get_absolute_url())
    page.get_by_role("link", name="Meet the program's ambassadors").click()
    expect(page.locator("#ambassador-list")).to_contain_text("Ana Ambassador")


def test_a_coordinator_records_an_agreement_and_the_organization_joins_the_directory(page, chromium, live_server):
    from accounts.tests.factories import make_mentee, make_mentor
    from organizations.models import Organization
    from programs.models import Application
    from programs.tests.factories import ApplicationFactory

    coordinator = make_mentor(name="Cora Coordinator")
    program = ProgramFactory(kind=ProgramKind.PARTNERS, name="Partners", slug="partners", coordinators=[coordinator])
    cohort = CohortFactory(program=program, name="Round 1")
    dean = make_mentee(name="Diego Dean")
    organization = Organization.objects.create(name="Universidad Abierta", kind="university", owner=dean, created_by=dean)
    organization.members.add(dean)
    ApplicationFactory(cohort=cohort, applicant=dean, organization=organization, status=Application.Status.ACCEPTED)

    log_in(page, coordinator.email)
    page.goto(f"/cohorts/{cohort.pk}/manage/")
    page.get_by_role("link", name=re.compile("Agreements with accepted organizations")).click()
    page.get_by_role("combobox", name="Organization").select_option(label="Universidad Abierta")
    page.get_by_label("Starts").fill("2026-01-01")
    page.get_by_label("Renewal date").fill("2027-01-01")
    page.get_by_label("What Open Science Labs offers").fill("Mentors and training.")
    page.get_by_label("What the organization offers").fill("Two staff mentors and rooms.")
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_text("The agreement with Universidad Abierta was saved.")).to_be_visible()
    page.get_by_role("link", name="Universidad Abierta").click()
    term_url = page.url

    dean_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    dean_page = dean_context.new_page()
    log_in(dean_page, dean.email)
    dean_page.goto(term_url)
    expect(dean_page.locator("#term")).to_contain_text("Two staff mentors and rooms.")
    dean_page.get_by_role("button", name="Show us in the directory").click()
    expect(dean_page.get_by_text("Your choice was saved.")).to_be_visible()
    dean_context.close()

    page.goto(program.get_absolute_url())
    page.get_by_role("link", name="The directory of affiliated and partner organizations").click()
    expect(page.locator("[data-directory='partners']")).to_contain_text("Universidad Abierta")


def test_an_incubated_project_reaches_production_and_graduates(page, chromium, live_server):
    p = pair(mentor_name="Mira Mentor", mentee_name="Maya Maintainer")
    p.program.kind = ProgramKind.INCUBATOR
    p.program.save()

    log_in(page, p.mentee.email)
    page.goto(p.mentorship.get_absolute_url())
    page.get_by_role("link", name=re.compile("Stages from concept to production")).click()
    page.get_by_label("Stage").select_option(label="Production")
    page.get_by_role("textbox", name="Milestone").fill("Version 1.0 on PyPI")
    page.get_by_label("Target date").fill("2026-12-31")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.get_by_text("The milestone was added.")).to_be_visible()
    page.get_by_label("Evidence link for “Version 1.0 on PyPI”").fill("https://pypi.org/project/pyclimate/1.0/")
    page.get_by_role("button", name="Send for confirmation").click()
    expect(page.locator("[data-stage='production']")).to_contain_text("Evidence sent")
    incubation_url = page.url

    mentor_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, p.mentor.email)
    mentor_page.goto(incubation_url)
    mentor_page.get_by_role("button", name="Confirm “Version 1.0 on PyPI”").click()
    expect(mentor_page.locator("#stage-reached")).to_have_text("Stage reached: Production.")
    mentor_context.close()

    coordinator_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    coordinator_page = coordinator_context.new_page()
    log_in(coordinator_page, p.coordinator.email)
    coordinator_page.goto(incubation_url)
    coordinator_page.get_by_role("combobox", name="Decision").select_option(label="Graduated")
    coordinator_page.get_by_label("Note").fill("Ready for users.")
    coordinator_page.get_by_role("button", name="Save the decision").click()
    expect(coordinator_page.locator("#graduation")).to_contain_text("Graduated")
    coordinator_context.close()
