"""The contribution pages: anonymous, wrong person, right person; bad input; constant queries."""
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from contributions.models import Contribution, ContributionPeriod, LinkedAccount, TaskClaim
from contributions.tests.factories import ContributionFactory, LinkedAccountFactory, PeriodFactory, TaskFactory, verified
from programs.tests.factories import ApplicationFactory, cohort_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    s = cohort_scenario(applications=1, mentors=1)
    PeriodFactory(cohort=s.cohort)
    return s


def test_the_applicants_page_three_cases(client, scenario):
    url = reverse("contributions:mine", args=[scenario.cohort.pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    applicant = scenario.applications[0].applicant
    mine = ContributionFactory(cohort=scenario.cohort, applicant=applicant, **verified())
    ContributionFactory(cohort=scenario.cohort, applicant=make_mentee(name="Other"), url="https://github.com/numpy/numpy/pull/999",
                        note="Someone else's secret note")
    client.force_login(applicant)
    page = client.get(url).content.decode()
    assert mine.note in page and "Someone else&#x27;s secret note" not in page and "Someone else's secret note" not in page
    client.force_login(UserFactory())
    assert client.get(reverse("contributions:mine", args=[scenario.cohort.pk + 999])).status_code == 404


def test_a_cohort_without_a_period_has_no_contributions_page(client):
    s = cohort_scenario(applications=1, mentors=0)
    client.force_login(s.applications[0].applicant)
    assert client.get(reverse("contributions:mine", args=[s.cohort.pk])).status_code == 404


def test_recording_a_bad_address_says_why_beside_the_field_and_keeps_the_note(client, scenario):
    client.force_login(scenario.applications[0].applicant)
    url = reverse("contributions:mine", args=[scenario.cohort.pk])
    response = client.post(url, {"url": "https://example.org/not/a/pull", "note": "My careful note"})
    assert response.status_code == 200
    assert "Give the address of a pull or merge request" in response.content.decode()
    assert "My careful note" in response.content.decode()
    assert not Contribution.objects.exists()


def test_recording_twice_is_refused_and_a_failed_fetch_keeps_the_record(client, scenario, django_capture_on_commit_callbacks,
                                                                        settings):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"  # nothing listens: the fetch fails, the record stays
    client.force_login(scenario.applications[0].applicant)
    url = reverse("contributions:mine", args=[scenario.cohort.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"url": "https://github.com/numpy/numpy/pull/5", "note": "n"}).status_code == 302
    c = Contribution.objects.get()
    assert c.kind == "change" and not c.verified and "could not be reached" in c.problem
    response = client.post(url, {"url": "https://github.com/numpy/numpy/pull/5", "note": "again"})
    assert "You already recorded this contribution." in response.content.decode()


def test_only_the_owner_removes_or_rechecks(client, scenario):
    c = ContributionFactory(cohort=scenario.cohort, applicant=scenario.applications[0].applicant)
    for name in ("delete", "recheck"):
        client.force_login(UserFactory())
        assert client.post(reverse(f"contributions:{name}", args=[c.pk])).status_code == 404
    client.logout()
    assert client.post(reverse("contributions:delete", args=[c.pk])).status_code == 302
    assert Contribution.objects.filter(pk=c.pk).exists()
    client.force_login(c.applicant)
    assert client.post(reverse("contributions:delete", args=[c.pk])).status_code == 302
    assert not Contribution.objects.filter(pk=c.pk).exists()


def test_the_coordinator_sets_the_period_and_publishes_a_task(client, scenario):
    url = reverse("contributions:manage", args=[scenario.cohort.pk])
    client.force_login(scenario.mentors[0])
    assert client.get(url).status_code == 404
    client.force_login(scenario.coordinator)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "period", "opens_at": "2030-03-10T10:00", "closes_at": "2030-03-01T10:00",
                            "repositories": "not a repo at all"})
    text = bad.content.decode()
    assert "must close after it opens" in text and "Not a GitHub or GitLab repository" in text
    ok = client.post(url, {"action": "period", "opens_at": "2030-03-01T10:00", "closes_at": "2030-04-01T10:00",
                           "repositories": "https://github.com/astropy"})
    assert ok.status_code == 302
    assert ContributionPeriod.objects.get(cohort=scenario.cohort).repository_lines() == ["https://github.com/astropy"]
    assert client.post(url, {"action": "task", "title": "Fix a doc typo", "repository_url": "https://github.com/astropy/astropy",
                             "label": "good first issue", "places": 3}).status_code == 302
    assert "Fix a doc typo" in client.get(url).content.decode()


def test_task_places_and_prerequisites(client, scenario):
    first = TaskFactory(period=scenario.cohort.contribution_period, places=1, repository_url="https://github.com/numpy/numpy")
    second = TaskFactory(period=first.period, places=1)
    second.prerequisites.set([first])
    ada, bob = make_mentee(name="Ada"), make_mentee(name="Bob")
    client.force_login(ada)
    client.post(reverse("contributions:claim", args=[second.pk]))
    assert not TaskClaim.objects.filter(task=second).exists()  # needs merged work in numpy/numpy first
    ContributionFactory(cohort=scenario.cohort, applicant=ada, **verified())
    client.post(reverse("contributions:claim", args=[second.pk]))
    client.post(reverse("contributions:claim", args=[first.pk]))
    assert TaskClaim.objects.filter(applicant=ada).count() == 2
    client.force_login(bob)
    response = client.post(reverse("contributions:claim", args=[first.pk]), follow=True)
    assert "Every place of this task is taken." in response.content.decode()


def test_linking_by_the_social_login_and_by_username(client):
    user = make_mentee(name="Ada")
    url = reverse("contributions:accounts")
    assert client.get(url).status_code == 302
    client.force_login(user)
    client.post(url, {"action": "social"})
    assert not LinkedAccount.objects.exists()  # never signed in with GitHub
    SocialAccount.objects.create(user=user, provider="github", uid="1001", extra_data={"login": "ada-gh"})
    client.post(url, {"action": "social"})
    account = LinkedAccount.objects.get(user=user)
    assert account.username == "ada-gh" and account.confirmed and account.method == "social"
    client.post(url, {"action": "link", "platform": "gitlab", "username": "@ada"})
    gitlab = LinkedAccount.objects.get(user=user, platform="gitlab")
    assert gitlab.username == "ada" and not gitlab.confirmed
    assert gitlab.code in client.get(url).content.decode()
    response = client.post(url, {"action": "proof", "platform": "gitlab", "gitlab-proof_url": "https://example.org/x"})
    assert "Give the address of a public gist" in response.content.decode()
    client.force_login(UserFactory())  # someone else cannot act on Ada's accounts
    assert client.post(url, {"action": "unlink", "platform": "gitlab"}).status_code == 404
    assert LinkedAccount.objects.filter(user=user).count() == 2


def _review_world(n_contributions: int):
    s = cohort_scenario(applications=1, mentors=1)
    period = PeriodFactory(cohort=s.cohort)
    application = s.applications[0]
    LinkedAccountFactory(user=application.applicant)
    for k in range(n_contributions):
        ContributionFactory(cohort=s.cohort, applicant=application.applicant,
                            url=f"https://github.com/numpy/numpy/pull/{k + 1}",
                            **verified(author="ada" if k % 3 else "grace", author_matches=bool(k % 3)))
    return s, period, application


def test_the_review_page_shows_facts_and_flags_in_constant_queries(client, django_assert_max_num_queries):
    s, _period, application = _review_world(3)
    client.force_login(s.mentors[0])
    url = reverse("programs:review", args=[application.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "author is not the applicant" in page and "3 contributions recorded" in page
    assert "2 verified (2 merged), 1 flagged." in page
    big, _p, big_application = _review_world(50)
    client.force_login(big.mentors[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("programs:review", args=[big_application.pk])).content.decode()
    assert "50 contributions recorded" in page and page.count('class="card mb-2 contribution"') == 50


def test_the_coordinator_ranking_sorts_by_verified_merged_work_in_constant_queries(client, django_assert_max_num_queries):
    s = cohort_scenario(applications=3, mentors=0)
    PeriodFactory(cohort=s.cohort)
    a0, a1, a2 = s.applications
    for k in range(2):
        ContributionFactory(cohort=s.cohort, applicant=a2.applicant, url=f"https://github.com/numpy/numpy/pull/{k + 1}",
                            **verified())
    ContributionFactory(cohort=s.cohort, applicant=a1.applicant, url="https://github.com/numpy/numpy/pull/9", **verified())
    ContributionFactory(cohort=s.cohort, applicant=a0.applicant, url="https://github.com/numpy/numpy/pull/8",
                        **verified(author_matches=False))
    client.force_login(s.coordinator)
    url = reverse("contributions:manage", args=[s.cohort.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    order = [page.index(a.applicant.profile.name) for a in (a2, a1, a0)]
    assert order == sorted(order)
    for k in range(30):
        app = ApplicationFactory(cohort=s.cohort, applicant=make_mentee(name=f"More {k}"))
        ContributionFactory(cohort=s.cohort, applicant=app.applicant, url=f"https://github.com/numpy/numpy/pull/{100 + k}",
                            **verified())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    dashboard = client.get(reverse("programs:cohort_dashboard", args=[s.cohort.pk])).content.decode()
    assert "Rank applicants by verified merged contributions" in dashboard


def test_the_applicant_sees_their_contributions_on_their_application(client, scenario):
    application = scenario.applications[0]
    ContributionFactory(cohort=scenario.cohort, applicant=application.applicant, **verified(title="My merged fix"))
    client.force_login(application.applicant)
    page = client.get(reverse("programs:application_detail", args=[application.pk])).content.decode()
    assert "My merged fix" in page and "Record or change your contributions" in page


def test_the_dashboard_links_open_periods_and_accounts(client, scenario):
    client.force_login(make_mentee(name="Newcomer"))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("contributions:mine", args=[scenario.cohort.pk]) in page
    assert reverse("contributions:accounts") in page


def test_a_closed_period_takes_no_records(scenario):
    from django.core.exceptions import ValidationError

    from contributions import services

    period = scenario.cohort.contribution_period
    ContributionPeriod.objects.filter(pk=period.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=20))
    scenario.cohort.applications_close_at = timezone.now() - timedelta(days=1)
    scenario.cohort.save()
    with pytest.raises(ValidationError):
        services.contribution_record(applicant=make_mentee(name="Late"), cohort=scenario.cohort,
                                     url="https://github.com/numpy/numpy/pull/1")


def test_after_the_period_closes_a_record_stays_for_the_reviewers(client, scenario):
    """An applicant could remove a flagged record while reviewers were reading it; after the period it stays."""
    c = ContributionFactory(cohort=scenario.cohort, applicant=scenario.applications[0].applicant)
    mine = reverse("contributions:mine", args=[scenario.cohort.pk])
    client.force_login(c.applicant)
    assert reverse("contributions:delete", args=[c.pk]) in client.get(mine).content.decode()
    ContributionPeriod.objects.filter(cohort=scenario.cohort).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=20))
    scenario.cohort.applications_close_at = timezone.now() - timedelta(days=1)
    scenario.cohort.save()
    assert reverse("contributions:delete", args=[c.pk]) not in client.get(mine).content.decode()
    response = client.post(reverse("contributions:delete", args=[c.pk]), follow=True)
    assert "stays for the reviewers" in response.content.decode()
    assert Contribution.objects.filter(pk=c.pk).exists()
