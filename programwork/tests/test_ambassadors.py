"""Ambassadors log their activities, the coordinator reviews them, the reach shows per cohort, and those who
opt in are on the public list."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory, make_mentee
from programs.models import Application, ProgramKind
from programs.tests.factories import ApplicationFactory, CohortFactory, ProgramFactory
from programwork.models import Activity, AmbassadorListing

pytestmark = pytest.mark.django_db

TALK = {"action": "log", "kind": "talk", "title": "Open data for city halls", "held_on": "2026-11-20",
        "place": "Biblioteca Central, Lima", "link": "", "audience": "40", "materials_url": "https://slides.example.org/1"}


def ambassadors_cohort():
    coordinator = UserFactory()
    program = ProgramFactory(kind=ProgramKind.AMBASSADORS, coordinators=[coordinator])
    cohort = CohortFactory(program=program)
    ambassador = make_mentee(name="Ana Ambassador")
    ApplicationFactory(cohort=cohort, applicant=ambassador, status=Application.Status.ACCEPTED)
    return cohort, coordinator, ambassador


def test_only_accepted_ambassadors_log_activities(client):
    cohort, coordinator, ambassador = ambassadors_cohort()
    url = reverse("programwork:activity_log", args=[cohort.pk])
    assert client.get(url).status_code == 302
    waiting = make_mentee(name="Still Waiting")
    ApplicationFactory(cohort=cohort, applicant=waiting, status=Application.Status.SUBMITTED)
    for person in (UserFactory(), waiting, coordinator):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, TALK).status_code == 404
    client.force_login(ambassador)
    assert client.post(url, TALK).status_code == 302
    activity = Activity.objects.get()
    assert (activity.ambassador, activity.audience, activity.status) == (ambassador, 40, Activity.Status.SUBMITTED)
    assert "Open data for city halls" in client.get(url).content.decode()


def test_a_place_or_a_link_is_needed_and_nothing_typed_is_lost(client):
    cohort, _coordinator, ambassador = ambassadors_cohort()
    client.force_login(ambassador)
    response = client.post(reverse("programwork:activity_log", args=[cohort.pk]), {**TALK, "place": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the place or a link." in html and 'value="Open data for city halls"' in html
    assert not Activity.objects.exists()


def test_the_coordinator_reviews_and_the_reach_counts_approved_ones(client):
    cohort, coordinator, ambassador = ambassadors_cohort()
    client.force_login(ambassador)
    client.post(reverse("programwork:activity_log", args=[cohort.pk]), TALK)
    client.post(reverse("programwork:activity_log", args=[cohort.pk]), {**TALK, "title": "Campaign", "audience": "500"})
    talk, campaign = Activity.objects.get(title=TALK["title"]), Activity.objects.get(title="Campaign")
    review = reverse("programwork:activity_review", args=[cohort.pk])
    assert client.get(review).status_code == 404  # ambassadors do not review
    assert client.post(review, {"activity": talk.pk, "decision": "approve"}).status_code == 404
    client.force_login(coordinator)
    assert "1 activity waits" not in client.get(reverse("programs:cohort_dashboard", args=[cohort.pk])).content.decode()
    assert "2 activities wait for your review" in client.get(
        reverse("programs:cohort_dashboard", args=[cohort.pk])).content.decode()
    client.post(review, {"activity": talk.pk, "decision": "approve"})
    client.post(review, {"activity": campaign.pk, "decision": "return", "note": "Add the materials, please."})
    talk.refresh_from_db(), campaign.refresh_from_db()
    assert (talk.status, campaign.status, campaign.review_note) == ("approved", "returned", "Add the materials, please.")
    assert "Approved so far: 1 activities reaching 40 people." in client.get(review).content.decode()
    stats = client.get(reverse("mentoring:program_statistics", args=[cohort.program.slug])).content.decode()
    reach = stats.split('id="ambassador-reach"')[1].split("</table>")[0]
    assert "<td>1</td><td>40</td><td>1</td>" in reach


def test_an_activity_of_another_cohort_cannot_be_reviewed_here(client):
    cohort, coordinator, _ambassador = ambassadors_cohort()
    other, _c, other_ambassador = ambassadors_cohort()
    foreign = Activity.objects.create(cohort=other, ambassador=other_ambassador, kind="talk", title="Elsewhere",
                                      held_on=dt.date(2026, 11, 1), place="Quito", audience=10)
    client.force_login(coordinator)
    response = client.post(reverse("programwork:activity_review", args=[cohort.pk]),
                           {"activity": foreign.pk, "decision": "approve"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Activity.Status.SUBMITTED


def test_the_public_list_shows_only_those_who_opt_in(client):
    cohort, _coordinator, ambassador = ambassadors_cohort()
    shy = make_mentee(name="Shy Ambassador")
    ApplicationFactory(cohort=cohort, applicant=shy, status=Application.Status.ACCEPTED)
    public = reverse("programwork:ambassadors_public", args=[cohort.program.slug])
    assert "Ana Ambassador" not in client.get(public).content.decode()
    client.force_login(ambassador)
    client.post(reverse("programwork:activity_log", args=[cohort.pk]), {"action": "list"})
    client.logout()
    html = client.get(public).content.decode()
    assert "Ana Ambassador" in html and "Shy Ambassador" not in html
    client.force_login(ambassador)
    client.post(reverse("programwork:activity_log", args=[cohort.pk]), {"action": "unlist"})
    assert not AmbassadorListing.objects.exists()
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(reverse("programwork:activity_log", args=[cohort.pk]), {"action": "list"}).status_code == 404
    assert client.get(reverse("programwork:ambassadors_public", args=[ProgramFactory().slug])).status_code == 404


def test_the_activity_pages_read_constant_queries(client, django_assert_max_num_queries):
    cohort, coordinator, ambassador = ambassadors_cohort()
    counts = []
    for n in (3, 30):
        Activity.objects.bulk_create(
            Activity(cohort=cohort, ambassador=ambassador, kind="event", title=f"Event {i}",
                     held_on=dt.date(2026, 10, 1), place="Online", audience=i, status="approved" if i % 2 else "submitted")
            for i in range(n - Activity.objects.count())
        )
        for person, url in ((ambassador, reverse("programwork:activity_log", args=[cohort.pk])),
                            (coordinator, reverse("programwork:activity_review", args=[cohort.pk]))):
            client.force_login(person)
            with django_assert_max_num_queries(20) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
