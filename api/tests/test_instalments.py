"""Stipend instalments in the API: exact amounts as strings, the mentor's recommendation for coordinators only,
filters (cohort, state, updated since), cursor pages and ETags, 404 for forbidden and missing alike."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.services import token_create
from api.tests.world import build_api_world
from mentoring.tests.factories import MentorshipFactory
from stipends import services as stipend_services
from stipends.models import Instalment
from stipends.tests.factories import mentor_evaluates, paid_pair

pytestmark = pytest.mark.django_db

LIST = reverse("api:instalment_list")


@pytest.fixture
def world():
    return build_api_world()


def get(world, persona, url=LIST, **params):
    return Client().get(url, params, **world.headers(persona))


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t', scope='read', expires_in_days=7)[1]}"}


def test_a_coordinator_reads_exact_amounts_states_and_recommendations():
    p = paid_pair()  # both evaluation windows open
    mentor_evaluates(p, "midpoint", choice="extend", weeks=2)
    start = Instalment.objects.get(mentorship=p.mentorship, event="start")
    stipend_services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk],
                                        action="approve")
    rows = {r["instalment"]: r for r in Client().get(LIST, **_bearer(p.coordinator)).json()["results"]}
    assert rows["start"]["amount"] == "300.00" and rows["start"]["currency"] == "EUR"
    assert rows["final"]["amount"] == "400.00"
    assert rows["start"]["state"] == "approved" and rows["start"]["approved_at"] is not None
    assert rows["midpoint"]["recommendation"] == "extend" and rows["midpoint"]["state"] == "waiting"
    assert rows["start"]["mentee"] == {"id": p.mentee.pk, "name": p.mentee.get_full_name()}
    # The mentee reads their own schedule, not what the mentor recommended (as on their page).
    mine = {r["instalment"]: r for r in Client().get(LIST, **_bearer(p.mentee)).json()["results"]}
    assert mine["midpoint"]["recommendation"] is None and mine["start"]["state"] == "approved"
    assert Client().get(LIST, **_bearer(p.mentor)).json()["results"] == []


def test_one_instalment_is_404_for_the_mentor_others_and_missing(world):
    url = reverse("api:instalment_detail", args=[world.o["instalment"].pk])
    assert get(world, "applicant", url).json()["amount"] == "300.00"
    for persona in ("mentor", "other_coordinator", "outsider"):
        assert get(world, persona, url).status_code == 404
    assert get(world, "coordinator", reverse("api:instalment_detail", args=[10**9])).status_code == 404
    assert get(world, "anonymous", url).status_code == 401


def test_filters_by_cohort_state_and_updated_since(world):
    cohort = world.o["running_cohort"].pk
    assert len(get(world, "coordinator", cohort=cohort).json()["results"]) == 3
    assert len(get(world, "coordinator", cohort=world.o["cohort"].pk).json()["results"]) == 0
    start = world.o["instalment"]
    later = timezone.now() + dt.timedelta(seconds=1)
    assert get(world, "coordinator", updated_since=later.isoformat()).json()["results"] == []
    Instalment.objects.filter(pk=start.pk).update(updated_at=later)  # as a decision made then
    rows = get(world, "coordinator", updated_since=later.isoformat()).json()["results"]
    assert [r["id"] for r in rows] == [start.pk]
    stipend_services.instalments_decide(cohort=world.o["running_cohort"], actor=world.people["coordinator"],
                                        instalment_ids=[start.pk], action="hold", reason="Awaiting the contract.")
    held = get(world, "coordinator", state="held").json()["results"]
    assert [(r["id"], r["hold_reason"]) for r in held] == [(start.pk, "Awaiting the contract.")]
    assert get(world, "coordinator", state="bogus").status_code == 400


def test_a_decision_marks_the_instalment_updated_and_changes_the_etag(world):
    first = get(world, "coordinator")
    etag = first["ETag"]
    assert Client().get(LIST, HTTP_IF_NONE_MATCH=etag, **world.headers("coordinator")).status_code == 304
    before = timezone.now()
    start = world.o["instalment"]
    stipend_services.instalments_decide(cohort=world.o["running_cohort"], actor=world.people["coordinator"],
                                        instalment_ids=[start.pk], action="approve")
    start.refresh_from_db()
    assert start.updated_at >= before
    changed = Client().get(LIST, HTTP_IF_NONE_MATCH=etag, **world.headers("coordinator"))
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cursor_pages_walk_every_instalment_once(world):
    for _ in range(3):
        m = MentorshipFactory(cohort=world.o["running_cohort"], enrollment=None)
        stipend_services.instalments_create_for(mentorship=m)
    seen, url = [], LIST + "?page_size=4"
    while url:
        body = Client().get(url, **world.headers("coordinator")).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == 12 and len(set(seen)) == 12 and seen == sorted(seen)
