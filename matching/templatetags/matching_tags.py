"""Matching in templates: reasons in the reader's language, score breakdowns, and the suggestion boxes.

The suggestion tags let programs' templates show matching suggestions without programs importing matching:
    {% load matching_tags %}
    {% suggested_mentors application %}            (application form: mentors who fit, for the applicant)
    {% best_fit_applicants cohort request.user %}  (review queue: applications that fit this mentor)
"""
from django import template

from ..engine import COMPONENTS
from ..models import COMPONENT_LABELS
from ..reasons import COORDINATOR, reasons_for

register = template.Library()


@register.filter
def reasons(facts, viewer=COORDINATOR):
    """Sentences for a facts dict (a proposal's `facts`)."""
    return reasons_for(facts or {}, viewer=viewer)


@register.filter
def breakdown_rows(components):
    """Rows for the components that count in this run (weight above 0), biggest contribution first:
    name, label, fit in % and points out of the points a perfect fit would earn."""
    values = (components or {}).get("values", {})
    points = (components or {}).get("points", {})
    weights = (components or {}).get("weights")
    rows = [
        {
            "name": c, "label": COMPONENT_LABELS[c], "percent": max(0, min(100, round(100 * float(values.get(c, 0))))),
            "points": points.get(c, 0), "out_of": (weights or {}).get(c),
        }
        for c in COMPONENTS
        if c in points and (weights is None or weights.get(c, 0) > 0)
    ]
    return sorted(rows, key=lambda r: -r["points"])


@register.inclusion_tag("matching/_suggested_mentors.html", takes_context=True)
def suggested_mentors(context, application, k=5):
    """Mentors who fit; a name links to the profile only when the viewer may open it (else the link would 404)."""
    from accounts.selectors import profile_visible_to

    from ..selectors import top_mentors_for_application

    suggestions = top_mentors_for_application(application, k=k)
    viewer = context["request"].user if "request" in context else None
    linked = {
        s.mentor.pk for s in suggestions
        if viewer is not None and getattr(s.mentor, "profile", None) is not None
        and profile_visible_to(viewer=viewer, profile=s.mentor.profile)
    }
    return {"suggestions": suggestions, "application": application, "linked": linked}


BEST_FIT_CACHE_SECONDS = 600


@register.inclusion_tag("matching/_best_fit_applicants.html")
def best_fit_applicants(cohort, mentor, k=10):
    """Scoring a whole cohort for one mentor takes a moment on large cohorts: keep it for ten minutes."""
    from django.core.cache import cache

    from ..selectors import best_fit_applications_for_mentor

    key = f"matching:best-fit:{cohort.pk}:{mentor.pk}:{k}"
    suggestions = cache.get(key)
    if suggestions is None:
        suggestions = best_fit_applications_for_mentor(cohort, mentor, k=k)
        try:
            cache.set(key, suggestions, BEST_FIT_CACHE_SECONDS)
        except Exception:  # a cache outage must not break the review queue
            pass
    return {"suggestions": suggestions, "cohort": cohort}
