"""Membership by consent: invitations that are signed, expire and work once; the same answer for every address."""
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from organizations import invitations
from organizations.models import Invitation, Organization, Project

pytestmark = pytest.mark.django_db


def make_organization(owner, **fields):
    organization = Organization.objects.create(name=fields.pop("name", "Open Lab"), kind="community", owner=owner,
                                               created_by=owner, **fields)
    organization.members.add(owner)
    return organization


def make_project(owner):
    project = Project.objects.create(name="pyclimate", repository_url="https://github.com/x/pyclimate", license="MIT",
                                     description="Tools.", owner=owner, created_by=owner)
    project.maintainers.add(owner)
    return project


def invite(client, target_url, email, capture):
    with capture(execute=True):
        return client.post(target_url, {"action": "invite", "emails": email}, follow=True)


def link_in_last_mail() -> str:
    return re.search(r"(/organizations/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    UserFactory(email="known@example.org")
    organization = make_organization(owner)
    url = reverse("organizations:organization_people", args=[organization.pk])
    client.force_login(owner)
    pages = []
    for email in ("known@example.org", "unknown@example.org"):
        response = invite(client, url, email, django_capture_on_commit_callbacks)
        html = response.content.decode()
        pages.append(html.replace(email, "ADDRESS"))
        assert "We have sent an invitation to each address" in html
        assert "No account" not in html
    # Both addresses are invited, in the same words and the same email.
    assert pages[1].count("Withdraw the invitation") == 2
    assert {tuple(m.to) for m in mail.outbox} == {("known@example.org",), ("unknown@example.org",)}
    assert mail.outbox[0].subject == mail.outbox[1].subject
    assert not Invitation.objects.exclude(status=Invitation.Status.PENDING).exists()


def test_no_name_before_acceptance_then_the_person_joins_and_may_edit(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    invitee = UserFactory(email="ines@example.org")
    invitee.profile.display_name = "Ines Invitee"
    invitee.profile.save()
    organization = make_organization(owner)
    client.force_login(owner)
    invite(client, reverse("organizations:organization_people", args=[organization.pk]), invitee.email,
           django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    edit = reverse("organizations:organization_edit", args=[organization.pk])

    client.force_login(invitee)
    assert "Ines Invitee" not in client.get(organization.get_absolute_url()).content.decode()
    assert client.get(edit).status_code == 404  # not a member yet
    page = client.get(link)
    assert page.status_code == 200 and "Accept and join" in page.content.decode()
    assert not organization.members.filter(pk=invitee.pk).exists()  # GET never writes

    response = client.post(link, {"action": "accept"})
    assert response.status_code == 302
    assert organization.members.filter(pk=invitee.pk).exists()
    assert "Ines Invitee" in client.get(organization.get_absolute_url()).content.decode()
    assert client.get(edit).status_code == 200


def test_a_used_link_is_refused(client, django_capture_on_commit_callbacks):
    owner, invitee = UserFactory(), UserFactory(email="twice@example.org")
    project = make_project(owner)
    client.force_login(owner)
    invite(client, reverse("organizations:project_people", args=[project.pk]), invitee.email,
           django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    client.force_login(invitee)
    client.post(link, {"action": "accept"})
    invitations.member_leave(target=project, user=invitee)
    response = client.post(link, {"action": "accept"}, follow=True)
    assert "This invitation has already been used." in response.content.decode()
    assert not project.maintainers.filter(pk=invitee.pk).exists()


def test_an_expired_link_is_refused(client, django_capture_on_commit_callbacks):
    owner, invitee = UserFactory(), UserFactory(email="late@example.org")
    organization = make_organization(owner)
    client.force_login(owner)
    invite(client, reverse("organizations:organization_people", args=[organization.pk]), invitee.email,
           django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(invitee)
    assert "not valid or has expired" in client.get(link).content.decode()
    response = client.post(link, {"action": "accept"}, follow=True)
    assert "not valid or has expired" in response.content.decode()
    assert not organization.members.filter(pk=invitee.pk).exists()


def test_an_altered_or_foreign_link_is_refused(client, django_capture_on_commit_callbacks):
    owner, invitee = UserFactory(), UserFactory(email="edit@example.org")
    organization = make_organization(owner)
    client.force_login(owner)
    invite(client, reverse("organizations:organization_people", args=[organization.pk]), invitee.email,
           django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    forged = signing.dumps([invitation.pk, "guessed-secret"], salt=invitations.SALT)
    client.force_login(invitee)
    for token in (forged, link_in_last_mail().split("/")[2] + "x"):
        response = client.post(reverse("organizations:invitation", args=[token]), {"action": "accept"})
        assert response.status_code == 404
    assert not organization.members.filter(pk=invitee.pk).exists()


def test_only_the_invited_address_may_accept(client, django_capture_on_commit_callbacks):
    owner, invitee, other = UserFactory(), UserFactory(email="right@example.org"), UserFactory()
    organization = make_organization(owner)
    client.force_login(owner)
    invite(client, reverse("organizations:organization_people", args=[organization.pk]), invitee.email,
           django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    client.force_login(other)
    response = client.post(link, {"action": "accept"}, follow=True)
    assert "sent to another email address" in response.content.decode()
    assert not organization.members.filter(pk=other.pk).exists()
    client.logout()
    assert client.post(link, {"action": "accept"})["Location"].startswith(reverse("account_login"))


def test_members_leave_and_the_owner_removes_and_hands_over(client):
    owner, member, stranger = UserFactory(), UserFactory(), UserFactory()
    organization = make_organization(owner)
    organization.members.add(member)
    url = reverse("organizations:organization_people", args=[organization.pk])

    client.logout()
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "invite", "emails": "x@example.org"}).status_code == 404

    client.force_login(member)  # a member cannot remove anyone
    client.post(url, {"action": "remove", "member": owner.pk})
    assert organization.members.filter(pk=owner.pk).exists()

    client.force_login(owner)
    client.post(url, {"action": "leave"})  # the owner hands over first
    assert organization.members.filter(pk=owner.pk).exists()
    client.post(url, {"action": "transfer", "member": member.pk})
    organization.refresh_from_db()
    assert organization.owner == member
    client.post(url, {"action": "leave"})
    assert not organization.members.filter(pk=owner.pk).exists()

    client.force_login(member)
    newcomer = UserFactory()
    organization.members.add(newcomer)
    client.post(url, {"action": "remove", "member": newcomer.pk})
    assert list(organization.members.all()) == [member]


def test_the_people_page_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    owner = UserFactory()
    organization = make_organization(owner)
    url = reverse("organizations:organization_people", args=[organization.pk])
    client.force_login(owner)
    for n in range(12):
        organization.members.add(UserFactory())
        Invitation.objects.create(organization=organization, email=f"p{n}@example.org", digest=f"{n:064d}",
                                  invited_by=owner, expires_at=timezone.now() + timedelta(days=3))
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("Withdraw the invitation") == 12
