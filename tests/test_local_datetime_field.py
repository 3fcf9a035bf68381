"""A local time in a daylight-saving gap or repeat gets a plain message beside the field, on every form
that takes a date and time (meetings; cohort dates in the admin)."""
import zoneinfo

import pytest
from django.utils import timezone

from mentoring.forms import MeetingForm
from mentorship.fields import LocalDateTimeField, LocalSplitDateTimeField

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def in_new_york():
    with timezone.override(NEW_YORK):
        yield


def _error(field, value):
    with pytest.raises(Exception) as info:
        field.clean(value)
    return " ".join(info.value.messages)


def test_a_time_the_clocks_skip_is_explained_with_a_time_that_exists(in_new_york):
    message = _error(LocalDateTimeField(), "2026-03-08 02:30")
    assert "02:30" in message and "does not exist in America/New_York" in message
    assert "clocks jump forward" in message and "such as 03:30" in message
    assert "interpreted" not in message  # not Django's technical wording


def test_a_time_that_happens_twice_is_explained(in_new_york):
    message = _error(LocalDateTimeField(), "2026-11-01 01:30")
    assert "happens twice in America/New_York" in message and "clocks go back" in message


def test_ordinary_times_and_other_errors_are_unchanged(in_new_york):
    assert LocalDateTimeField().clean("2026-03-08 03:30").isoformat() == "2026-03-08T03:30:00-04:00"
    assert "Enter a valid date/time" in _error(LocalDateTimeField(), "not a date")


def test_the_admin_pair_of_date_and_time_says_the_same(in_new_york):
    assert "does not exist" in _error(LocalSplitDateTimeField(), ["2026-03-08", "02:15"])


def test_the_meeting_form_shows_it_beside_the_start_time(in_new_york):
    form = MeetingForm(
        {"starts_at": "2026-03-08T02:30", "duration_minutes": 30, "location": "Video call", "agenda": "Plan"},
        tz_name="America/New_York",
    )
    assert not form.is_valid()
    assert "does not exist in America/New_York" in " ".join(form.errors["starts_at"])
    assert form["agenda"].value() == "Plan"  # nothing typed is lost


@pytest.mark.django_db
def test_cohort_dates_in_the_admin_use_the_clear_message(rf, admin_user, in_new_york):
    from django.contrib.admin.sites import site

    from programs.models import Cohort

    request = rf.get("/admin/programs/cohort/add/")
    request.user = admin_user
    field = site._registry[Cohort].get_form(request).base_fields["applications_close_at"]
    assert "does not exist in America/New_York" in _error(field, ["2026-03-08", "02:30"])
