"""What this app adds to programs' pages through their registries (programs imports nothing from here).

Each panel reads in a constant number of queries whatever the number of contributions.
"""
from django.urls import reverse

from . import selectors
from .models import ContributionPeriod

RANKING_PREVIEW = 5


def _period(cohort_id: int) -> ContributionPeriod | None:
    return ContributionPeriod.objects.filter(cohort_id=cohort_id).first()


def _contributions_panel(application, template: str, **extra) -> dict | None:
    """The application's contributions with their summary (two queries), or None without a contribution period."""
    period = _period(application.cohort_id)
    if period is None:
        return None
    contributions = selectors.contributions_of(cohort_id=application.cohort_id, applicant_id=application.applicant_id)
    return {"template": template, "period": period, "contributions": contributions,
            "summary": selectors.summary(contributions), **extra}


def review_panel(*, application, viewer) -> dict | None:
    """The review page: each contribution with its verified facts and what does not check out."""
    return _contributions_panel(application, "contributions/_review_panel.html")


def application_panel(*, application, viewer) -> dict | None:
    """The application page: the applicant sees their own record and a link to change it."""
    return _contributions_panel(application, "contributions/_application_panel.html",
                                is_owner=viewer.pk == application.applicant_id,
                                url=reverse("contributions:mine", args=[application.cohort_id]))


def dashboard_panel(cohort) -> dict | None:
    """The cohort dashboard: the applicants with the most verified merged work, and the way to the full ranking."""
    period = _period(cohort.pk)
    url = reverse("contributions:manage", args=[cohort.pk])
    if period is None:
        return {"template": "contributions/_dashboard_panel.html", "period": None, "url": url, "rows": []}
    rows = list(selectors.ranking_by_evidence(cohort)[:RANKING_PREVIEW])
    return {"template": "contributions/_dashboard_panel.html", "period": period, "url": url,
            "rows": [r for r in rows if r.verified_merged or r.verified]}
