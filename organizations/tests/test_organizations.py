import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from organizations.models import Organization, Project

pytestmark = pytest.mark.django_db

ORG = {"name": "Universidad Mayor", "kind": "university", "country": "Bolivia", "website": "https://umsa.example.org",
       "contact_email": "contact@umsa.example.org", "description": "A public university."}
PROJECT = {"name": "pyclimate", "repository_url": "https://github.com/example/pyclimate", "license": "BSD-3-Clause",
           "stage": "early", "users_estimate": "200", "description": "Climate data tools."}


def test_creator_owns_it_and_named_people_are_only_invited(client, django_capture_on_commit_callbacks):
    creator, colleague = UserFactory(), UserFactory(email="colleague@example.org")
    client.force_login(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organizations:organization_new"), {**ORG, "add_people": "colleague@example.org"})
    organization = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == organization.get_absolute_url()
    assert set(organization.members.all()) == {creator}  # the colleague joins by accepting
    assert organization.owner == creator and organization.created_by == creator
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
    assert colleague.profile.name not in client.get(organization.get_absolute_url()).content.decode()


def test_bad_addresses_get_a_clear_error_and_nothing_is_lost(client):
    client.force_login(UserFactory())
    response = client.post(reverse("organizations:organization_new"), {**ORG, "add_people": "not-an-address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "These are not email addresses: not-an-address" in html and 'value="Universidad Mayor"' in html
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
