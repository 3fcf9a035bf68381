"""What a program kind means for applicants (programs.kinds), for the catalog and the program pages."""
from django import template

from .. import kinds

register = template.Library()


@register.simple_tag
def kind_rules(program_kind):
    return kinds.kind_rules(program_kind)
