"""Package support: the package and its plan in three areas; the maintainer and the mentor tick items off."""
import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentoring.tests.factories import pair
from programs.models import ProgramKind
from programwork.models import PlanItem, SupportPlan

pytestmark = pytest.mark.django_db

PACKAGE = {"action": "package", "repository_url": "https://github.com/example/pyclimate", "registry_name": "pyclimate",
           "documentation_url": "https://pyclimate.example.org"}


def package_pair():
    p = pair(mentor_name="Mira Mentor", mentee_name="Maya Maintainer")
    p.program.kind = ProgramKind.PACKAGE_SUPPORT
    p.program.save()
    return p


def test_who_may_see_and_who_may_work_on_the_plan(client):
    p = package_pair()
    url = reverse("programwork:support_plan", args=[p.mentorship.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, PACKAGE).status_code == 404
    client.force_login(p.coordinator)  # reads, never edits
    assert client.get(url).status_code == 200
    assert client.post(url, PACKAGE).status_code == 403
    assert not SupportPlan.objects.exists()
    client.force_login(p.mentee)
    assert client.post(url, PACKAGE).status_code == 302
    plan = SupportPlan.objects.get(mentorship=p.mentorship)
    assert (plan.registry_name, plan.documentation_url) == ("pyclimate", "https://pyclimate.example.org")


def test_the_maintainer_plans_and_the_mentor_ticks_off(client):
    p = package_pair()
    url = reverse("programwork:support_plan", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    client.post(url, PACKAGE)
    for area, title in (("quality", "Run the tests on three platforms"), ("documentation", "A tutorial"),
                        ("community", "A contributing guide")):
        client.post(url, {"action": "add", "area": area, "title": title})
    item = PlanItem.objects.get(title="A tutorial")
    client.force_login(p.mentor)
    client.post(url, {"action": "done", "item": item.pk})
    item.refresh_from_db()
    assert item.done_by == p.mentor and item.done_at
    html = client.get(url).content.decode()
    assert "1 of 3 items done." in html and "done by Mira Mentor" in html
    client.post(url, {"action": "undo", "item": item.pk})
    item.refresh_from_db()
    assert item.done_at is None and item.done_by is None


def test_bad_input_is_explained_beside_the_field(client):
    p = package_pair()
    url = reverse("programwork:support_plan", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    response = client.post(url, {**PACKAGE, "repository_url": "not a link"})
    assert response.status_code == 400 and "Enter a valid URL." in response.content.decode()
    assert 'value="pyclimate"' in response.content.decode()  # nothing typed is lost
    assert not SupportPlan.objects.exists()


def test_an_item_of_another_plan_is_not_found(client):
    p, other = package_pair(), package_pair()
    for q in (p, other):
        client.force_login(q.mentee)
        client.post(reverse("programwork:support_plan", args=[q.mentorship.pk]), PACKAGE)
        client.post(reverse("programwork:support_plan", args=[q.mentorship.pk]),
                    {"action": "add", "area": "quality", "title": f"Tests for {q.mentee.pk}"})
    foreign = PlanItem.objects.get(plan__mentorship=other.mentorship)
    client.force_login(p.mentee)
    response = client.post(reverse("programwork:support_plan", args=[p.mentorship.pk]), {"action": "done", "item": foreign.pk})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.done_at is None


def test_other_program_kinds_have_no_support_plan(client):
    p = pair()  # an internship
    client.force_login(p.mentee)
    assert client.get(reverse("programwork:support_plan", args=[p.mentorship.pk])).status_code == 404
    assert "Support plan" not in client.get(p.mentorship.get_absolute_url()).content.decode()


def test_the_plan_page_reads_constant_queries(client, django_assert_max_num_queries):
    p = package_pair()
    url = reverse("programwork:support_plan", args=[p.mentorship.pk])
    client.force_login(p.mentee)
    client.post(url, PACKAGE)
    plan = SupportPlan.objects.get()
    counts = []
    for n in (3, 30):
        PlanItem.objects.bulk_create(PlanItem(plan=plan, area=PlanItem.Area.values[i % 3], title=f"Item {i}",
                                              done_by=p.mentor if i % 2 else None, done_at=plan.created_at if i % 2 else None)
                                     for i in range(n - plan.items.count()))
        with django_assert_max_num_queries(20) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Support plan" in client.get(p.mentorship.get_absolute_url()).content.decode()
