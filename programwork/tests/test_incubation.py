"""Incubator: milestones from concept to production, evidence from the maintainer, confirmation by the mentor,
a graduation decision by the coordinator."""
import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentoring.tests.factories import pair
from programs.models import ProgramKind
from programwork.models import Graduation, Milestone

pytestmark = pytest.mark.django_db


def incubated_pair():
    p = pair(mentor_name="Mira Mentor", mentee_name="Maya Maintainer")
    p.program.kind = ProgramKind.INCUBATOR
    p.program.save()
    return p


def add(client, url, stage, title):
    return client.post(url, {"action": "add", "stage": stage, "title": title, "target_date": "2026-12-31"})


def test_who_may_see_and_plan(client):
    p = incubated_pair()
    url = reverse("programwork:incubation", args=[p.mentorship.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert add(client, url, "concept", "A design note").status_code == 404
    client.force_login(p.coordinator)
    assert client.get(url).status_code == 200
    assert add(client, url, "concept", "A design note").status_code == 403  # reads, never plans
    assert not Milestone.objects.exists()
    client.force_login(p.mentee)
    add(client, url, "concept", "A design note")
    assert Milestone.objects.get().title == "A design note"
    internship = pair()
    client.force_login(internship.mentee)
    assert client.get(reverse("programwork:incubation", args=[internship.mentorship.pk])).status_code == 404


def test_evidence_then_the_mentors_confirmation_then_graduation(client):
    p = incubated_pair()
    url = reverse("programwork:incubation", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    add(client, url, "production", "Version 1.0 on PyPI")
    milestone = Milestone.objects.get()
    client.force_login(p.mentor)
    client.post(url, {"action": "confirm", "milestone": milestone.pk})  # no evidence yet
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PLANNED
    client.force_login(p.coordinator)
    response = client.post(url, {"action": "graduate", "decision": "graduated", "note": ""}, follow=True)
    assert "once a production milestone is confirmed" in response.content.decode()
    client.force_login(p.mentee)
    client.post(url, {"action": "evidence", "milestone": milestone.pk, "evidence_url": "https://pypi.org/project/x/1.0"})
    client.post(url, {"action": "confirm", "milestone": milestone.pk})  # the maintainer cannot confirm
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SUBMITTED
    client.force_login(p.mentor)
    client.post(url, {"action": "confirm", "milestone": milestone.pk})
    milestone.refresh_from_db()
    assert (milestone.status, milestone.confirmed_by) == (Milestone.Status.CONFIRMED, p.mentor)
    assert "Stage reached: Production." in client.get(url).content.decode()
    client.force_login(p.coordinator)
    client.post(url, {"action": "graduate", "decision": "graduated", "note": "Well done."})
    assert Graduation.objects.get(mentorship=p.mentorship).decision == Graduation.Decision.GRADUATED
    client.force_login(p.mentor)
    client.post(url, {"action": "graduate", "decision": "not_yet", "note": ""})  # only coordinators decide
    assert Graduation.objects.get().decision == Graduation.Decision.GRADUATED


def test_a_bad_evidence_link_is_explained_and_a_foreign_milestone_is_not_found(client):
    p, other = incubated_pair(), incubated_pair()
    client.force_login(other.mentee)
    add(client, reverse("programwork:incubation", args=[other.mentorship.pk]), "beta", "Beta release")
    foreign = Milestone.objects.get()
    url = reverse("programwork:incubation", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    response = client.post(url, {"action": "evidence", "milestone": foreign.pk, "evidence_url": "https://x.example.org"})
    assert response.status_code == 404
    response = client.post(url, {"action": "add", "stage": "beta", "title": "", "target_date": "someday"})
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()


def test_the_incubation_page_reads_constant_queries(client, django_assert_max_num_queries):
    p = incubated_pair()
    url = reverse("programwork:incubation", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    client.get(url)  # warm: the session and the site's cached settings
    counts = []
    for n in (4, 40):
        Milestone.objects.bulk_create(
            Milestone(mentorship=p.mentorship, stage=Milestone.Stage.values[i % 4], title=f"Step {i}",
                      target_date="2026-12-31", evidence_url="https://x.example.org" if i % 2 else "",
                      status="confirmed" if i % 2 else "planned", confirmed_by=p.mentor if i % 2 else None)
            for i in range(n - Milestone.objects.count())
        )
        with django_assert_max_num_queries(20) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Incubation" in client.get(p.mentorship.get_absolute_url()).content.decode()
