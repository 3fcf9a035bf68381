"""A maintainer registers a project and applies to Package Support; a university applies to Affiliation;
the coordinator sees both applications and decides them."""
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory, make_mentee
from programs.models import Application, ProgramKind
from programs.tests.factories import CohortFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def apply(page, program_name, *, choose, goals):
    page.goto("/programs/")
    page.get_by_role("link", name=program_name).first.click()
    page.get_by_role("link", name=re.compile("Round 1")).first.click()
    page.get_by_role("link", name=re.compile("Apply")).first.click()
    choose()
    page.get_by_role("textbox", name=re.compile("Goals (of this collaboration|for your project)")).fill(goals)
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()


def test_project_and_organization_apply_and_the_coordinator_decides(page, chromium, live_server):
    coordinator = UserFactory(email="coord@example.org")
    for kind, name in ((ProgramKind.PACKAGE_SUPPORT, "Package Support"), (ProgramKind.AFFILIATION, "Affiliation")):
        program = ProgramFactory(kind=kind, name=name, slug=name.lower().replace(" ", "-"), coordinators=[coordinator])
        CohortFactory(program=program, name="Round 1")
    maintainer = make_mentee(name="Maya Maintainer")
    dean = make_mentee(name="Diego Dean")

    # A maintainer registers the project, then applies on its behalf.
    log_in(page, maintainer.email)
    page.goto("/organizations/mine/")
    page.get_by_role("link", name="Register a project").click()
    page.get_by_label("Name").fill("pyclimate")
    page.get_by_label("Repository").fill("https://github.com/example/pyclimate")
    page.get_by_label("License").fill("BSD-3-Clause")
    page.get_by_label("Description").fill("Tools for climate station data.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="pyclimate")).to_be_visible()

    def choose_project():
        page.get_by_label("Project", exact=True).select_option(label="pyclimate")
        page.get_by_label("Code review").check()
        page.get_by_label("Documentation").check()

    apply(page, "Package Support", choose=choose_project, goals="A reviewed release process.")

    # A university's contact registers it and applies to Affiliation.
    dean_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    dean_page = dean_context.new_page()
    log_in(dean_page, dean.email)
    dean_page.goto("/organizations/new/")
    dean_page.get_by_label("Name").fill("Universidad Abierta")
    dean_page.get_by_label("Kind").select_option(label="University or research institute")
    dean_page.get_by_role("button", name="Save").click()
    expect(dean_page.get_by_role("heading", name="Universidad Abierta")).to_be_visible()

    def choose_organization():
        dean_page.get_by_label("Organization", exact=True).select_option(label="Universidad Abierta")
        dean_page.get_by_label("What your organization offers").fill("Two staff mentors and rooms.")

    apply(dean_page, "Affiliation", choose=choose_organization, goals="Join the network.")
    dean_context.close()

    # The coordinator sees both and decides them.
    coordinator_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    coordinator_page = coordinator_context.new_page()
    log_in(coordinator_page, coordinator.email)
    for application, decision, button in (
        (Application.objects.get(applicant=maintainer), Application.Status.ACCEPTED, "Accept selected"),
        (Application.objects.get(applicant=dean), Application.Status.WAITLISTED, "Waitlist selected"),
    ):
        coordinator_page.goto(f"/cohorts/{application.cohort_id}/manage/")
        coordinator_page.get_by_label(re.compile(f"Select {application.applicant.profile.name}")).check()
        coordinator_page.get_by_role("button", name=button).click()
        coordinator_page.get_by_role("button", name="Confirm").click()
        application.refresh_from_db()
        assert application.status == decision
    coordinator_context.close()
    assert Application.objects.get(applicant=maintainer).project.name == "pyclimate"
    assert Application.objects.get(applicant=dean).organization.name == "Universidad Abierta"
