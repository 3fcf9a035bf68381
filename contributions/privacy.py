"""Contribution evidence: linked GitHub/GitLab accounts, recorded contributions, task claims.

On deletion the linked accounts and claims go and each contribution keeps only what the cohort's
statistics count (kind, platform, verification); the retention purge erases notes and fetched facts."""
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Contribution, LinkedAccount, TaskClaim

# What the platform's API told us about a contribution that names people (author logins, titles).
FETCHED_PERSONAL = {"note": "", "url": "", "title": "", "author": "", "problem": "", "api_cache": {}}


def export_for_user(*, user) -> dict:
    return {
        "linked_accounts": [{"platform": a.platform, "username": a.username, "method": a.method,
                             "proof_url": a.proof_url}
                            for a in LinkedAccount.objects.filter(user=user).order_by("pk")],
        "contributions": [{
            "program": c.cohort.program.name, "cohort": c.cohort.name, "url": c.url, "what_you_learned": c.note,
            "platform": c.platform, "kind": c.kind, "title": c.title, "state": c.state, "author": c.author,
            "repository": c.repository, "opened_at": c.opened_at, "merged_at": c.merged_at,
            "verified_at": c.verified_at, "created_at": c.created_at,
        } for c in Contribution.objects.filter(applicant=user).select_related("cohort__program").order_by("pk")],
        "task_claims": [{"task": c.task.title, "repository_url": c.task.repository_url}
                        for c in TaskClaim.objects.filter(applicant=user).select_related("task").order_by("pk")],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    if (LinkedAccount.objects.filter(user=user).exists() or Contribution.objects.filter(applicant=user).exists()
            or TaskClaim.objects.filter(applicant=user).exists()):
        return [_("Your linked GitHub and GitLab accounts and task claims are removed; your contributions keep "
                  "only their kind and whether they were verified, for the program's statistics.")]
    return []


def erase_for_user(*, user) -> dict:
    accounts = LinkedAccount.objects.filter(user=user).delete()[0]
    claims = TaskClaim.objects.filter(applicant=user).delete()[0]
    contributions = Contribution.objects.filter(applicant=user).update(
        **FETCHED_PERSONAL, repository="", next_check_at=None)
    return {"linked_accounts": accounts, "task_claims": claims, "contributions_anonymised": contributions}


def purge_for_cohort(*, cohort, dry_run: bool) -> dict:
    """Notes and fetched author logins of a finished cohort; kinds, states and verification stay (statistics)."""
    personal = Contribution.objects.filter(cohort=cohort).exclude(note="", author="", api_cache={})
    counts = {"contributions.notes_and_authors": personal.count()}
    if not dry_run:
        with transaction.atomic():
            personal.update(note="", author="", api_cache={}, next_check_at=None)
    return counts
