"""The one notion of "today" for cohort dates.

A cohort's calendar dates (mentorships start and end, evaluation due dates) are days in the
site's zone (settings.TIME_ZONE), whoever is looking and wherever they are: every page,
reminder and selector that compares a cohort date with "today" asks this function.
"""
import datetime as dt

from django.utils import timezone


def cohort_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day of `now` (default: this moment) in the site's zone."""
    return timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
