"""One way to write each kind of time: ``|day``, ``|moment`` and ``|ago``.

- ``{{ value|day }}``: a calendar date in the reader's language ("Nov. 30, 2026", "30 de noviembre de 2026").
- ``{{ value|moment }}``: a date and time in the reader's time zone, with the zone named
  ("Nov. 30, 2026, 2:05 p.m. (America/Lima)").
- ``{{ value|ago }}``: relative to now ("3 days ago", "in 2 days").
- ``{{ value|days_old }}``: whole days since a moment (0 on the first day).

Each filter takes a date, an aware datetime, or an RFC 2822 string (e-mail ``Date`` headers);
anything else, including ``None``, gives an empty string so ``|default:"—"`` works.
"""

import datetime
from email.utils import parsedate_to_datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturalday, naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


def _coerce(value):
    if isinstance(value, str):
        try:
            value = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return timezone.localtime(value)
    if isinstance(value, datetime.date):
        return value
    return None


def zone_name() -> str:
    """The name of the zone times are shown in (the reader's own, else the site's)."""
    return str(timezone.get_current_timezone_name())


@register.filter
def day(value) -> str:
    value = _coerce(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return date_format(value, "DATE_FORMAT")


@register.filter
def moment(value) -> str:
    value = _coerce(value)
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return date_format(value, "DATE_FORMAT")
    return _("%(when)s %(zone)s") % {"when": date_format(value, "DATETIME_FORMAT"), "zone": zone_name()}


@register.filter
def ago(value) -> str:
    value = _coerce(value)
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return str(naturalday(value))
    return str(naturaltime(value))


@register.filter
def days_old(value):
    value = _coerce(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return max((timezone.localdate() - value).days, 0)


@register.simple_tag
def current_zone() -> str:
    return zone_name()
