import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from organizations.models import Organization, Project

pytestmark = pytest.mark.django_db

ORG = {"name": "Universidad Mayor", "kind": "university", "country": "Bolivia", "website": "https://umsa.example.org",
       "contact_email": "contact@umsa.example.org", "description": "A public university."}
PROJECT = {"name": "pyclimate", "repository_url": "https://github.com/example/pyclimate", "license": "BSD-3-Clause",
           "stage": "early", "users_estimate": "200", "description": "Climate data tools."}


def test_creator_becomes_an_editor_and_can_add_people(client):
    creator, colleague = UserFactory(), UserFactory(email="colleague@example.org")
    client.force_login(creator)
    response = client.post(reverse("organizations:organization_new"), {**ORG, "add_people": "colleague@example.org"})
    organization = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == organization.get_absolute_url()
    assert set(organization.members.all()) == {creator, colleague}
    assert organization.created_by == creator


def test_unknown_people_get_a_clear_error_and_nothing_is_lost(client):
    client.force_login(UserFactory())
    response = client.post(reverse("organizations:organization_new"), {**ORG, "add_people": "nobody@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No account uses nobody@example.org" in html and 'value="Universidad Mayor"' in html
    assert not Organization.objects.exists()


@pytest.mark.parametrize(("kind", "data", "model", "people"), [
    ("organization", ORG, Organization, "members"), ("project", PROJECT, Project, "maintainers"),
])
def test_only_their_people_edit_them(client, kind, data, model, people):
    owner = UserFactory()
    client.force_login(owner)
    client.post(reverse(f"organizations:{kind}_new"), data)
    obj = model.objects.get()
    edit = reverse(f"organizations:{kind}_edit", args=[obj.pk])
    client.logout()
    assert client.get(edit).status_code == 302  # anonymous: log in first
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {**data, "name": "Hijacked"}).status_code == 404
    obj.refresh_from_db()
    assert obj.name == data["name"]
    client.force_login(owner)
    assert client.get(edit).status_code == 200
    client.post(edit, {**data, "name": "Renamed"})
    obj.refresh_from_db()
    assert obj.name == "Renamed"
    # The public page shows it, but the edit button only to its people.
    client.force_login(stranger)
    assert b"Renamed" in client.get(obj.get_absolute_url()).content
    assert edit.encode() not in client.get(obj.get_absolute_url()).content


def test_next_parameter_only_goes_to_this_site(client):
    client.force_login(UserFactory())
    response = client.post(reverse("organizations:project_new") + "?next=https://evil.example.com/", PROJECT)
    assert response["Location"] == Project.objects.get().get_absolute_url()
    response = client.post(reverse("organizations:project_new") + "?next=/programs/", {**PROJECT, "name": "two"})
    assert response["Location"] == "/programs/"


def test_mine_lists_only_my_things(client):
    me, other = UserFactory(), UserFactory()
    client.force_login(other)
    client.post(reverse("organizations:organization_new"), {**ORG, "name": "Not Mine"})
    client.force_login(me)
    client.post(reverse("organizations:organization_new"), {**ORG, "name": "Mine Org"})
    html = client.get(reverse("organizations:mine")).content.decode()
    assert "Mine Org" in html and "Not Mine" not in html
