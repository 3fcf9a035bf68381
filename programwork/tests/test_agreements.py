"""Affiliation and partners: an agreement term with renewal reminders, what each side offers, a public directory."""
import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from notifications.services import dispatch_pending
from organizations.models import Organization
from programs.models import Application, ProgramKind
from programs.tests.factories import ApplicationFactory, CohortFactory, ProgramFactory
from programwork.models import PartnershipTerm
from programwork.reminders import agreement_renewal

pytestmark = pytest.mark.django_db


def accepted_organization(kind=ProgramKind.AFFILIATION, name="Universidad Abierta"):
    coordinator = UserFactory()
    program = ProgramFactory(kind=kind, coordinators=[coordinator])
    cohort = CohortFactory(program=program)
    dean = make_mentee(name="Diego Dean")
    organization = Organization.objects.create(name=name, kind="university", owner=dean, created_by=dean)
    organization.members.add(dean)
    ApplicationFactory(cohort=cohort, applicant=dean, organization=organization, status=Application.Status.ACCEPTED)
    return program, coordinator, organization, dean


def term_post(organization, **changes):
    return {"organization": organization.pk, "starts_on": "2026-01-01", "renews_on": "2027-01-01",
            "we_offer": "Mentors and training.", "they_offer": "Two staff mentors and rooms.", **changes}


def test_the_coordinator_records_the_agreement_and_the_organization_reads_it(client):
    program, coordinator, organization, dean = accepted_organization()
    url = reverse("programwork:terms", args=[program.slug])
    assert client.get(url).status_code == 302
    client.force_login(dean)
    assert client.get(url).status_code == 404
    assert client.post(url, term_post(organization)).status_code == 404
    client.force_login(coordinator)
    assert client.post(url, term_post(organization)).status_code == 302
    term = PartnershipTerm.objects.get()
    assert (term.renews_on, term.they_offer) == (dt.date(2027, 1, 1), "Two staff mentors and rooms.")
    client.post(url, term_post(organization, renews_on="2027-06-30"))  # a change, not a second agreement
    assert PartnershipTerm.objects.get().renews_on == dt.date(2027, 6, 30)

    detail = term.get_absolute_url()
    client.force_login(UserFactory())
    assert client.get(detail).status_code == 404
    client.force_login(dean)
    html = client.get(detail).content.decode()
    assert "Mentors and training." in html and "Two staff mentors and rooms." in html


def test_bad_dates_and_organizations_not_accepted_are_refused_beside_the_field(client):
    program, coordinator, organization, _dean = accepted_organization()
    other = Organization.objects.create(name="Not Accepted", kind="company")
    client.force_login(coordinator)
    url = reverse("programwork:terms", args=[program.slug])
    response = client.post(url, term_post(organization, renews_on="2025-12-31"))
    assert response.status_code == 400 and "The renewal date must be after the start." in response.content.decode()
    assert "Two staff mentors and rooms." in response.content.decode()
    response = client.post(url, term_post(other))
    assert response.status_code == 400
    assert not PartnershipTerm.objects.exists()


def test_the_directory_lists_only_organizations_that_opt_in(client):
    program, coordinator, organization, dean = accepted_organization(kind=ProgramKind.PARTNERS)
    _p2, coordinator2, quiet, _d2 = accepted_organization(name="Quiet Org")
    for p, c, o in ((program, coordinator, organization), (_p2, coordinator2, quiet)):
        client.force_login(c)
        client.post(reverse("programwork:terms", args=[p.slug]), term_post(o))
    term = PartnershipTerm.objects.get(organization=organization)
    client.force_login(coordinator)  # the coordinator cannot list the organization for it
    assert client.post(term.get_absolute_url(), {"action": "list"}).status_code == 403
    client.force_login(dean)
    client.post(term.get_absolute_url(), {"action": "list"})
    client.logout()
    html = client.get(reverse("programwork:directory")).content.decode()
    assert "Universidad Abierta" in html and "Quiet Org" not in html


NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
def test_renewal_reminders_go_once_to_the_coordinators_and_the_owner(django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_QUIET_HOURS = (23, 5)
    program, coordinator, organization, dean = accepted_organization()
    today = timezone.localdate()
    PartnershipTerm.objects.create(program=program, organization=organization, starts_on=today - dt.timedelta(days=300),
                                   renews_on=today + dt.timedelta(days=20), we_offer="a", they_offer="b")
    far = accepted_organization(name="Far Org")
    PartnershipTerm.objects.create(program=far[0], organization=far[2], starts_on=today,
                                   renews_on=today + dt.timedelta(days=200), we_offer="a", they_offer="b")
    for _ in range(2):  # a second scan sends nothing new
        with django_capture_on_commit_callbacks(execute=True):
            agreement_renewal(now=timezone.now())
            dispatch_pending()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, dean.email])
    assert "Universidad Abierta comes up for renewal" in mail.outbox[0].subject


def test_the_agreement_pages_read_constant_queries(client, django_assert_max_num_queries):
    program, coordinator, _organization, _dean = accepted_organization()
    counts = []
    for n in (3, 20):
        while PartnershipTerm.objects.count() < n:
            i = PartnershipTerm.objects.count()
            org = Organization.objects.create(name=f"Org {i}", kind="company")
            PartnershipTerm.objects.create(program=program, organization=org, starts_on=dt.date(2026, 1, 1),
                                           renews_on=dt.date(2027, 1, 1), we_offer="a", they_offer="b", listed=True)
        client.force_login(coordinator)
        with django_assert_max_num_queries(20) as terms_queries:
            assert client.get(reverse("programwork:terms", args=[program.slug])).status_code == 200
        client.logout()
        with django_assert_max_num_queries(10) as directory_queries:
            assert client.get(reverse("programwork:directory")).status_code == 200
        counts.append((len(terms_queries), len(directory_queries)))
    assert counts[0] == counts[1]
