"""ETags and 304, cursor pages, filters (status, cohort, updated since), and service errors as 400s."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.tests.world import build_api_world
from programs.models import Application
from programs.tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_api_world()


def test_a_get_has_an_etag_and_if_none_match_answers_304_until_something_changes(world):
    client = Client()
    headers = world.headers("coordinator")
    url = reverse("api:application_detail", kwargs={"pk": world.o["submitted"].pk})
    first = client.get(url, **headers)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "Authorization" in first["Vary"] and "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    Application.objects.filter(pk=world.o["submitted"].pk).update(motivation="Changed my mind.")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # Another person's answer differs, so its ETag does too (and it is never a 304 for the first one's tag).
    applicant = client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"], **world.headers("applicant"))
    assert applicant.status_code == 200


def test_lists_are_cursor_pages_that_walk_every_row_once(world):
    cohort = world.o["cohort"]
    made = [ApplicationFactory(cohort=cohort).pk for _ in range(7)]
    client = Client()
    url = reverse("api:application_list") + f"?cohort={cohort.pk}&page_size=3"
    seen, pages = [], 0
    while url:
        body = client.get(url, **world.headers("coordinator")).json()
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == sorted(seen) and set(made) <= set(seen) and len(seen) == len(set(seen)) == 9


def test_filters_on_status_cohort_and_updated_since(world):
    client = Client()
    headers = world.headers("coordinator")
    cohort = world.o["cohort"]
    old = ApplicationFactory(cohort=cohort, status=Application.Status.WAITLISTED)
    Application.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))

    def ids(query):
        response = client.get(reverse("api:application_list") + query, **headers)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("?status=waitlisted") == {old.pk}
    assert ids(f"?cohort={cohort.pk}") == {world.o["submitted"].pk, world.o["proposed"].pk, old.pk}
    assert ids(f"?cohort={world.o['other_cohort'].pk}") == set()
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert old.pk not in ids("?updated_since=" + since.replace("+", "%2B"))
    bad = client.get(reverse("api:application_list") + "?status=nonsense&updated_since=yesterday", **headers)
    assert bad.status_code == 400 and set(bad.json()) == {"status", "updated_since"}


def test_mentorships_changed_since_counts_their_events(world):
    client = Client()
    headers = world.headers("coordinator")
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat().replace("+", "%2B")
    url = reverse("api:mentorship_list") + "?updated_since=" + later
    assert client.get(url, **headers).json()["results"] == []
    from mentoring import services
    from mentoring.models import MentorshipEvent

    mentorship = world.o["mentorship"]
    services.mentorship_pause(mentorship=mentorship, actor=world.people["coordinator"], reason="Holidays")
    MentorshipEvent.objects.filter(mentorship=mentorship).update(created_at=timezone.now() + dt.timedelta(minutes=2))
    rows = client.get(url, **headers).json()["results"]
    assert [(row["id"], row["status"]) for row in rows] == [(mentorship.pk, "paused")]


def test_a_service_refusal_is_a_400_with_its_message_and_changes_nothing(world):
    client = Client()
    declined = world.o["submitted"]
    url = reverse("api:application_decision", kwargs={"pk": declined.pk})
    headers = world.headers("coordinator")
    assert client.post(url, {"status": "declined"}, content_type="application/json", **headers).status_code == 200
    again = client.post(url, {"status": "accepted"}, content_type="application/json", **headers)
    assert again.status_code == 400
    assert "cannot become" in again.json()["detail"]
    declined.refresh_from_db()
    assert declined.status == Application.Status.DECLINED
    not_a_decision = client.post(url, {"status": "withdrawn"}, content_type="application/json", **headers)
    assert not_a_decision.status_code == 400 and "status" in not_a_decision.json()


def test_writes_go_through_the_services_events_and_emails(world, django_capture_on_commit_callbacks, mailoutbox):
    from programs.models import ApplicationEvent

    client = Client()
    application = world.o["submitted"]
    url = reverse("api:application_withdraw", kwargs={"pk": application.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, content_type="application/json", **world.headers("applicant"))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    event = ApplicationEvent.objects.filter(application=application).latest("created_at")
    assert (event.to_status, event.actor) == ("withdrawn", world.people["applicant"])
    assert [m.to for m in mailoutbox] == [[world.people["applicant"].email]]
    # The scores stay with the coordinators: an applicant's own answer has none.
    assert response.json()["scores"] is None and response.json()["normalised_rank"] is None


def test_confirming_a_proposal_creates_the_mentorship_and_a_second_confirm_changes_nothing(world):
    client = Client()
    proposal = world.o["proposal"]
    url = reverse("api:proposal_confirm", kwargs={"pk": proposal.pk})
    headers = world.headers("coordinator")
    first = client.post(url, content_type="application/json", **headers)
    assert first.status_code == 200 and first.json()["status"] == "confirmed" and first.json()["mentorship"]
    second = client.post(url, content_type="application/json", **headers)
    assert second.json()["mentorship"] == first.json()["mentorship"]
    from mentoring.models import Mentorship

    assert Mentorship.objects.filter(application=proposal.application).count() == 1


def test_coordinators_see_scores_and_the_normalised_rank(world):
    Application.objects.filter(pk=world.o["submitted"].pk).update(
        scored_reviews=2, review_total=2, ranking_mean=4.5, review_mean=4.5, normalised_score=1.2)
    Application.objects.filter(pk=world.o["proposed"].pk).update(
        scored_reviews=1, review_total=1, ranking_mean=3.0, review_mean=3.0, normalised_score=0.4)
    rows = {row["id"]: row for row in Client().get(reverse("api:application_list"),
                                                   **world.headers("coordinator")).json()["results"]}
    best, second = rows[world.o["submitted"].pk], rows[world.o["proposed"].pk]
    assert (best["normalised_rank"], second["normalised_rank"]) == (1, 2)
    assert best["scores"] == {"mean": 4.5, "normalised": 1.2, "count": 2} and best["review_count"] == 2
    assert best["answers"] == [{"question": best["answers"][0]["question"], "prompt": "What have you built?",
                                "value": "A telescope pipeline."}]


def test_a_missing_object_and_a_forbidden_one_answer_alike(world):
    client = Client()
    headers = world.headers("outsider")
    forbidden = client.get(reverse("api:application_detail", kwargs={"pk": world.o["submitted"].pk}), **headers)
    missing = client.get(reverse("api:application_detail", kwargs={"pk": 987654321}), **headers)
    assert (forbidden.status_code, forbidden.json()) == (missing.status_code, missing.json()) == (404, missing.json())


def test_evaluations_due_lists_what_is_due_then_overdue_for_each_pair(world):
    import time_machine

    mentorship = world.o["mentorship"]
    client = Client()
    url = reverse("api:evaluations_due")

    def due_now():
        rows = client.get(url, **world.headers("coordinator")).json()["results"]
        return {(e["stage"], e["direction"], e["state"]) for row in rows if row["id"] == mentorship.pk
                for e in row["evaluations"]}

    assert due_now() == set()  # the midpoint window has not opened yet
    from mentoring.deadlines import evaluation_due_on, evaluation_opens_on

    opens, due = evaluation_opens_on(mentorship, "midpoint"), evaluation_due_on(mentorship, "midpoint")
    with time_machine.travel(dt.datetime.combine(opens, dt.time(12), tzinfo=dt.UTC)):
        assert due_now() == {("midpoint", "about_mentee", "due"), ("midpoint", "about_mentor", "due")}
    with time_machine.travel(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)):
        assert due_now() == {("midpoint", "about_mentee", "overdue"), ("midpoint", "about_mentor", "overdue")}
