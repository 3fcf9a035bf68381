"""Links and figures from the program work into pages of the apps below (their templates include ours)."""
from django import template

from .. import rules, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def is_ambassador(context, cohort) -> bool:
    return rules.is_ambassador(context["request"].user, cohort)


@register.simple_tag
def ambassador_reach(program) -> list:
    """[(cohort, reach row or None)] for the statistics page of an ambassadors program; one query."""
    reach = selectors.ambassador_reach(program)
    return [(cohort, reach.get(cohort.pk)) for cohort in program.cohorts.order_by("starts_on", "pk")]
