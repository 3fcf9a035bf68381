"""A site admin enrolls a program with a cohort and two application questions in the Django admin."""
import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_enrolls_a_program_with_a_cohort_and_two_questions(page):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    coordinator = UserFactory(email="coordinator@example.org", is_staff=True)  # the picker lists staff and mentors
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/admin/")
    page.get_by_label("Email").fill(admin.email)  # the admin login goes through the site's login
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Programs", exact=True).first.click()
    page.get_by_role("link", name="Add program").click()
    page.locator("#id_name").press_sequentially("Package Support")
    expect(page.locator("#id_slug")).to_have_value("package-support")  # prepopulated by the admin's script
    page.locator("#id_kind").select_option(label="Package support")
    page.locator("#id_summary").fill("Reviews, documentation and infrastructure for scientific packages.")
    page.locator("#id_published").check()
    page.locator("#id_coordinators_from").select_option(label=f"{coordinator.get_full_name()} ({coordinator.email})")
    page.locator("#id_coordinators_add").click()
    page.get_by_text("Add another Cohort").click()
    page.locator("#id_cohorts-0-name").fill("2027 Round 1")
    page.locator("#id_cohorts-0-applications_open_at_0").fill("2027-01-01")
    page.locator("#id_cohorts-0-applications_open_at_1").fill("00:00:00")
    page.locator("#id_cohorts-0-applications_close_at_0").fill("2027-02-01")
    page.locator("#id_cohorts-0-applications_close_at_1").fill("00:00:00")
    page.locator("#id_cohorts-0-starts_on").fill("2027-03-01")
    page.locator("#id_cohorts-0-ends_on").fill("2027-06-01")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    program = Program.objects.get(slug="package-support")
    cohort = program.cohorts.get()
    page.goto(f"/admin/programs/cohort/{cohort.pk}/change/")
    for i, (prompt, kind) in enumerate([("What does your package do?", "Long text"), ("Repository link", "Link (URL)")]):
        page.get_by_text("Add another Application question").click()
        page.locator(f"#id_questions-{i}-prompt").fill(prompt)
        page.locator(f"#id_questions-{i}-kind").select_option(label=kind)
        page.locator(f"#id_questions-{i}-order").fill(str(i + 1))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    assert list(program.coordinators.all()) == [coordinator]
    assert list(cohort.questions.values_list("prompt", "kind")) == [
        ("What does your package do?", "long_text"), ("Repository link", "url"),
    ]
    assert not [e for e in errors if "Content Security Policy" in e], errors
    # The program is now in the public catalog.
    page.goto("/programs/")
    expect(page.get_by_role("link", name="Package Support", exact=True)).to_be_visible()
