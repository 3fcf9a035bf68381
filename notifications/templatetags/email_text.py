"""Filters for email templates: how much time is left, said as a person would say it."""
from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def time_left(moment, now=None) -> str:
    """ "in 5 hours", "tomorrow", "in 3 days", from `now` (the render time if not given), in the current
    time zone (the recipient's, when an email is rendered). Within a day it counts hours."""
    if not moment:
        return ""
    now = now or timezone.now()
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return _("now")
    hours = round(seconds / 3600)
    if hours <= 24:
        hours = max(hours, 1)
        return ngettext("in %(n)d hour", "in %(n)d hours", hours) % {"n": hours}
    days = (timezone.localtime(moment).date() - timezone.localtime(now).date()).days
    if days <= 1:
        return _("tomorrow")
    return ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
