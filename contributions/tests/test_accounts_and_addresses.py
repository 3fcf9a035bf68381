"""Confirming an account by a public gist or snippet (fake server), and reading contribution addresses."""
import pytest
from django.core.cache import cache

from accounts.tests.factories import make_mentee
from contributions import services
from contributions.models import LinkedAccount
from contributions.tests.factories import ContributionFactory, PeriodFactory, verified
from contributions.tests.recorded import FakeHosts
from contributions.urls_parse import parse_contribution_url, parse_proof_url, repository_counts


@pytest.fixture
def hosts(httpserver, settings):
    cache.clear()
    return FakeHosts(httpserver, settings)


@pytest.mark.django_db
def test_a_gist_with_the_code_confirms_the_github_account_and_authorship_is_judged_again(
        hosts, django_capture_on_commit_callbacks):
    user = make_mentee(name="Ada")
    period = PeriodFactory()
    work = ContributionFactory(cohort=period.cohort, applicant=user, **verified(author_matches=None))
    account = services.account_link_start(user=user, platform="github", username="ada")
    url = hosts.github_gist("abc123def456", login="ada", description=f"Confirming: {account.code}")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_proof_submit(account=account, proof_url=url)
    account.refresh_from_db()
    work.refresh_from_db()
    assert account.confirmed and account.problem == ""
    assert work.author_matches is True and work.checks_out


@pytest.mark.django_db
@pytest.mark.parametrize(("owner", "text", "problem"), [
    ("mallory", "mentorship-code", "belongs to someone else"),
    ("ada", "no code here", "The code was not found"),
])
def test_a_gist_of_someone_else_or_without_the_code_does_not_confirm(hosts, owner, text, problem):
    user = make_mentee(name="Ada")
    account = services.account_link_start(user=user, platform="github", username="ada")
    description = account.code if text == "mentorship-code" else text
    url = hosts.github_gist("aaaabbbbcccc", login=owner, description=description)
    LinkedAccount.objects.filter(pk=account.pk).update(proof_url=url)
    assert services.account_confirm(account_id=account.pk) == "failed"
    account.refresh_from_db()
    assert not account.confirmed and problem in account.problem


@pytest.mark.django_db
def test_a_gitlab_snippet_confirms_and_a_missing_one_says_so(hosts):
    user = make_mentee(name="Ada")
    account = services.account_link_start(user=user, platform="gitlab", username="ada")
    LinkedAccount.objects.filter(pk=account.pk).update(proof_url=hosts.gitlab_snippet(42, username="ada", title=account.code))
    assert services.account_confirm(account_id=account.pk) == "confirmed"
    other = services.account_link_start(user=make_mentee(name="Bo"), platform="gitlab", username="bo")
    hosts.json("/gitlab/api/v4/snippets/43", {"message": "404 Not found"}, status=404)
    LinkedAccount.objects.filter(pk=other.pk).update(proof_url="https://gitlab.com/-/snippets/43")
    assert services.account_confirm(account_id=other.pk) == "failed"
    other.refresh_from_db()
    assert "Could not read the gist or snippet" in other.problem


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/numpy/numpy/pull/123", ("github", "numpy/numpy", "change", "123", "")),
    ("https://github.com/numpy/numpy/pull/123/files", ("github", "numpy/numpy", "change", "123", "")),
    ("https://github.com/numpy/numpy/pull/123#pullrequestreview-99", ("github", "numpy/numpy", "review", "123", "99")),
    ("https://github.com/numpy/numpy/issues/7", ("github", "numpy/numpy", "issue", "7", "")),
    ("https://github.com/numpy/numpy/commit/ABCDEF1", ("github", "numpy/numpy", "commit", "abcdef1", "")),
    ("https://gitlab.com/gnome/gtk/-/merge_requests/5", ("gitlab", "gnome/gtk", "change", "5", "")),
    ("https://gitlab.com/group/sub/proj/-/merge_requests/5#note_8", ("gitlab", "group/sub/proj", "review", "5", "8")),
    ("https://gitlab.com/gnome/gtk/-/issues/3", ("gitlab", "gnome/gtk", "issue", "3", "")),
    ("https://gitlab.com/gnome/gtk/-/commit/deadbeef", ("gitlab", "gnome/gtk", "commit", "deadbeef", "")),
])
def test_contribution_addresses(url, expected):
    t = parse_contribution_url(url)
    assert (t.platform, t.repository, t.kind, t.number, t.review_id) == expected


@pytest.mark.parametrize("url", [
    "https://github.com/numpy/numpy", "https://example.org/numpy/numpy/pull/1", "ftp://github.com/a/b/pull/1",
    "https://github.com/numpy/numpy/pull/abc", "https://gitlab.com/gnome/gtk/merge_requests/5", "",
])
def test_other_addresses_are_refused(url):
    assert parse_contribution_url(url) is None


def test_which_repositories_count():
    lines = ["https://github.com/numpy", "gitlab.com/gnome/gtk", "https://github.com/scipy/scipy.git"]
    assert repository_counts(lines, "github", "numpy/numpy")
    assert repository_counts(lines, "github", "NumPy/numpy-financial")
    assert repository_counts(lines, "gitlab", "gnome/gtk")
    assert repository_counts(lines, "github", "scipy/scipy")
    assert not repository_counts(lines, "github", "scipy/scipy-stubs")
    assert not repository_counts(lines, "gitlab", "gnome/glib")
    assert not repository_counts(lines, "gitlab", "numpy/numpy")  # the platform matters
    assert not repository_counts(lines, "github", "numpyx/numpy")
    assert repository_counts([], "github", "anything/at-all")


def test_proof_addresses():
    assert parse_proof_url("https://gist.github.com/ada/0123abcd4567") == ("github", "0123abcd4567")
    assert parse_proof_url("https://gitlab.com/-/snippets/42") == ("gitlab", "42")
    assert parse_proof_url("https://github.com/ada") is None
