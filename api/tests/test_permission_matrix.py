"""Every API endpoint, for every kind of person: the same object-level rules as the pages (pretix style).

One row per endpoint (and target), one column per person. A number is the status; (status, n) also
says how many results a list holds. Forbidden objects answer 404 exactly like missing ones. Each
request runs in a savepoint that is rolled back, so one person's write does not change what the next
one sees. The API is called with each person's write token; the pages with their session.
"""
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from api.tests.world import PERSONAS, build_api_world
from tests.url_walk import url_patterns

pytestmark = pytest.mark.django_db

ANON, OUT, OTHER, APPL, MENTOR, COORD = PERSONAS
LOGIN = "login"


def everyone(expected):
    return dict.fromkeys(PERSONAS, expected)


def private(default, **right):
    """Signed-in only (401 for anonymous); `default` for everyone not named."""
    return {**dict.fromkeys(PERSONAS, default), ANON: 401, **right}


# name, method, target (object, attribute or literal kwargs), body, expectations
MATRIX = [
    ("api:program_list", "get", None, None, everyone((200, 2))),
    ("api:program_detail", "get", ("program", "slug"), None, everyone(200)),
    ("api:program_detail", "get", ("hidden_program", "slug"), None, {**everyone(404), COORD: 200}),
    ("api:cohort_list", "get", None, None, everyone((200, 4))),
    ("api:cohort_detail", "get", ("cohort", "pk"), None, everyone(200)),
    ("api:mentor_list", "get", None, None, everyone((200, 2))),
    ("api:my_application_list", "get", None, None, private((200, 0), applicant=(200, 2))),
    ("api:application_list", "get", None, None, private((200, 0), coordinator=(200, 2))),
    ("api:application_detail", "get", ("submitted", "pk"), None, private(404, applicant=200, coordinator=200)),
    ("api:application_submit", "post", ("draft", "pk"), None, private(404, applicant=200)),
    ("api:application_withdraw", "post", ("submitted", "pk"), None, private(404, applicant=200)),
    ("api:application_decision", "post", ("submitted", "pk"), {"status": "accepted"}, private(404, coordinator=200)),
    ("api:enrollment_list", "get", None, None, private((200, 0), coordinator=(200, 3))),
    ("api:enrollment_decision", "post", ("pending", "pk"), {"approve": True}, private(404, coordinator=200)),
    ("api:run_list", "get", None, None, private((200, 0), coordinator=(200, 1))),
    ("api:run_detail", "get", ("run", "pk"), None, private(404, coordinator=200)),
    ("api:run_proposals", "get", ("run", "pk"), None, private(404, coordinator=(200, 1))),
    ("api:proposal_confirm", "post", ("proposal", "pk"), None, private(404, coordinator=200)),
    ("api:mentorship_list", "get", None, None,
     private((200, 0), applicant=(200, 1), mentor=(200, 1), coordinator=(200, 1))),
    ("api:mentorship_detail", "get", ("mentorship", "pk"), None, private(404, applicant=200, mentor=200, coordinator=200)),
    ("api:evaluations_due", "get", None, None, private((200, 0), coordinator=(200, 1))),
    # Payment data: the mentee and the coordinators; never the mentor (as the stipend page).
    ("api:instalment_list", "get", None, None, private((200, 0), applicant=(200, 3), coordinator=(200, 3))),
    ("api:instalment_detail", "get", ("instalment", "pk"), None, private(404, applicant=200, coordinator=200)),
    ("api:schema", "get", None, None, everyone(200)),
    ("api:docs", "get", None, None, everyone(200)),
    ("api:tokens", "get", None, None, {**everyone(200), ANON: LOGIN}),
    ("api:token_revoke", "post", "applicant_token", None, {**everyone(404), ANON: LOGIN, APPL: 302}),
]
PAGES = {"api:schema", "api:docs", "api:tokens", "api:token_revoke"}


@pytest.fixture
def world():
    return build_api_world()


def _kwargs(world, target) -> dict:
    if target is None:
        return {}
    if target == "applicant_token":
        return {"pk": world.people[APPL].api_tokens.get().pk}
    name, attribute = target
    return {attribute: getattr(world.o[name], attribute)}


def _call(world, persona: str, name: str, method: str, target, body):
    url = reverse(name, kwargs=_kwargs(world, target))
    client = Client(raise_request_exception=False)
    headers = {}
    if name in PAGES:
        if world.people[persona] is not None:
            client.force_login(world.people[persona])
    else:
        headers = world.headers(persona)
    with transaction.atomic():
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = client.post(url, body or {}, content_type="application/json", **headers) if name not in PAGES \
                else client.post(url)
        transaction.set_rollback(True)
    return url, response


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_endpoint_answers_each_person_as_the_pages_do(world, persona):
    problems = []
    for name, method, target, body, expectations in MATRIX:
        expected = expectations[persona]
        url, response = _call(world, persona, name, method, target, body)
        status, count = expected if isinstance(expected, tuple) else (expected, None)
        if status == LOGIN:
            ok = response.status_code == 302 and reverse("account_login") in response["Location"]
        else:
            ok = response.status_code == status
            if ok and count is not None:
                ok = len(response.json()["results"]) == count
        if not ok:
            problems.append(f"{method.upper()} {url} ({name}): expected {expected}, got {response.status_code} "
                            f"{response.content[:200]!r}")
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_every_api_url():
    names = {p.name for p in url_patterns() if p.namespace == "api"}
    assert names == {row[0] for row in MATRIX}


def test_a_read_token_cannot_write_and_session_writes_need_csrf(world):
    from api.services import token_create

    _token, raw = token_create(user=world.people[APPL], name="read only", scope="read", expires_in_days=7)
    url = reverse("api:application_withdraw", kwargs={"pk": world.o["submitted"].pk})
    client = Client()
    assert client.get(reverse("api:my_application_list"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    refused = client.post(url, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json")
    assert refused.status_code == 403
    assert "write scope" in refused.json()["detail"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.people[APPL])
    assert browser.get(reverse("api:my_application_list")).status_code == 200
    no_csrf = browser.post(url, content_type="application/json")
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["detail"]
    world.o["submitted"].refresh_from_db()
    assert world.o["submitted"].status == "submitted"
