"""Demo: a contribution period on the internship cohort that takes applications, with a task and a few
recorded contributions already checked (verified, flagged, not verified), as if the fetch task had run.

The demo never calls GitHub or GitLab: the rows are written with their facts and no next check
(`next_check_at` empty), so neither an eager task nor beat's `fetch_due_contributions` fetches them.
Safe to run twice: what exists is left alone."""
from datetime import timedelta

from django.utils import timezone

from programs.models import Application, Cohort

from . import services
from .models import Contribution, ContributionPeriod, Kind, LinkedAccount, Platform, State

REPOSITORIES = "https://github.com/pyclimate-org\nhttps://gitlab.com/open-meteo"
INSTRUCTIONS = ("Pick an issue labelled “good first issue” in pyclimate, open a pull request and record it here. "
                "Reviewers read what you learned as much as the code.")
NOT_FOUND = "not found on the platform (deleted, private or mistyped)"


def _rows(username, now):
    """(url, facts) per contribution of the first applicant: merged and checking out, by someone else, not found."""
    return [
        ("https://github.com/pyclimate-org/pyclimate/pull/412", {
            "kind": Kind.CHANGE, "note": "Learned how the project's test fixtures work.",
            "title": "Read station files with missing columns", "state": State.MERGED, "author": username,
            "opened_at": now - timedelta(days=6), "merged_at": now - timedelta(days=3), "additions": 84,
            "deletions": 12, "labels": ["good first issue"], "languages": ["Python"], "topics": ["climate"]}),
        ("https://github.com/pyclimate-org/pyclimate/issues/398", {
            "kind": Kind.ISSUE, "note": "I reproduced this bug on Windows.", "title": "Dates shift by a day on Windows",
            "state": State.OPEN, "author": "someone-else", "opened_at": now - timedelta(days=5), "labels": ["bug"],
            "languages": ["Python"], "topics": ["climate"]}),
        ("https://gitlab.com/open-meteo/tools/-/merge_requests/17", {
            "kind": Kind.CHANGE, "note": "My first merge request on GitLab.", "problem": NOT_FOUND}),
    ]


def seed(*, stdout):
    cohort = Cohort.objects.filter(program__slug="open-source-internships", name="2026 Term 4").first()
    coordinator = cohort and cohort.program.coordinators.order_by("pk").first()
    if cohort is None or coordinator is None:
        return
    now = timezone.now()
    period = ContributionPeriod.objects.filter(cohort=cohort).first()
    if period is None:
        period = services.period_save(cohort=cohort, actor=coordinator, opens_at=now - timedelta(days=10),
                                      closes_at=now + timedelta(days=14), repositories=REPOSITORIES,
                                      instructions=INSTRUCTIONS)
    if not period.tasks.exists():
        services.task_create(period=period, actor=coordinator, title="Fix a good first issue in pyclimate",
                             repository_url="https://github.com/pyclimate-org/pyclimate", label="good first issue",
                             places=3, description="Any issue with the label; say in the issue that you took it.")
    applications = list(Application.objects.filter(cohort=cohort).select_related("applicant").order_by("pk")[:2])
    if not applications or Contribution.objects.filter(cohort=cohort).exists():
        return
    first = applications[0].applicant
    username = first.email.split("@")[0].replace(".", "-")
    LinkedAccount.objects.get_or_create(user=first, platform=Platform.GITHUB, defaults={
        "username": username, "method": LinkedAccount.Method.PROOF, "confirmed_at": now - timedelta(days=8),
        "proof_url": f"https://gist.github.com/{username}/0123456789abcdef"})
    rows = [(first, url, facts) for url, facts in _rows(username, now)]
    if len(applications) > 1:
        rows.append((applications[1].applicant, "https://github.com/pyclimate-org/pyclimate/commit/9f2c1ab", {
            "kind": Kind.COMMIT, "title": "Document the units of every column", "state": State.COMMITTED,
            "author": "", "opened_at": now - timedelta(days=4), "additions": 30, "deletions": 2,
            "languages": ["Python"], "topics": ["climate"]}))
    for applicant, url, facts in rows:
        checked = "problem" not in facts
        Contribution.objects.create(
            cohort=cohort, applicant=applicant, url=url, platform=Platform.GITLAB if "gitlab" in url else Platform.GITHUB,
            repository="/".join(url.split("/")[3:5]) if checked else "", checked_at=now - timedelta(hours=1),
            verified_at=now - timedelta(hours=1) if checked else None, attempts=0 if checked else 1,
            next_check_at=None, **facts)
    judged = services.rejudge(cohort=cohort)  # author, repository and window, from the facts above (no API call)
    stdout.write(f"  contributions on “{cohort.name}”: {judged}")
