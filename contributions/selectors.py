"""Reads for the contribution pages, permission-scoped (404 for missing and forbidden alike), in constant queries."""
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from programs.models import Cohort
from programs.selectors import cohort_get_visible, reviewable_applications

from .models import Contribution, ContributionPeriod, ContributionTask, LinkedAccount, TaskClaim


def period_get_visible(*, user, cohort_pk: int) -> ContributionPeriod:
    """The contribution period of a cohort the person may see; 404 when the cohort has none."""
    cohort = cohort_get_visible(user=user, pk=cohort_pk)
    period = ContributionPeriod.objects.filter(cohort=cohort).first()
    if period is None:
        raise Http404
    period.cohort = cohort
    return period


def tasks_of(period: ContributionPeriod, *, user=None) -> list[ContributionTask]:
    """The period's tasks with places taken, whether `user` took each, and their prerequisites (three queries)."""
    qs = period.tasks.annotate(taken=Count("claims")).prefetch_related(
        Prefetch("prerequisites", queryset=ContributionTask.objects.only("pk", "title")))
    tasks = list(qs)
    mine = set(TaskClaim.objects.filter(task__period=period, applicant=user).values_list("task_id", flat=True)) if user else set()
    for task in tasks:
        task.mine = task.pk in mine
        task.places_left = max(0, task.places - task.taken)
    return tasks


def contributions_of(*, cohort_id: int, applicant_id: int) -> list[Contribution]:
    return list(Contribution.objects.filter(cohort_id=cohort_id, applicant_id=applicant_id).defer("api_cache"))


def linked_accounts(*, user) -> dict[str, LinkedAccount]:
    return {a.platform: a for a in LinkedAccount.objects.filter(user=user)}


def contribution_get_for_owner(*, user, pk: int) -> Contribution:
    contribution = Contribution.objects.filter(pk=pk, applicant_id=user.pk).select_related("cohort").first()
    if contribution is None:
        raise Http404
    return contribution


def task_get_for_applicant(*, user, pk: int) -> ContributionTask:
    task = ContributionTask.objects.filter(pk=pk).select_related("period__cohort__program").first()
    if task is None:
        raise Http404
    cohort_get_visible(user=user, pk=task.period.cohort_id)
    return task


def summary(contributions: list[Contribution]) -> dict:
    return {
        "total": len(contributions),
        "checked_out": sum(c.checks_out for c in contributions),
        "merged": sum(c.merged for c in contributions),
        "flagged": sum(bool(c.flags) for c in contributions),
    }


def _merged_count(field: str = "applicant_id"):
    merged = (Contribution.objects.merged().filter(cohort_id=OuterRef("cohort_id"), applicant_id=OuterRef(field))
              .order_by().values("applicant_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(merged, output_field=IntegerField()), Value(0))


def ranking_by_evidence(cohort: Cohort):
    """Reviewable applications, most verified merged contributions first (then the review ranking, then id)."""
    checked = (Contribution.objects.checked_out().filter(cohort_id=OuterRef("cohort_id"), applicant_id=OuterRef("applicant_id"))
               .order_by().values("applicant_id").annotate(n=Count("pk")).values("n"))
    flagged = (Contribution.objects.filter(cohort_id=OuterRef("cohort_id"), applicant_id=OuterRef("applicant_id"))
               .exclude(Q(verified_at__isnull=False, author_matches=True, repository_counts=True, in_window=True))
               .order_by().values("applicant_id").annotate(n=Count("pk")).values("n"))
    return (
        reviewable_applications(cohort).select_related("applicant__profile")
        .only("pk", "status", "cohort_id", "applicant_id", "normalised_score", "review_total",
              "applicant__email", "applicant__profile__display_name")
        .annotate(verified_merged=_merged_count(),
                  verified=Coalesce(Subquery(checked, output_field=IntegerField()), Value(0)),
                  flagged=Coalesce(Subquery(flagged, output_field=IntegerField()), Value(0)))
        .order_by("-verified_merged", "-verified", "-normalised_score", "pk")
    )



def verified_work(*, cohort_id: int, applicant_ids) -> list[tuple]:
    """(applicant id, kind, state, languages, topics, repository) of every contribution that checks out, for matching
    (one query; `applicant_ids` may be a subquery)."""
    return list(
        Contribution.objects.checked_out().filter(cohort_id=cohort_id, applicant_id__in=applicant_ids)
        .order_by("applicant_id", "pk").values_list("applicant_id", "kind", "state", "languages", "topics", "repository")
    )
