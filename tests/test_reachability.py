"""Nothing unreachable: every page a person may open is linked from somewhere that person sees.

For each kind of person, the pages they may open are found from the URL patterns themselves
(`tests.url_walk`: every named pattern, filled with the one-of-everything world) by asking for each
with GET: a 200 HTML answer is a page they may open. Then, starting from their dashboard, the test
follows every link on every page they reach, the way a person clicking around would. Every page
they may open must be among the pages reached by clicking.
"""
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.url_walk import build_world, fill, url_patterns

pytestmark = pytest.mark.django_db

# Pages reached from outside the site, not by clicking in it: links in emails and calendar apps,
# the sign-in and password pages of allauth (reached from the navigation's own account links or emails).
FROM_OUTSIDE = {
    "notifications:unsubscribe",  # the link at the foot of every email
    "mentoring:calendar_feed",  # the address a calendar app subscribes to
    "organizations:invitation",  # the link in an invitation email
}
# Pages a person may open that the world's moment does not offer them, each with the reason.
NOT_OFFERED_NOW = {
    # Offered on the mentorship page only when their time comes: closing at the end, asking to end early
    # when no request is pending (the world has one), an evaluation once its window opens.
    "mentoring:closure": "at the end", "mentoring:early_end": "none pending", "mentoring:evaluation_submit": "window",
    # With no agreement written the mentorship page says so; the agreement page has nothing more.
    "mentoring:agreement": "not written",
    # Offered on the cohort page to mentors who have not volunteered there yet.
    "programs:volunteer": "mentors only",
    # The applicant's own page: reviewers and coordinators read the same application on its review page.
    "programs:application_detail": "the applicant's",
    # Linked from the cohort page only when the program has a code of conduct or screening questions.
    "programs:program_conduct": "no code", "programs:screening_answers": "no screening questions",
    # The cohort's set-up page offers "open applications now" only while they are not open.
    "programs:applications_open": "already open",
}
NOT_PAGES = ("admin:", "account_", "socialaccount_", "set_language", "healthz", "metrics", "readyz")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        # A link, or a form's address: its GET page shows the same form again (with errors after a POST).
        href = dict(attrs).get({"a": "href", "form": "action"}.get(tag, ""))
        if href:
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        href, _frag = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path)
    return paths


def is_page(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def pages_role_may_open(client, world) -> dict[str, str]:
    """{path: pattern name} of every page the signed-in person may open."""
    found = {}
    for pattern in url_patterns():
        if pattern.name.startswith(NOT_PAGES) or pattern.name in FROM_OUTSIDE:
            continue
        kwargs = fill(pattern, world)
        if kwargs is None:
            continue
        path = reverse(pattern.name, kwargs=kwargs)
        if is_page(client.get(path)):
            found[path] = pattern.name
    return found


def pages_reached_by_clicking(client, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if not is_page(response):
            continue
        for link in links(response.content.decode()):
            if link not in seen and not link.startswith(("/admin/", "/i18n/")):
                seen.add(link)
                queue.append(link)
    return seen


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator", "site_admin"])
def test_every_page_a_person_may_open_is_linked_from_what_they_see(role):
    world = build_world()
    application = world.objects["application"]  # on behalf of the world's organization and project
    application.organization, application.project = world.objects["organization"], world.objects["project"]
    application.save(update_fields=["organization", "project"])
    client = Client(raise_request_exception=False)
    world.login(client, role)
    may_open = pages_role_may_open(client, world)
    reached = pages_reached_by_clicking(client, reverse("accounts:dashboard"))
    unlinked = {path: name for path, name in may_open.items() if path not in reached and name not in NOT_OFFERED_NOW}
    assert len(may_open) > 10
    assert not unlinked, "\n".join(f"{name} {path}" for path, name in sorted(unlinked.items(), key=lambda x: x[1]))
