"""Template helpers for mentoring pages and for the program page's alumni list."""
from django import template

from ..selectors import alumni_for_program

register = template.Library()


@register.inclusion_tag("mentoring/alumni_list.html")
def program_alumni(program):
    """`{% load mentoring_tags %}{% program_alumni program %}`: the program's alumni who agreed to be listed."""
    return {"alumni": alumni_for_program(program), "program": program}


@register.filter
def percent_class(value) -> str:
    """A width utility class (w-0 … w-100 in site.css) for a progress bar, without inline styles."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    return f"w-{max(0, min(100, number))}"
