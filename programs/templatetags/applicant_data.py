"""The applicant-data panels of the review, application and coordinator pages (programs.applicant_data).

Tags, so that each page gets its panel with a one-line include and its view stays as it is; each tag
reads a fixed number of queries, whatever the number of rows.
"""
from django import template

from .. import applicant_data

register = template.Library()


@register.simple_tag
def applicant_facts(application):
    """The applicant type's facts for one application (three or four queries)."""
    applicant_data.prefetch_applicant_data([application])
    return applicant_data.applicant_facts(application)


@register.simple_tag
def attach_applicant_labels(rows) -> str:
    """Give each ranked row its "on behalf of" label (`row.on_behalf`): one query for the page."""
    labels = applicant_data.ranked_labels([row.application for row in rows])
    for row in rows:
        row.on_behalf = labels.get(row.application.pk, "")
    return ""
