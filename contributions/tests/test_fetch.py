"""Verification against a local fake GitHub and GitLab: every kind of address, rate limits, outages,
slow answers, retries, ETag caching and re-checks. No test reaches the internet."""
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from werkzeug import Response

from contributions import services, tasks
from contributions.models import Contribution
from contributions.tests.factories import ContributionFactory, LinkedAccountFactory, PeriodFactory
from contributions.tests.recorded import FakeHosts, github_pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosts(httpserver, settings):
    cache.clear()
    yield FakeHosts(httpserver, settings)
    cache.clear()


@pytest.fixture
def period():
    return PeriodFactory()


@pytest.fixture
def ada(period):
    return LinkedAccountFactory().user


def record(period, applicant, url) -> Contribution:
    return ContributionFactory(cohort=period.cohort, applicant=applicant, url=url)


def fetch(contribution) -> Contribution:
    services.contribution_fetch(contribution_id=contribution.pk)
    contribution.refresh_from_db()
    return contribution


def test_a_merged_github_pull_request_is_verified_with_its_facts(hosts, period, ada):
    c = fetch(record(period, ada, hosts.github_pull(101)))
    assert c.verified and c.checks_out and c.merged and c.flags == []
    assert c.title == "Fix the broadcasting of masked arrays (#101)"
    assert (c.state, c.author, c.repository) == ("merged", "ada", "numpy/numpy")
    assert (c.additions, c.deletions, c.lines_changed) == (42, 7, 49)
    assert c.labels == ["bug", "component: numpy.ma"]
    assert c.languages[:2] == ["Python", "C"] and "scientific-computing" in c.topics
    assert c.opened_at == datetime(2030, 3, 10, 12, tzinfo=UTC) and c.merged_at is not None
    assert c.next_check_at is None  # merged: nothing more to learn


def test_an_open_issue_is_verified_and_checked_again_later(hosts, period, ada):
    c = fetch(record(period, ada, hosts.github_issue(7)))
    assert c.checks_out and c.state == "open" and c.kind == "issue" and not c.merged
    assert c.next_check_at > timezone.now() + timedelta(hours=5)


def test_someone_elses_pull_request_is_flagged(hosts, period, ada):
    c = fetch(record(period, ada, hosts.github_pull(102, login="grace")))
    assert c.verified and not c.checks_out
    assert c.author_matches is False and "author is not the applicant" in c.flags


def test_without_a_linked_account_authorship_is_not_checked(hosts, period):
    from accounts.tests.factories import make_mentee

    c = fetch(record(period, make_mentee(name="No Link"), hosts.github_pull(103)))
    assert c.verified and c.author_matches is None and "authorship not checked (no linked account)" in c.flags


def test_work_outside_the_window_or_the_repository_list_is_marked(hosts, period, ada):
    early = fetch(record(period, ada, hosts.github_pull(104, created_at="2030-01-05T10:00:00Z")))
    assert early.in_window is False and "outside the contribution window" in early.flags
    elsewhere = fetch(record(period, ada, hosts.github_pull(5, owner="scipy", repo="scipy")))
    assert elsewhere.repository_counts is False and "repository does not count for this cohort" in elsewhere.flags
    assert elsewhere.in_window is True


def test_changing_the_repository_list_judges_recorded_work_again(hosts, period, ada):
    c = fetch(record(period, ada, hosts.github_pull(5, owner="scipy", repo="scipy")))
    assert c.repository_counts is False
    services.period_save(cohort=period.cohort, actor=period.cohort.program.coordinators.create(email="coord@example.org"),
                         opens_at=period.opens_at, closes_at=period.closes_at,
                         repositories="https://github.com/numpy\nhttps://github.com/scipy/scipy")
    c.refresh_from_db()
    assert c.repository_counts is True and c.checks_out


def test_a_commit_and_a_review_on_github(hosts, period, ada):
    commit = fetch(record(period, ada, hosts.github_commit("a1b2c3d4e5f6")))
    assert commit.checks_out and commit.state == "committed" and commit.title == "MAINT: tidy the test helpers"
    review = fetch(record(period, ada, hosts.github_review(9, 555)))  # found on the second page
    assert review.checks_out and review.kind == "review" and review.state == "submitted" and review.author == "ada"


def test_gitlab_merge_request_issue_commit_and_review(hosts, period):
    ada = LinkedAccountFactory(platform="gitlab", username="ada").user
    mr = fetch(record(period, ada, hosts.gitlab_mr(12)))
    assert mr.checks_out and mr.merged and mr.repository == "gnome/gtk"
    assert (mr.additions, mr.deletions) == (4, 1)  # both pages of diffs counted
    assert mr.languages == ["C", "Meson", "Python"] and mr.topics == ["gnome", "gtk"]
    issue = fetch(record(period, ada, hosts.gitlab_issue(3)))
    assert issue.checks_out and issue.state == "open"
    commit = fetch(record(period, ada, hosts.gitlab_commit("deadbeef1234")))
    assert commit.verified and commit.author_matches is None  # GitLab names no account for a commit
    note = fetch(record(period, ada, hosts.gitlab_note(12, 77)))
    assert note.checks_out and note.kind == "review"


def test_not_found_stays_not_verified_with_the_reason(hosts, period, ada):
    hosts.json("/github/repos/numpy/numpy/pulls/404", {"message": "Not Found"}, status=404)
    c = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/404"))
    assert not c.verified and "not found" in c.problem
    assert c.flags == [f"not verified: {c.problem}"]
    assert c.next_check_at > timezone.now() + timedelta(hours=23)


def test_rate_limit_honours_the_reset_time_and_pauses_other_fetches(hosts, period, ada):
    reset = int(time.time()) + 1800
    hosts.json("/github/repos/numpy/numpy/pulls/1", {"message": "API rate limit exceeded"}, status=403,
               headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    first = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/1"))
    assert not first.verified and "rate limit" in first.problem
    assert abs(first.next_check_at.timestamp() - (reset + 5)) < 2
    # The next fetch does not even ask: the platform is paused until the reset.
    asked = len(hosts.server.log)
    second = fetch(record(period, ada, hosts.github_pull(2)))
    assert len(hosts.server.log) == asked and not second.verified and "rate limit" in second.problem


def test_429_with_retry_after(hosts, period, ada):
    hosts.json("/github/repos/numpy/numpy/pulls/1", {"message": "slow down"}, status=429, headers={"Retry-After": "120"})
    c = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/1"))
    assert not c.verified and timedelta(seconds=110) < c.next_check_at - timezone.now() < timedelta(seconds=130)


def test_an_outage_backs_off_and_a_later_retry_verifies_without_losing_anything(hosts, period, ada):
    hosts.server.expect_ordered_request("/github/repos/numpy/numpy/pulls/8").respond_with_json({"message": "boom"}, status=502)
    hosts.server.expect_ordered_request("/github/repos/numpy/numpy/pulls/8").respond_with_json({"message": "boom"}, status=503)
    c = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/8"))
    assert not c.verified and c.attempts == 1 and "could not be reached" in c.problem
    first_wait = c.next_check_at - timezone.now()
    c = fetch(c)
    assert c.attempts == 2 and c.next_check_at - timezone.now() > first_wait  # exponential backoff
    assert c.note == "I learned how masked arrays broadcast."  # nothing the applicant wrote is lost
    hosts.server.clear_all_handlers()
    hosts.github_pull(8)
    Contribution.objects.filter(pk=c.pk).update(next_check_at=timezone.now() - timedelta(seconds=1))
    assert tasks.fetch_due_contributions() == 1  # the beat finds it due and retries
    c.refresh_from_db()
    assert c.verified and c.attempts == 0 and c.problem == "" and c.checks_out


def test_a_slow_answer_times_out_and_is_retried_later(hosts, period, ada, settings):
    settings.CONTRIBUTIONS_API_TIMEOUT = 0.2

    def slow(request):
        time.sleep(0.6)
        return Response(json.dumps({}), content_type="application/json")

    hosts.handler("/github/repos/numpy/numpy/pulls/9", slow)
    c = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/9"))
    assert not c.verified and "no answer within" in c.problem and c.next_check_at > timezone.now()


def test_a_recheck_sees_the_merge_and_uses_the_etag(hosts, period, ada):
    calls = []

    def pull(request):
        calls.append(request.headers.get("If-None-Match"))
        merged = len(calls) >= 3
        if request.headers.get("If-None-Match") == '"open"' and len(calls) == 2:
            return Response(status=304, headers={"ETag": '"open"'})
        return Response(json.dumps(github_pull(20, owner="numpy", repo="numpy", login="ada", merged=merged)),
                        headers={"ETag": '"merged"' if merged else '"open"'}, content_type="application/json")

    hosts.handler("/github/repos/numpy/numpy/pulls/20", pull)
    hosts.github_repository("numpy", "numpy")
    c = fetch(record(period, ada, "https://github.com/numpy/numpy/pull/20"))
    assert c.state == "open" and not c.merged
    c = fetch(c)  # 304 Not Modified: answered from the stored copy
    assert calls[1] == '"open"' and c.state == "open" and c.verified
    c = fetch(c)
    assert c.state == "merged" and c.merged and c.next_check_at is None


def test_the_token_from_the_environment_is_sent(hosts, period, ada, settings):
    settings.GITHUB_TOKEN = "test-token-123"
    seen = []

    def pull(request):
        seen.append(request.headers.get("Authorization"))
        return Response(json.dumps(github_pull(30, owner="numpy", repo="numpy", login="ada")), content_type="application/json")

    hosts.handler("/github/repos/numpy/numpy/pulls/30", pull)
    hosts.github_repository("numpy", "numpy")
    assert fetch(record(period, ada, "https://github.com/numpy/numpy/pull/30")).verified
    assert seen == ["Bearer test-token-123"]


def test_the_task_is_safe_to_run_twice(hosts, period, ada):
    c = record(period, ada, hosts.github_pull(40))
    assert tasks.fetch_contribution(c.pk) == "verified"
    assert tasks.fetch_contribution(c.pk) == "verified"
    assert Contribution.objects.filter(pk=c.pk).checked_out().count() == 1
    c.delete()
    assert tasks.fetch_contribution(c.pk) == "gone"


def test_recording_queues_the_fetch_after_commit(hosts, period, ada, django_capture_on_commit_callbacks):
    url = hosts.github_pull(50)
    with django_capture_on_commit_callbacks(execute=True):
        c = services.contribution_record(applicant=ada, cohort=period.cohort, url=url, note="Learned a lot.")
    c.refresh_from_db()
    assert c.verified and c.checks_out
