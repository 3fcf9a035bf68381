"""Retention: a finished cohort's sensitive data goes after the program's retention; statistics stay."""
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution
from mentoring.models import Concern, MeetingPrivateNote
from mentoring.selectors.statistics import program_statistics
from privacy import services, tasks
from privacy.models import CohortPurge
from programs.models import Answer, Application
from programs.setup_models import ScreeningAnswer, ScreeningOutcome

from .scenario import everything_person

pytestmark = pytest.mark.django_db


def _finish(cohort, *, months_ago: int):
    """Move a cohort into the past: it ended `months_ago` months (of 31 days) ago."""
    ends_on = timezone.localdate() - dt.timedelta(days=31 * months_ago)
    starts_on = ends_on - dt.timedelta(days=90)
    opened = timezone.make_aware(dt.datetime.combine(starts_on - dt.timedelta(days=40), dt.time(12)))
    type(cohort).objects.filter(pk=cohort.pk).update(
        ends_on=ends_on, starts_on=starts_on, applications_open_at=opened,
        applications_close_at=opened + dt.timedelta(days=20), review_deadline=opened + dt.timedelta(days=30),
        midpoint_evaluation_due=None, final_evaluation_due=None,
    )


def _numbers(program):
    return [(r.cohort.pk, r.applications, r.accepted, r.mentorships, r.completed, r.ended_early,
             r.rating_about_mentee, r.rating_about_mentor) for r in program_statistics(program=program)["rows"]]


def _main(response) -> str:
    """The page's content, without the per-request CSRF token of the header's forms."""
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


@pytest.fixture
def finished():
    person = everything_person()
    program = person.cohort_a.program
    program.retention_months = 6
    program.save()
    _finish(person.cohort_a, months_ago=7)  # past its retention
    _finish(person.cohort_b, months_ago=2)  # finished, but still within it
    return person


def test_dry_run_lists_what_would_go_and_changes_nothing(finished):
    cv_path = Path(finished.application.cv.path)
    out = StringIO()
    call_command("purge_sensitive_data", "--dry-run", stdout=out)
    output = out.getvalue()
    assert f"Cohort {finished.cohort_a.pk}" in output and f"Cohort {finished.cohort_b.pk}" not in output
    assert "would purge 2 contributions.notes_and_authors, 1 mentoring.concern_texts, 2 mentoring.private_notes, " \
        "1 programs.cvs, 2 programs.screening_answers, 1 programs.screening_reasons, 1 programs.sensitive_answers" \
        in output
    assert "Dry run: nothing was changed." in output
    assert cv_path.exists()
    assert Answer.objects.filter(value="ZEPHYR-sensitive answer").exists()
    assert MeetingPrivateNote.objects.filter(meeting__mentorship__cohort=finished.cohort_a).count() == 2
    assert ScreeningAnswer.objects.filter(cohort=finished.cohort_a).count() == 2
    assert Concern.objects.get(cohort=finished.cohort_a).body == "ZEPHYR is worried"
    assert Contribution.objects.filter(cohort=finished.cohort_a).exclude(note="").count() == 2
    assert not CohortPurge.objects.exists()


def test_the_real_run_purges_sensitive_data_and_the_statistics_stay_the_same(client, finished,
                                                                             django_capture_on_commit_callbacks):
    program = finished.cohort_a.program
    cv_path = Path(finished.application.cv.path)
    before = _numbers(program)
    client.force_login(finished.coordinator)
    stats_url = reverse("mentoring:program_statistics", args=[program.slug])
    page_before = _main(client.get(stats_url))

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_sensitive_data", stdout=out)
    assert f"Cohort {finished.cohort_a.pk}" in out.getvalue() and "purged" in out.getvalue()

    assert not cv_path.exists()
    assert Application.objects.get(pk=finished.application.pk).cv == ""
    assert Answer.objects.get(question__sensitive=True).value == ""
    assert Answer.objects.filter(value="ZEPHYR built a star tracker").exists()  # not sensitive: kept
    assert not MeetingPrivateNote.objects.filter(meeting__mentorship__cohort=finished.cohort_a).exists()
    assert MeetingPrivateNote.objects.filter(meeting__mentorship__cohort=finished.cohort_b).count() == 2
    purge = CohortPurge.objects.get(cohort=finished.cohort_a)
    assert {name: count for name, count in purge.removed.items() if count} == {
        "programs.cvs": 1, "programs.sensitive_answers": 1, "mentoring.private_notes": 2,
        "programs.screening_answers": 2, "programs.screening_reasons": 1, "mentoring.concern_texts": 1,
        "contributions.notes_and_authors": 2}
    # The later apps' sensitive texts go; what the statistics and the records count stays.
    assert not ScreeningAnswer.objects.filter(cohort=finished.cohort_a).exists()
    assert ScreeningOutcome.objects.get(application=finished.application).reasons == []
    concern = Concern.objects.get(cohort=finished.cohort_a)
    assert (concern.body, concern.reply, concern.status) == ("", "", Concern.Status.OPEN)
    assert Concern.objects.get(cohort=finished.cohort_b).body == "OTHERWORD is worried"  # not due yet
    contributions = Contribution.objects.filter(cohort=finished.cohort_a)
    assert contributions.count() == 2 and set(contributions.values_list("note", "author", "kind")) == {("", "", "change")}
    row = next(r for r in before if r[0] == finished.cohort_a.pk)
    assert purge.statistics["applications"] == row[1] and purge.statistics["mentorships"] == row[3]

    assert _numbers(program) == before
    assert _main(client.get(stats_url)) == page_before
    assert str(row[1]) in page_before

    # A second run finds nothing to do.
    out = StringIO()
    call_command("purge_sensitive_data", stdout=out)
    assert "No cohort is due" in out.getvalue()


def test_the_beat_task_runs_the_same_purge(finished, django_capture_on_commit_callbacks):
    assert django_settings.CELERY_BEAT_SCHEDULE["privacy-purge-finished-cohorts"]["task"] == \
        "privacy.tasks.purge_finished_cohorts"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_finished_cohorts.apply().get() == 1
    assert CohortPurge.objects.filter(cohort=finished.cohort_a).exists()
    assert not CohortPurge.objects.filter(cohort=finished.cohort_b).exists()


@pytest.mark.parametrize(("ends_on", "months", "due"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
    (dt.date(2026, 5, 1), 0, dt.date(2026, 5, 1)),
])
def test_the_purge_date_is_the_end_plus_the_retention_months(ends_on, months, due):
    from programs.models import Cohort, Program

    cohort = Cohort(ends_on=ends_on, program=Program(retention_months=months))
    assert services.purge_due_date(cohort) == due
