"""axe-core (vendored under tests/vendor) checks WCAG 2 A/AA rules on the pages each person uses."""
import io
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PASSWORD = "demo-pass-2026"  # seed_demo's

PAGES = {
    None: ["/", "/programs/", "/programs/open-source-internships/", "/mentors/", "/accounts/login/", "/accounts/signup/"],
    "sofia.mamani@example.com": ["/dashboard/", "/profile/edit/", "/applications/", "/requests/", "/mentorships/",
                                 "/notifications/preferences/", "/organizations/mine/"],
    "ana.quispe@example.com": ["/coordinate/", "/mentorships/calendar/"],
    "coordinator@example.com": ["/coordinate/", "/programs/virtual-labs/statistics/"],
}


def violations(page):
    page.add_script_tag(content=AXE)
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"""
    )


def test_pages_have_no_wcag_violations(chromium, live_server, settings):
    call_command("seed_demo", stdout=io.StringIO())
    found = {}
    for who, paths in PAGES.items():
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True)  # only to inject axe
        page = context.new_page()
        if who:
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(who)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_url("**/dashboard/")
        extra = []
        if who == "sofia.mamani@example.com":
            page.goto("/mentorships/")
            extra = [a.get_attribute("href") for a in page.locator("main a[href^='/mentorships/']").all()[:1]]
        if who == "coordinator@example.com":
            page.goto("/coordinate/")
            extra = [a.get_attribute("href") for a in page.locator("main a[href$='/manage/']").all()[:1]]
        for path in paths + extra:
            response = page.goto(path)
            assert response.status == 200, path
            problems = violations(page)
            if problems:
                found[f"{who or 'anonymous'} {path}"] = problems
        context.close()
    assert found == {}
