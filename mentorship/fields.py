"""Form fields shared by every app.

LocalDateTimeField / LocalSplitDateTimeField: a wall-clock date and time typed in the person's time zone.
When the clocks change, some local times never happen (spring forward) and some happen twice (fall back);
Django then says "… couldn't be interpreted in time zone …; it may be ambiguous or it may not exist."
These fields say instead which of the two it is, in plain words, and suggest a time that exists.
"""
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _


def _wall(value: datetime) -> str:
    return formats.time_format(value, "H:i")


def local_time_error(naive: datetime, zone) -> ValidationError:
    """The message for a local time that does not exist or is ambiguous in ``zone``."""
    params = {"time": _wall(naive), "date": formats.date_format(naive, "DATE_FORMAT"), "zone": str(zone)}
    earlier = naive.replace(tzinfo=zone, fold=0)
    after_gap = earlier.astimezone(UTC).astimezone(zone)
    if after_gap.replace(tzinfo=None) != naive:
        params["suggestion"] = _wall(after_gap)
        return ValidationError(
            _("%(time)s on %(date)s does not exist in %(zone)s: the clocks jump forward that night. "
              "Choose another time, such as %(suggestion)s.") % params,
            code="nonexistent_local_time",
        )
    return ValidationError(
        _("%(time)s on %(date)s happens twice in %(zone)s: the clocks go back that night. "
          "Choose a time outside that hour, so that everyone knows which one you mean.") % params,
        code="ambiguous_local_time",
    )


def _clear(exc: ValidationError) -> ValidationError:
    if getattr(exc, "code", None) == "ambiguous_timezone" and exc.params:
        return local_time_error(exc.params["datetime"], exc.params["current_timezone"])
    return exc


class LocalDateTimeField(forms.DateTimeField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise _clear(exc) from exc


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date + time pair, with the same message."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError as exc:
            raise _clear(exc) from exc
