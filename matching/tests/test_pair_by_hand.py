"""Pairing by hand the accepted applicants who have no mentor yet: who may, what it does, what it refuses."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory, make_mentee
from matching.models import PairRule
from matching.pool import accepted_without_mentor, matching_pool
from mentoring.models import Mentorship
from mentoring.services import mentorship_create
from programs.models import Application
from programs.tests.factories import ApplicationFactory, EnrollmentFactory, cohort_scenario

from .factories import hand_made_cohort

pytestmark = pytest.mark.django_db


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def accept(*applications):
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=Application.Status.ACCEPTED)


def test_accepted_without_mentor_is_one_definition_for_pool_page_and_dashboard(client):
    made = hand_made_cohort()
    accept(made.a, made.b, made.c)
    mentorship_create(enrollment=made.x, mentee=made.b.applicant, application=made.b)
    ended = mentorship_create(enrollment=made.y, mentee=made.c.applicant, application=made.c)
    Mentorship.objects.filter(pk=ended.pk).update(status=Mentorship.Status.ENDED_EARLY)
    waiting = {made.a.pk, made.c.pk}  # b is paired; c's mentorship ended early, so c waits again
    assert set(accepted_without_mentor(made.cohort).values_list("pk", flat=True)) == waiting
    assert set(matching_pool(made.cohort).values_list("pk", flat=True)) == waiting | {made.d.pk}
    client.force_login(made.coordinator)
    dashboard = client.get(reverse("programs:cohort_dashboard", args=[made.cohort.pk])).content.decode()
    assert "Accepted, no mentor yet: 2" in dashboard and reverse("matching:unpaired", args=[made.cohort.pk]) in dashboard
    page = client.get(reverse("matching:unpaired", args=[made.cohort.pk])).content.decode()
    assert "2 accepted applicants have no mentor yet." in page
    assert f'id="application-{made.a.pk}"' in page and f'id="application-{made.b.pk}"' not in page


def test_pages_three_cases(client):
    made = hand_made_cohort()
    accept(made.a)
    urls = [
        ("get", reverse("matching:unpaired", args=[made.cohort.pk]), {}),
        ("get", reverse("matching:pair_by_hand", args=[made.cohort.pk, made.a.pk]), {}),
        ("post", reverse("matching:pair_by_hand", args=[made.cohort.pk, made.a.pk]), {"enrollment": made.x.pk}),
    ]
    other_coordinator = cohort_scenario(applications=0, mentors=0).coordinator
    for method, url, data in urls:
        client.logout()
        assert login_redirect(getattr(client, method)(url, data)), url
        for person in (other_coordinator, made.x.mentor, made.a.applicant, UserFactory()):
            client.force_login(person)
            assert getattr(client, method)(url, data).status_code == 404, (url, person)
    assert not Mentorship.objects.exists()
    client.force_login(made.coordinator)
    for _method, url, _data in urls[:2]:
        assert client.get(url).status_code == 200
    # an application of another cohort is not found through this cohort
    elsewhere = ApplicationFactory(status=Application.Status.ACCEPTED)
    assert client.get(reverse("matching:pair_by_hand", args=[made.cohort.pk, elsewhere.pk])).status_code == 404


def test_coordinator_pairs_by_hand_with_reasons_and_places_shown(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort(x_capacity=2)
    accept(made.a)
    url = reverse("matching:pair_by_hand", args=[made.cohort.pk, made.a.pk])
    client.force_login(made.coordinator)
    page = client.get(url).content.decode()
    xavier = page[page.index('data-mentor="Xavier"'):].split("<tr data-mentor=")[0]
    assert "Pair with Xavier" in xavier and "2 / 2" in xavier  # places left / capacity
    assert "Bayesian statistics" in xavier  # the reasons, in words
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"enrollment": made.x.pk}, follow=True)
    mentorship = Mentorship.objects.get(mentee=made.a.applicant)
    assert mentorship.enrollment == made.x and mentorship.application == made.a
    assert "Ana is now mentored by Xavier" in response.content.decode()
    assert {m.to[0] for m in mail.outbox} >= {made.a.applicant.email, made.x.mentor.email}
    # now paired: gone from the list, and the page sends the coordinator back to it
    assert not accepted_without_mentor(made.cohort).exists()
    assert client.get(url)["Location"] == reverse("matching:unpaired", args=[made.cohort.pk])


def test_pairing_by_hand_refuses_what_confirmation_refuses(client):
    made = hand_made_cohort()
    accept(made.a, made.b)
    client.force_login(made.coordinator)
    url = reverse("matching:pair_by_hand", args=[made.cohort.pk, made.a.pk])
    PairRule.objects.create(cohort=made.cohort, application=made.a, enrollment=made.x, kind=PairRule.Kind.RULED_OUT)
    response = client.post(url, {"enrollment": made.x.pk}, follow=True)
    assert "This pair is ruled out" in response.content.decode()
    mentorship_create(enrollment=made.y, mentee=made.b.applicant, application=made.b)  # Y's only place
    response = client.post(url, {"enrollment": made.y.pk}, follow=True)
    assert "no place left" in response.content.decode()
    made.cohort.max_mentees = 1
    made.cohort.save()
    PairRule.objects.all().delete()
    response = client.post(url, {"enrollment": made.x.pk}, follow=True)
    assert "maximum of 1 mentees" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_unpaired_pages_query_count_does_not_grow(client, django_assert_max_num_queries):
    def cohort_with(n_applicants, n_mentors):
        scenario = cohort_scenario(mentors=0, applications=0)
        for _k in range(n_mentors):
            EnrollmentFactory(cohort=scenario.cohort, capacity=2)
        apps = [ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name=f"Applicant {k}"),
                                   status=Application.Status.ACCEPTED) for k in range(n_applicants)]
        return scenario, apps

    small, small_apps = cohort_with(2, 2)
    large, large_apps = cohort_with(30, 15)
    pages = [
        lambda s, apps: reverse("matching:unpaired", args=[s.cohort.pk]),
        lambda s, apps: reverse("matching:pair_by_hand", args=[s.cohort.pk, apps[0].pk]),
        lambda s, apps: reverse("programs:cohort_dashboard", args=[s.cohort.pk]),
    ]
    for page in pages:
        client.force_login(small.coordinator)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page(small, small_apps)).status_code == 200
        client.force_login(large.coordinator)
        with django_assert_max_num_queries(len(ctx.captured_queries)):
            assert client.get(page(large, large_apps)).status_code == 200


def test_a_full_cohort_offers_no_pair_by_hand_nor_a_move_that_adds_a_pair(client, django_capture_on_commit_callbacks):
    from matching import services
    from matching.models import MatchProposal

    from .test_services import run_now

    made = hand_made_cohort(x_capacity=2, y_capacity=2)
    made.cohort.max_mentees = 2
    made.cohort.save()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    assert run.matched_count == 2
    unmatched = MatchProposal.objects.filter(run=run, enrollment__isnull=True).first()
    with pytest.raises(ValidationError, match="maximum mentees"):
        services.proposal_swap(proposal=unmatched, enrollment_id=made.y.pk, actor=made.coordinator)
    accept(made.a, made.b)
    mentorship_create(enrollment=made.x, mentee=made.b.applicant, application=made.b)
    mentorship_create(enrollment=made.x, mentee=made.c.applicant)
    client.force_login(made.coordinator)
    page = client.get(reverse("matching:pair_by_hand", args=[made.cohort.pk, made.a.pk])).content.decode()
    assert "The cohort has 0 places left" in page and "cohort full" in page and "Pair with" not in page


def test_get_writes_nothing_on_the_matching_pages(client):
    from matching.models import MatchingSettings

    scenario = cohort_scenario(mentors=2, applications=1)
    accept(*scenario.applications)
    client.force_login(scenario.coordinator)
    for url in (
        reverse("matching:cohort", args=[scenario.cohort.pk]),
        reverse("matching:unpaired", args=[scenario.cohort.pk]),
        reverse("matching:pair_by_hand", args=[scenario.cohort.pk, scenario.applications[0].pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert not MatchingSettings.objects.exists() and not Mentorship.objects.exists()
