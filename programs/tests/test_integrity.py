"""Issue 10 (integrity), the programs part: one test named after each finding.

Each of these failed on the main branch before the fix (see the issue) and passes now.
"""
import csv
import importlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import make_mentee
from conftest import require
from notifications.models import Notification
from programs import services
from programs.dates import cohort_today
from programs.models import Answer, Application, Cohort, Phase
from programs.tests.factories import ApplicationFactory, CohortFactory, ProgramFactory, cohort_scenario
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


# --- Finding 8: one home for the cohort phase and for "today" --------------------------------------

BASE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # near midnight, so the site's zone changes the day
ZONES = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kathmandu"]
# Offsets in minutes, sometimes with a sliver of a second, so that equal times and near-equal ones both occur.
minutes = st.builds(
    lambda m, us: timedelta(minutes=m, microseconds=us),
    st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60), st.sampled_from([0, 0, 0, 1, 500_000]),
)
days = st.integers(min_value=-3, max_value=3)


@st.composite
def cohort_fields(draw):
    opens = BASE + draw(minutes)
    starts = BASE.date() + timedelta(days=draw(days))
    return {
        "rolling": draw(st.booleans()),
        "applications_open_at": opens,
        "applications_close_at": draw(st.none() | st.integers(1, 3 * 24 * 60).map(lambda m: opens + timedelta(minutes=m))),
        "review_deadline": draw(st.none() | minutes.map(lambda m: BASE + m)),
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
                now = BASE + offset
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


# --- Finding 7: a submitted application stays valid --------------------------------------------------


def _submitted_through_the_page(client, scenario, person):
    built, github = scenario.questions
    client.force_login(person)
    response = client.post(reverse("programs:application_edit", args=[scenario.cohort.pk]), {
        "goals": "Maintain a package.", "motivation": "Because.", "hours_per_week": "5",
        f"question_{built.pk}": "A pipeline.", f"question_{github.pk}": "https://github.com/ana", "action": "submit",
    })
    assert response.status_code == 302
    application = Application.objects.get(applicant=person, cohort=scenario.cohort)
    assert application.status == Application.Status.SUBMITTED
    return application


def test_finding_07_edit_after_submit_cannot_drop_required_answer(client):
    scenario = cohort_scenario(applications=0)
    built, github = scenario.questions
    person = make_mentee(name="Ana")
    application = _submitted_through_the_page(client, scenario, person)

    response = client.post(reverse("programs:application_edit", args=[scenario.cohort.pk]), {
        "goals": "New goals I just typed.", "motivation": "Because.", "hours_per_week": "5",
        f"question_{built.pk}": "", f"question_{github.pk}": "https://github.com/ana", "action": "save",
    })

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="error_1_id_question_{built.pk}"' in html  # the error sits under the emptied answer
    assert "This is needed to submit." in html
    assert "New goals I just typed." in html  # nothing typed is lost
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.goals == "Maintain a package."  # the stored application is unchanged
    assert application.answers.get(question=built).value == "A pipeline."


def test_finding_07_invalid_edit_after_submit_changes_nothing(client):
    scenario = cohort_scenario(applications=0)
    built, github = scenario.questions
    person = make_mentee(name="Ana")
    application = _submitted_through_the_page(client, scenario, person)

    response = client.post(reverse("programs:application_edit", args=[scenario.cohort.pk]), {
        "goals": "Changed goals.", "motivation": "Because.", "hours_per_week": "5",
        f"question_{built.pk}": "Another pipeline.", f"question_{github.pk}": "not a link", "action": "save",
    })

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="error_1_id_question_{github.pk}"' in html and 'value="not a link"' in html
    application.refresh_from_db()
    assert application.goals == "Maintain a package."
    assert application.answers.get(question=built).value == "A pipeline."


def test_finding_07_every_door_refuses_an_edit_that_makes_a_submitted_application_incomplete():
    scenario = cohort_scenario(applications=1)
    application = scenario.applications[0]  # submitted, with the required answer
    built = scenario.questions[0]
    with pytest.raises(services.IncompleteApplication) as refused:
        services.application_save(
            application=application, actor=application.applicant, data={"goals": "   "},
            answers={built.pk: ""}, preferences=[],
        )
    assert set(refused.value.missing) == {"goals", built.pk}
    application.refresh_from_db()
    assert application.goals.strip() and application.answers.get(question=built).value


def test_finding_07_an_empty_answer_box_never_shows_unsaved_profile_text(client):
    scenario = cohort_scenario(applications=0)
    person = make_mentee(name="Ana", career_goals="Become a maintainer.", hours_per_week=7)
    client.force_login(person)
    client.post(reverse("programs:application_edit", args=[scenario.cohort.pk]), {"goals": "", "action": "save"})
    application = Application.objects.get(applicant=person)
    assert application.goals == ""

    html = client.get(reverse("programs:application_edit", args=[scenario.cohort.pk])).content.decode()

    assert "Become a maintainer." not in html


# --- Finding 9: the per-season limit ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_finding_09_season_limit_holds_under_concurrent_submits():
    require(connection.vendor == "postgresql", "the race needs Postgres (set DATABASE_URL)")
    person = make_mentee(name="Eager")
    program = ProgramFactory()
    drafts = []
    for i in range(6):
        cohort = CohortFactory(program=program, name=f"Term {i}", season="Autumn", max_applications_per_season=2)
        drafts.append(ApplicationFactory(
            cohort=cohort, applicant=person, status=Application.Status.DRAFT, submitted_at=None,
        ))

    results = run_concurrently(lambda draft: services.application_submit(application=draft, actor=person), drafts)

    submitted = Application.objects.filter(applicant=person, status=Application.Status.SUBMITTED).count()
    assert submitted == 2
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 4, results
    assert all("share this limit" in " ".join(r.messages) for r in refused)


def test_finding_09_cohort_page_shows_the_season_limit_in_words_and_the_deadline(client):
    program = ProgramFactory(name="Open Science")
    cohort = CohortFactory(program=program, name="Term 4", season="2026-T4", max_applications_per_season=3)
    sibling = CohortFactory(program=ProgramFactory(name="Data Labs"), name="Term 4", season="2026-T4",
                            max_applications_per_season=3)
    person = make_mentee(name="Reader")
    ApplicationFactory(cohort=sibling, applicant=person)
    client.force_login(person)

    html = client.get(cohort.get_absolute_url()).content.decode()

    take_part = html.split('id="take-part"')[1]
    assert "at most 3 applications to this cohort and the cohorts that share its limit" in take_part
    assert "Data Labs · Term 4" in take_part and "You have submitted 1 of 3." in take_part
    assert "2026-T4" not in html  # never the season's code
    closes = timezone.localtime(cohort.applications_close_at)
    assert f"Applications close: {formats.date_format(closes, 'DATETIME_FORMAT')}" in take_part


# --- Finding 10: opening the apply page writes nothing ----------------------------------------------


def test_finding_10_opening_apply_page_writes_nothing(client):
    scenario = cohort_scenario(applications=0)
    person = make_mentee(name="Curious")
    client.force_login(person)

    response = client.get(reverse("programs:application_edit", args=[scenario.cohort.pk]))

    assert response.status_code == 200 and "Save draft" in response.content.decode()
    assert not Application.objects.filter(applicant=person).exists()
    # No phantom draft for the coordinator or in the person's own list.
    assert "Curious" not in client.get(reverse("programs:my_applications")).content.decode()
    assert scenario.cohort.get_absolute_url() not in client.get(reverse("programs:my_applications")).content.decode()
    client.force_login(scenario.coordinator)
    dashboard = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk])).content.decode()
    assert '<span class="fw-semibold" data-status="draft">0</span>' in dashboard


def test_finding_10_the_first_save_starts_the_draft(client):
    scenario = cohort_scenario(applications=0)
    person = make_mentee(name="Curious")
    client.force_login(person)
    response = client.post(reverse("programs:application_edit", args=[scenario.cohort.pk]),
                           {"goals": "First words.", "action": "save"})
    assert response.status_code == 302
    application = Application.objects.get(applicant=person, cohort=scenario.cohort)
    assert application.status == Application.Status.DRAFT and application.goals == "First words."


# --- One CSV export for the coordinator's page and the admin ---------------------------------------


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_coordinator_page_and_the_admin_export_the_same_formula_safe_csv(client, admin_client):
    scenario = cohort_scenario(applications=2)
    first = scenario.applications[0]
    first.goals = '=HYPERLINK("http://evil.example")'
    first.save()
    ApplicationFactory(cohort=scenario.cohort, status=Application.Status.DRAFT, submitted_at=None)
    client.force_login(scenario.coordinator)

    from_page = _csv(client.get(reverse("programs:export_csv", args=[scenario.cohort.pk])))
    from_admin = _csv(admin_client.post(
        reverse("admin:programs_cohort_changelist"),
        {"action": "export_applications_csv", "_selected_action": [scenario.cohort.pk]},
    ))

    assert from_page == from_admin
    header, *rows = from_page
    assert len(rows) == 2  # drafts are not applications yet, at either door
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in from_page for cell in row)


def test_finding_10_phantom_drafts_from_old_page_views_are_removed_and_saved_drafts_kept():
    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0003_remove_phantom_drafts")
    scenario = cohort_scenario(applications=0)
    blank = {"status": Application.Status.DRAFT, "submitted_at": None, "goals": "", "motivation": ""}
    phantom = ApplicationFactory(cohort=scenario.cohort, **blank)  # opened, never saved
    saved_empty = ApplicationFactory(cohort=scenario.cohort, **blank)
    Application.objects.filter(pk=saved_empty.pk).update(updated_at=F("created_at") + timedelta(minutes=5))
    answered = ApplicationFactory(cohort=scenario.cohort, **blank)
    Answer.objects.create(application=answered, question=scenario.questions[0], value="")
    with_goals = ApplicationFactory(cohort=scenario.cohort, **{**blank, "goals": "Something."})

    migration.remove_phantom_drafts(apps, None)

    assert set(Application.objects.values_list("pk", flat=True)) == {saved_empty.pk, answered.pk, with_goals.pk}
    assert not Application.objects.filter(pk=phantom.pk).exists()


def test_finding_08_reminders_use_the_one_phase_rule():
    """No "your draft closes soon" for a cohort a coordinator already moved on to reviewing."""
    from programs.reminders import draft_closing

    now = timezone.now()
    closing_soon = {"applications_open_at": now - timedelta(days=9), "applications_close_at": now + timedelta(hours=20)}
    open_cohort = CohortFactory(**closing_soon)
    moved_on = CohortFactory(**closing_soon, phase_override=Phase.REVIEWING)
    reminded = make_mentee(name="Reminded")
    not_reminded = make_mentee(name="Not reminded")
    blank = {"status": Application.Status.DRAFT, "submitted_at": None}
    ApplicationFactory(cohort=open_cohort, applicant=reminded, **blank)
    ApplicationFactory(cohort=moved_on, applicant=not_reminded, **blank)

    draft_closing(now=now)

    assert Notification.objects.filter(user=reminded, kind="application_reminder").count() == 1
    assert not Notification.objects.filter(user=not_reminded).exists()
