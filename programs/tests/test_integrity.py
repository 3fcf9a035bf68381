"""Issue 10 (integrity), the programs part: one test named after each finding.

Each of these failed on the main branch before the fix (see the issue) and passes now.
"""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import make_mentee
from programs.dates import cohort_today
from programs.models import Cohort, Phase
from programs.tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


# --- Finding 8: one home for the cohort phase and for "today" --------------------------------------

BASE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # near midnight, so the site's zone changes the day
ZONES = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kathmandu"]
minutes = st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60)
days = st.integers(min_value=-3, max_value=3)


@st.composite
def cohort_fields(draw):
    opens = BASE + timedelta(minutes=draw(minutes))
    starts = BASE.date() + timedelta(days=draw(days))
    return {
        "rolling": draw(st.booleans()),
        "applications_open_at": opens,
        "applications_close_at": draw(st.none() | st.integers(1, 3 * 24 * 60).map(lambda m: opens + timedelta(minutes=m))),
        "review_deadline": draw(st.none() | minutes.map(lambda m: BASE + timedelta(minutes=m))),
        "starts_on": starts,
        "ends_on": starts + timedelta(days=draw(st.integers(0, 3))),
        "phase_override": draw(st.sampled_from(["", "", "", *Phase.values])),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.lists(cohort_fields(), min_size=1, max_size=6),
    now_offsets=st.lists(minutes, min_size=1, max_size=4),
    zone=st.sampled_from(ZONES),
)
def test_finding_08_sql_phase_and_python_phase_are_one_rule(fields, now_offsets, zone):
    """The SQL form (Cohort.objects.with_phase / in_phase) and Cohort.phase_at agree, on this database."""
    program = ProgramFactory()
    cohorts = Cohort.objects.bulk_create(Cohort(program=program, name=f"c{i}", **f) for i, f in enumerate(fields))
    try:
        with override_settings(TIME_ZONE=zone):
            for offset in now_offsets:
                now = BASE + timedelta(minutes=offset)
                in_sql = dict(Cohort.objects.filter(program=program).with_phase(now).values_list("pk", "current_phase"))
                in_python = {c.pk: c.phase_at(now) for c in Cohort.objects.filter(program=program)}
                assert in_sql == in_python
                for phase in Phase.values:
                    selected = set(Cohort.objects.filter(program=program).in_phase(phase, now=now).values_list("pk", flat=True))
                    assert selected == {pk for pk, p in in_python.items() if p == phase}
    finally:
        Cohort.objects.filter(pk__in=[c.pk for c in cohorts]).delete()
        program.delete()


def test_finding_08_cohort_today_is_the_site_zone_day():
    late_evening_utc = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with override_settings(TIME_ZONE="Pacific/Kiritimati"):  # UTC+14: already 1 December
        assert cohort_today(late_evening_utc) == date(2026, 12, 1)
        with timezone.override("America/Los_Angeles"):  # whoever is looking
            assert cohort_today(late_evening_utc) == date(2026, 12, 1)


def test_finding_08_open_calls_use_the_one_phase_rule(client):
    now = timezone.now()
    forced_open = CohortFactory(
        name="Forced open", applications_open_at=now - timedelta(days=30), applications_close_at=now - timedelta(days=2),
        phase_override=Phase.ACCEPTING,
    )
    finished_rolling = CohortFactory(
        name="Finished rolling", rolling=True, applications_close_at=None,
        applications_open_at=now - timedelta(days=400), review_deadline=None,
        starts_on=(now - timedelta(days=390)).date(), ends_on=(now - timedelta(days=10)).date(),
    )
    forced_closed = CohortFactory(name="Forced closed", phase_override=Phase.REVIEWING)
    person = make_mentee(name="Looking")
    client.force_login(person)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    open_calls = html.split("Open calls")[1]
    assert forced_open.get_absolute_url() in open_calls
    assert finished_rolling.get_absolute_url() not in open_calls
    assert forced_closed.get_absolute_url() not in open_calls
    # The catalog tells the same story.
    catalog = client.get(reverse("programs:catalog")).content.decode()
    assert forced_open.get_absolute_url() in catalog
    assert finished_rolling.get_absolute_url() not in catalog and forced_closed.get_absolute_url() not in catalog


def test_finding_08_open_calls_link_to_the_catalog_when_there_are_more(client):
    person = make_mentee(name="Looking")
    client.force_login(person)
    cohorts = [CohortFactory() for _ in range(3)]
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert all(c.get_absolute_url() in html for c in cohorts)
    assert "See all open calls" not in html

    CohortFactory()  # a fourth one
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "See all open calls" in html and reverse("programs:catalog") in html.split("Open calls")[1]
