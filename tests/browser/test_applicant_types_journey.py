"""Per applicant type (organization, project, group): what the applicant submits is what the reviewer and the
coordinator read on their pages and in the CSV; a group's members join by accepting their invitation."""
import csv
import re
from email import message_from_bytes

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import make_mentee, make_mentor
from programs.models import Application, ProgramKind
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory
from tests.browser.test_organization_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def file_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "notifications.backends.ReadableFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def invitation_links(outbox, to: str) -> list[str]:
    links = []
    for path in sorted(outbox.glob("*.eml")):
        message = message_from_bytes(path.read_bytes())
        if message["To"] != to:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                links += re.findall(r"(/organizations/invitations/[^/\s]+/)", part.get_payload(decode=True).decode())
    return links


def apply(page, program_name, *, choose, goals):
    page.goto("/programs/")
    page.get_by_role("link", name=program_name).first.click()
    page.get_by_role("link", name=re.compile("Round 1")).first.click()
    page.get_by_role("link", name=re.compile("Apply")).first.click()
    choose()
    page.get_by_role("textbox", name=re.compile("Goals (of this collaboration|for your project|of your group)")).fill(goals)
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()


def program_with_cohort(kind, name):
    coordinator = make_mentor(name=f"Coordinator of {name}")
    program = ProgramFactory(kind=kind, name=name, slug=name.lower().replace(" ", "-"), coordinators=[coordinator])
    cohort = CohortFactory(program=program, name="Round 1")
    reviewer = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name=f"Reviewer of {name}")).mentor
    return cohort, coordinator, reviewer


def check_deciders_see(chromium, live_server, *, cohort, coordinator, reviewer, texts, label):
    """The reviewer's review page, the coordinator's review and application pages, ranked list and CSV."""
    application = Application.objects.get(cohort=cohort)
    row = None
    for person in (reviewer, coordinator):
        context = chromium.new_context(base_url=live_server.url, locale="en-US")
        page = context.new_page()
        log_in(page, person.email)
        page.goto(f"/cohorts/{cohort.pk}/reviews/")
        page.get_by_role("link", name=re.compile(application.applicant.profile.name)).first.click()
        panel = page.locator("[data-applicant-data]")
        for text in texts:
            expect(panel).to_contain_text(text)
        if person == coordinator:
            page.goto(application.get_absolute_url())
            for text in texts:
                expect(page.locator("[data-applicant-data]")).to_contain_text(text)
            page.goto(f"/cohorts/{cohort.pk}/manage/")
            expect(page.locator("[data-on-behalf]")).to_have_text(label)
            with page.expect_download() as download_info:
                page.get_by_role("link", name="Export applications (CSV)").click()
            with open(download_info.value.path(), encoding="utf-8-sig") as f:
                (row,) = list(csv.DictReader(f))
        context.close()
    return row


def test_organization_project_and_group_are_seen_by_those_who_decide(page, chromium, live_server, file_outbox):
    # An organization applies to Affiliation.
    cohort, coordinator, reviewer = program_with_cohort(ProgramKind.AFFILIATION, "Affiliation")
    dean = make_mentee(name="Diego Dean")
    log_in(page, dean.email)
    page.goto("/organizations/new/")
    page.get_by_label("Name").fill("Universidad Abierta")
    page.get_by_label("Kind").select_option(label="University or research institute")
    page.get_by_label("Country").fill("Peru")
    page.get_by_label("Contact email").fill("contact@ua.example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Universidad Abierta")).to_be_visible()

    def choose_organization():
        page.get_by_label("Organization", exact=True).select_option(label="Universidad Abierta")
        page.get_by_label("What your organization offers").fill("Two staff mentors and rooms.")
        page.get_by_label("What you hope to get from the program").fill("Training for our engineers.")
        page.get_by_label("Contact person").fill("Diego Dean")

    apply(page, "Affiliation", choose=choose_organization, goals="Join the network.")
    row = check_deciders_see(chromium, live_server, cohort=cohort, coordinator=coordinator, reviewer=reviewer,
                             texts=["Universidad Abierta", "Peru", "Two staff mentors and rooms.",
                                    "Training for our engineers.", "Diego Dean"], label="Universidad Abierta")
    assert (row["applicant_type"], row["organization"], row["offer"], row["contact_person"]) == (
        "organization", "Universidad Abierta", "Two staff mentors and rooms.", "Diego Dean")

    # A project applies to Package Support.
    cohort, coordinator, reviewer = program_with_cohort(ProgramKind.PACKAGE_SUPPORT, "Package Support")
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
    row = check_deciders_see(chromium, live_server, cohort=cohort, coordinator=coordinator, reviewer=reviewer,
                             texts=["pyclimate", "https://github.com/example/pyclimate", "Code review, Documentation"],
                             label="pyclimate")
    assert (row["applicant_type"], row["project"], row["support_needed"]) == ("project", "pyclimate", "review, documentation")

    # A group applies to Virtual Labs; one member accepts, the other has not answered yet.
    cohort, coordinator, reviewer = program_with_cohort(ProgramKind.VIRTUAL_LABS, "Virtual Labs")
    joan = make_mentee(name="Joan Joiner")

    def name_members():
        page.get_by_label("Group members").fill(f"{joan.email}\nlater@example.org")

    apply(page, "Virtual Labs", choose=name_members, goals="A shared analysis lab.")
    (link,) = invitation_links(file_outbox, joan.email)
    joan_context = chromium.new_context(base_url=live_server.url, locale="en-US")
    joan_page = joan_context.new_page()
    log_in(joan_page, joan.email)
    joan_page.goto(link)
    joan_page.get_by_role("button", name="Accept and join").click()
    expect(joan_page.get_by_text("Welcome! You joined")).to_be_visible()
    joan_context.close()

    row = check_deciders_see(chromium, live_server, cohort=cohort, coordinator=coordinator, reviewer=reviewer,
                             texts=["Diego Dean", "Applied for the group", "Joan Joiner", "Joined", "later@example.org",
                                    "Invited"], label="Group: 2 joined, 1 invited")
    assert row["applicant_type"] == "group" and "later@example.org (Invited)" in row["group_members"]
