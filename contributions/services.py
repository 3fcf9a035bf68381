"""The verbs of the contribution phase: set it up, take tasks, link accounts, record and verify contributions.

Fetching is network work: `contribution_fetch` reads the row, talks to the API outside any transaction,
then locks the row and writes what it learned. Nothing recorded is ever lost: a failed fetch keeps the
row "not verified" with the reason and a time for the next try (the beat's `fetch_due_contributions`).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import broker
from programs.models import Cohort
from programs.permissions import is_coordinator

from . import client as api
from .fetch import facts_for, proof_owner_and_text
from .models import Contribution, ContributionPeriod, ContributionTask, LinkedAccount, Platform, State, TaskClaim
from .urls_parse import parse_contribution_url, parse_proof_url

logger = logging.getLogger(__name__)

MAX_PER_APPLICANT = 30
RECHECK_OPEN = timedelta(hours=6)  # open work: look again for a merge
RECHECK_MISSING = timedelta(days=1)  # not found: perhaps it was private for a while
BACKOFF_FIRST, BACKOFF_MAX = timedelta(minutes=1), timedelta(hours=6)
FACT_FIELDS = ("title", "state", "author", "repository", "opened_at", "merged_at", "closed_at", "additions",
               "deletions", "labels", "languages", "topics")
JUDGED_FIELDS = ("author_matches", "repository_counts", "in_window")


def _on_commit_publish(task, *args) -> None:
    def publish_after_commit():
        broker.publish(task, *args)

    transaction.on_commit(publish_after_commit, robust=True)


# --------------------------------------------------------------------------- the coordinator's set-up


def period_save(*, cohort: Cohort, actor, opens_at, closes_at, repositories: str = "",
                instructions: str = "") -> ContributionPeriod:
    """Create or change the cohort's contribution phase; every recorded contribution is judged again by the new rules."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The contribution period must close after it opens.")})
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        period, _created = ContributionPeriod.objects.update_or_create(cohort=cohort, defaults={
            "opens_at": opens_at, "closes_at": closes_at, "repositories": repositories, "instructions": instructions,
        })
        rejudge(cohort=cohort)
    return period


def task_create(*, period: ContributionPeriod, actor, title: str, repository_url: str, description: str = "",
                label: str = "", places: int = 1, prerequisites=()) -> ContributionTask:
    if not is_coordinator(actor, period.cohort.program_id):
        raise PermissionDenied
    if places < 1:
        raise ValidationError({"places": _("At least one applicant must be able to take the task.")})
    with transaction.atomic():
        task = ContributionTask.objects.create(period=period, title=title, repository_url=repository_url,
                                               description=description, label=label, places=places)
        wrong = [p for p in prerequisites if p.period_id != period.pk]
        if wrong:
            raise ValidationError({"prerequisites": _("Prerequisites must be tasks of the same cohort.")})
        task.prerequisites.set(prerequisites)
    return task


def task_claim(*, task: ContributionTask, applicant) -> TaskClaim:
    """Take a task: places counted under the task's row lock; prerequisites need merged work in their repositories."""
    period = task.period
    if not period.accepts_records():
        raise ValidationError(_("The contribution period is closed."))
    with transaction.atomic():
        task = ContributionTask.objects.select_for_update().get(pk=task.pk)
        if TaskClaim.objects.filter(task=task, applicant=applicant).exists():
            raise ValidationError(_("You already took this task."))
        if TaskClaim.objects.filter(task=task).count() >= task.places:
            raise ValidationError(_("Every place of this task is taken."))
        merged_in = {
            c.repository.lower() for c in Contribution.objects.merged().filter(cohort_id=period.cohort_id, applicant=applicant)
        }
        missing = [p.title for p in task.prerequisites.all() if _repository_of(p.repository_url) not in merged_in]
        if missing:
            raise ValidationError(_("Finish these tasks first (merged work in their repositories): %(tasks)s")
                                  % {"tasks": ", ".join(missing)})
        return TaskClaim.objects.create(task=task, applicant=applicant)


def _repository_of(url: str) -> str:
    from .urls_parse import parse_repository_line

    rule = parse_repository_line(url)
    return rule[1] if rule else ""


# --------------------------------------------------------------------------- linked accounts


def account_link_social(*, user) -> LinkedAccount | None:
    """Link the GitHub account the person signed in with (allauth), confirmed at once; None if they have none."""
    from allauth.socialaccount.models import SocialAccount

    social = SocialAccount.objects.filter(user=user, provider="github").first()
    login = (social.extra_data or {}).get("login") if social else None
    if not login:
        return None
    with transaction.atomic():
        account, _created = LinkedAccount.objects.update_or_create(user=user, platform=Platform.GITHUB, defaults={
            "username": login, "method": LinkedAccount.Method.SOCIAL, "confirmed_at": timezone.now(), "problem": "",
        })
        _rejudge_user(user)
    return account


def account_link_start(*, user, platform: str, username: str) -> LinkedAccount:
    """Start linking `username`: the person gets a code to put in a public gist or snippet."""
    username = username.strip().lstrip("@")
    with transaction.atomic():
        account = LinkedAccount.objects.select_for_update().filter(user=user, platform=platform).first()
        if account is None:
            account = LinkedAccount(user=user, platform=platform)
        if account.username.lower() != username.lower() or account.method != LinkedAccount.Method.PROOF:
            account.confirmed_at = None
        account.username, account.method, account.problem = username, LinkedAccount.Method.PROOF, ""
        account.save()
        _rejudge_user(user)
    return account


def account_proof_submit(*, account: LinkedAccount, proof_url: str) -> LinkedAccount:
    """The person says where the proof is; a task checks it."""
    parsed = parse_proof_url(proof_url)
    if parsed is None or parsed[0] != account.platform:
        raise ValidationError({"proof_url": _("Give the address of a public gist (GitHub) or snippet (GitLab).")})
    from .tasks import confirm_linked_account

    with transaction.atomic():
        LinkedAccount.objects.filter(pk=account.pk).update(proof_url=proof_url.strip(), problem="")
        _on_commit_publish(confirm_linked_account, account.pk)
    account.refresh_from_db()
    return account


def account_confirm(*, account_id: int) -> str:
    """Fetch the gist or snippet: confirmed when its owner is the username and it contains the code."""
    account = LinkedAccount.objects.filter(pk=account_id).first()
    if account is None or account.confirmed or not account.proof_url:
        return "nothing to do"
    platform, proof_id = parse_proof_url(account.proof_url) or ("", "")
    problem = ""
    try:
        owner, text = proof_owner_and_text(platform, proof_id, api.Client(platform))
    except api.ApiError as exc:
        owner, text, problem = "", "", _("Could not read the gist or snippet: %(reason)s") % {"reason": exc.reason}
    if not problem and owner.lower() != account.username.lower():
        problem = _("That gist or snippet belongs to someone else, or is not public.")
    elif not problem and account.code not in text:
        problem = _("The code was not found in that gist or snippet.")
    with transaction.atomic():
        locked = LinkedAccount.objects.select_for_update().get(pk=account.pk)
        if locked.proof_url != account.proof_url or locked.username != account.username:
            return "changed meanwhile"
        locked.problem = problem
        locked.confirmed_at = None if problem else timezone.now()
        locked.save(update_fields=["problem", "confirmed_at"])
        _rejudge_user(locked.user)
    return "failed" if problem else "confirmed"


def account_unlink(*, account: LinkedAccount) -> None:
    with transaction.atomic():
        user = account.user
        account.delete()
        _rejudge_user(user)


# --------------------------------------------------------------------------- recording


def contribution_record(*, applicant, cohort: Cohort, url: str, note: str = "") -> Contribution:
    """Record one piece of work by its address; it is verified by a task after commit."""
    period = ContributionPeriod.objects.filter(cohort=cohort).first()
    if period is None:
        raise ValidationError(_("This cohort has no contribution period."))
    if not period.accepts_records():
        raise ValidationError(_("The contribution period is closed."))
    target = parse_contribution_url(url)
    if target is None:
        raise ValidationError({"url": _("Give the address of a pull or merge request, an issue, a commit or a review "
                                        "on GitHub or GitLab.")})
    from .tasks import fetch_contribution

    with transaction.atomic():
        # The limit counts this person's rows: lock the person (a row that always exists), not the whole cohort.
        get_user_model().objects.select_for_update().filter(pk=applicant.pk).first()
        if Contribution.objects.filter(cohort=cohort, applicant=applicant).count() >= MAX_PER_APPLICANT:
            raise ValidationError(_("You can record at most %(count)d contributions.") % {"count": MAX_PER_APPLICANT})
        try:
            with transaction.atomic():
                contribution = Contribution.objects.create(
                    cohort=cohort, applicant=applicant, url=url.strip(), note=note.strip(),
                    platform=target.platform, kind=target.kind, next_check_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError({"url": _("You already recorded this contribution.")}) from None
        _on_commit_publish(fetch_contribution, contribution.pk)
    return contribution


def contribution_delete(*, contribution: Contribution, actor) -> None:
    """The applicant removes a record while the period takes records; after that it stays for the reviewers
    (a flagged record could otherwise vanish while they read it)."""
    if contribution.applicant_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        contribution = Contribution.objects.select_for_update().select_related("cohort").get(pk=contribution.pk)
        period = ContributionPeriod.objects.filter(cohort_id=contribution.cohort_id).select_related("cohort").first()
        if period is None or not period.accepts_records():
            raise ValidationError(_("The contribution period is closed: what you recorded stays for the reviewers."))
        contribution.delete()


def contribution_recheck(*, contribution: Contribution, actor) -> None:
    if contribution.applicant_id != actor.pk:
        raise PermissionDenied
    from .tasks import fetch_contribution

    with transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(next_check_at=timezone.now())
        _on_commit_publish(fetch_contribution, contribution.pk)


# --------------------------------------------------------------------------- verifying


def pause_key(platform: str) -> str:
    return f"contributions:api-paused:{platform}"


def _paused_until(platform: str):
    try:
        until = cache.get(pause_key(platform))
    except Exception:  # a cache outage must not stop verification
        return None
    return until if until and until > timezone.now() else None


def _pause(platform: str, until) -> None:
    try:
        cache.set(pause_key(platform), until, timeout=max(1, int((until - timezone.now()).total_seconds()) + 1))
    except Exception:
        logger.warning("Cache unavailable: the %s rate-limit pause is not shared.", platform)


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_MAX, BACKOFF_FIRST * (2 ** max(0, attempts - 1)))


def contribution_fetch(*, contribution_id: int, now=None) -> str:
    """Fetch one contribution's facts, judge them, write them. Safe to run twice and concurrently."""
    now = now or timezone.now()
    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None:
        return "gone"
    target = parse_contribution_url(contribution.url)
    platform = contribution.platform
    paused = _paused_until(platform)
    cache_in = dict(contribution.api_cache or {})
    facts, error = None, None
    if paused is not None:
        error = api.RateLimited("rate limit reached", retry_at=paused)
    else:
        client = api.Client(platform, cache=cache_in)
        try:
            facts = facts_for(target, client)
        except api.ApiError as exc:
            error = exc
            if isinstance(exc, api.RateLimited) and exc.retry_at:
                _pause(platform, exc.retry_at)
        cache_in = {k: v for k, v in client.cache.items() if k in client.used}
    with transaction.atomic():
        row = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
        if row is None:
            return "gone"
        row.checked_at = now
        if facts is not None:
            for name in FACT_FIELDS:
                if name in facts:
                    setattr(row, name, facts[name])
            row.verified_at, row.problem, row.attempts = now, "", 0
            row.api_cache = cache_in
            row.next_check_at = now + RECHECK_OPEN if row.state == State.OPEN else None
            _judge(row)
            outcome = "verified"
        else:
            row.attempts = min(row.attempts + 1, 1000)
            row.problem = _problem_words(error)[:300]
            if isinstance(error, api.RateLimited):
                row.next_check_at = max(error.retry_at or now + backoff(row.attempts), now) + timedelta(seconds=5)
            elif error.permanent:
                row.next_check_at = now + RECHECK_MISSING
            else:
                row.next_check_at = max(error.retry_at or now, now + backoff(row.attempts))
            outcome = "not verified"
        row.save()
    return outcome


def _problem_words(error: api.ApiError) -> str:
    if isinstance(error, api.RateLimited):
        return _("the platform's rate limit was reached; it will be tried again")
    if isinstance(error, api.NotFound):
        return _("not found on the platform (deleted, private or mistyped)")
    if error.permanent:
        return _("the platform refused access")
    return _("the platform could not be reached (%(detail)s); it will be tried again") % {"detail": error.reason}


def _judge(row: Contribution, *, period: ContributionPeriod | None = None, accounts: dict | None = None) -> None:
    """Whether it is the applicant's work, in a repository that counts, in the window (no API call)."""
    if not row.verified:
        row.author_matches = row.repository_counts = row.in_window = None
        return
    if period is None:
        period = ContributionPeriod.objects.filter(cohort_id=row.cohort_id).first()
    if accounts is None:
        accounts = {a.platform: a for a in LinkedAccount.objects.filter(user_id=row.applicant_id, confirmed_at__isnull=False)}
    account = accounts.get(row.platform)
    row.author_matches = None if account is None or not row.author else account.username.lower() == row.author.lower()
    row.repository_counts = period.counts(row.platform, row.repository) if period else None
    row.in_window = period.in_window(row.opened_at) if period else None


def rejudge(*, cohort: Cohort) -> int:
    """Judge every verified contribution of the cohort again (the rules changed); two queries plus the update."""
    period = ContributionPeriod.objects.filter(cohort=cohort).first()
    rows = list(Contribution.objects.filter(cohort=cohort).select_for_update())
    by_user: dict[int, dict] = {}
    for account in LinkedAccount.objects.filter(user_id__in={r.applicant_id for r in rows}, confirmed_at__isnull=False):
        by_user.setdefault(account.user_id, {})[account.platform] = account
    for row in rows:
        _judge(row, period=period, accounts=by_user.get(row.applicant_id, {}))
    Contribution.objects.bulk_update(rows, JUDGED_FIELDS, batch_size=500)
    return len(rows)


def _rejudge_user(user) -> None:
    accounts = {a.platform: a for a in LinkedAccount.objects.filter(user=user, confirmed_at__isnull=False)}
    rows = list(Contribution.objects.filter(applicant=user).select_for_update())
    periods = {p.cohort_id: p for p in ContributionPeriod.objects.filter(cohort_id__in={r.cohort_id for r in rows})}
    for row in rows:
        _judge(row, period=periods.get(row.cohort_id), accounts=accounts)
    Contribution.objects.bulk_update(rows, JUDGED_FIELDS, batch_size=500)


def contributions_due(*, now=None, limit: int = 200) -> list[int]:
    """Ids whose next check is due (never verified, failed, or open and waiting for a merge), oldest first."""
    now = now or timezone.now()
    return list(Contribution.objects.filter(next_check_at__lte=now).order_by("next_check_at", "pk")
                .values_list("pk", flat=True)[:limit])
