from django import template

from ..selectors import money_text

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount with its currency, in the currency's smallest unit."""
    return money_text(value) if value is not None else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
