"""Mentors and co-coordinators by invitation: a signed, expiring, single-use link sent by email."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from notifications.models import Notification
from programs.models import ApprovalStatus, Invitation, MentorEnrollment
from programs.services import invitations
from programs.tests.factories import cohort_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return cohort_scenario(applications=0, mentors=0)


def _link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^\s\"<]+/)", body).group(1)


def _invite(client, scenario, email, django_capture_on_commit_callbacks):
    client.force_login(scenario.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("programs:mentor_invite", args=[scenario.cohort.pk]), {"email": email},
                           follow=True)


def test_invite_pages_anonymous_wrong_and_right_person(client, scenario):
    for url in (reverse("programs:mentor_invite", args=[scenario.cohort.pk]),
                reverse("programs:program_coordinators", args=[scenario.cohort.program.slug])):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
        client.force_login(make_mentee(name="Nosy"))
        assert client.get(url).status_code == 404
        assert client.post(url, {"email": "x@example.org"}).status_code == 404
        client.force_login(scenario.coordinator)
        assert client.get(url).status_code == 200
        client.logout()
    assert not Invitation.objects.exists()


def test_the_page_answers_the_same_for_known_and_unknown_addresses(client, scenario, django_capture_on_commit_callbacks):
    known = UserFactory(email="known@example.org")
    pages = []
    for email in (known.email, "stranger@example.org"):
        response = _invite(client, scenario, email, django_capture_on_commit_callbacks)
        pages.append(response.content.decode().replace(email, "EMAIL"))
    # The list of invitations sent grows by one; CSRF tokens differ per response.
    strip = re.compile(r"<tbody>.*?</tbody>|name=\"csrfmiddlewaretoken\" value=\"[^\"]+\"", re.S)
    assert strip.sub("", pages[0]) == strip.sub("", pages[1])
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.org", "stranger@example.org"]


def test_a_new_person_signs_up_accepts_sets_capacity_and_is_approved(client, scenario, django_capture_on_commit_callbacks):
    _invite(client, scenario, "newmentor@example.org", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1].body)
    client.logout()
    page = client.get(link).content.decode()
    assert "invites you to mentor" in page and "Create an account" in page
    person = UserFactory(email="newmentor@example.org")  # signed up with the invited address
    client.force_login(person)
    response = client.post(link, {"capacity": 3, "offer": "Code review"})
    assert response["Location"] == reverse("programs:review_queue", args=[scenario.cohort.pk])
    enrollment = MentorEnrollment.objects.get(cohort=scenario.cohort, mentor=person)
    assert (enrollment.status, enrollment.capacity, enrollment.decided_by) == (
        ApprovalStatus.APPROVED, 3, scenario.coordinator)
    person.profile.refresh_from_db()
    assert person.profile.is_mentor
    # No "waiting for your approval" mail to the coordinators: the invitation was the approval.
    assert not Notification.objects.filter(kind="mentor_volunteered").exists()
    # Single use.
    again = client.get(link).content.decode()
    assert "already been used" in again


def test_the_link_works_only_for_the_invited_address_before_it_expires(client, scenario, django_capture_on_commit_callbacks):
    _invite(client, scenario, "right@example.org", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[-1].body)
    client.force_login(UserFactory(email="wrong@example.org"))
    assert "another email address" in client.post(link, {"capacity": 1}).content.decode()
    assert not MentorEnrollment.objects.exists()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory(email="right@example.org"))
    assert "has expired" in client.post(link, {"capacity": 1}).content.decode()
    assert not MentorEnrollment.objects.exists()


def test_a_forged_or_replaced_link_does_nothing(client, scenario, django_capture_on_commit_callbacks):
    _invite(client, scenario, "twice@example.org", django_capture_on_commit_callbacks)
    first = _link(mail.outbox[-1].body)
    _invite(client, scenario, "twice@example.org", django_capture_on_commit_callbacks)
    client.force_login(UserFactory(email="twice@example.org"))
    assert "replaced by a newer one" in client.post(first, {"capacity": 1}).content.decode()
    assert client.get(first[:-5] + "abcd/").status_code == 404
    assert not MentorEnrollment.objects.exists()


def test_a_co_coordinator_by_invitation(client, scenario, django_capture_on_commit_callbacks):
    program = scenario.cohort.program
    client.force_login(scenario.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:program_coordinators", args=[program.slug]), {"email": "co@example.org"})
    link = _link(mail.outbox[-1].body)
    co = UserFactory(email="co@example.org")
    client.force_login(co)
    assert client.post(link)["Location"] == reverse("programs:my_cohorts")
    assert program.coordinators.filter(pk=co.pk).exists()
    assert client.get(reverse("programs:cohort_setup", args=[scenario.cohort.pk])).status_code == 200


def test_an_inviter_who_no_longer_coordinates_cannot_approve(scenario):
    invitation = invitations.mentor_invite(actor=scenario.coordinator, cohort=scenario.cohort, email="m@example.org")
    scenario.cohort.program.coordinators.remove(scenario.coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="no longer runs"):
        invitations.invitation_accept(invitation=invitation, user=UserFactory(email="m@example.org"), capacity=1)
    assert not MentorEnrollment.objects.exists()


def test_invitation_list_has_constant_queries(client, scenario, django_assert_max_num_queries):
    client.force_login(scenario.coordinator)
    url = reverse("programs:mentor_invite", args=[scenario.cohort.pk])
    for i in range(3):
        invitations.mentor_invite(actor=scenario.coordinator, cohort=scenario.cohort, email=f"a{i}@example.org")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        invitations.mentor_invite(actor=scenario.coordinator, cohort=scenario.cohort, email=f"b{i}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
