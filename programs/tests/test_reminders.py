"""Walk a cohort's timeline with a frozen clock and check exactly which reminders each person gets."""
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.tests.factories import make_mentee
from notifications.models import Notification
from notifications.reminders import scan_due
from notifications.services import dispatch_pending
from programs import services
from programs.models import Application
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db
START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def walk(until: datetime, *, step=timedelta(hours=1), start=START, capture):
    """What beat does: the due-scan, and the sweep that sends what was held for quiet hours."""
    now = start
    while now <= until:
        with time_machine.travel(now, tick=False):
            with capture(execute=True):
                scan_due()
                dispatch_pending()
        now += step


def received(user):
    return Counter(m.subject for m in mail.outbox if m.to == [user.email])


def test_cohort_timeline_reminders_each_sent_once(django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_QUIET_HOURS = (23, 5)
    program = ProgramFactory(name="Open Source Internships")
    cohort = CohortFactory(
        program=program,
        applications_open_at=START, applications_close_at=START + timedelta(days=10),
        review_deadline=START + timedelta(days=17), starts_on=(START + timedelta(days=25)).date(),
        ends_on=(START + timedelta(days=100)).date(),
    )
    mentor = EnrollmentFactory(cohort=cohort).mentor
    drafter = make_mentee(name="Drafter", tz="UTC")
    submitter = make_mentee(name="Submitter", tz="UTC")
    with time_machine.travel(START + timedelta(hours=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        draft, _ = services.application_start(applicant=drafter, cohort=cohort)
        submitted, _ = services.application_start(applicant=submitter, cohort=cohort)
        services.application_save(application=submitted, actor=submitter, data={"goals": "Learn"}, answers={}, preferences=[])
        services.application_submit(application=submitted, actor=submitter)
    mail.outbox.clear()

    walk(START + timedelta(days=20), capture=django_capture_on_commit_callbacks)
    assert received(drafter) == Counter({
        "Your application to Open Source Internships is not submitted yet": 2,  # 72 h and 24 h before closing
    })
    assert received(submitter) == Counter()  # nothing to remind a submitted applicant of
    mentor_mail = received(mentor)
    # One review digest a day from the opening day through the deadline day (days 0..17: the deadline is at
    # 12:00 UTC and the digest goes at 09:00), plus the 48 h deadline reminder.
    assert mentor_mail["1 application waits for your review in Open Source Internships"] == 18
    assert mentor_mail["Reviews for Open Source Internships are due in 2 days"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=submitted, status=Application.Status.ACCEPTED,
                                    actor=program.coordinators.first() or _coordinator(program))
    mail.outbox.clear()
    walk(START + timedelta(days=28), start=START + timedelta(days=20), step=timedelta(hours=3),
         capture=django_capture_on_commit_callbacks)
    assert received(submitter) == Counter({"Open Source Internships starts today": 1})
    # Keys are unique: the whole walk created each reminder once.
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


def _coordinator(program):
    from accounts.tests.factories import UserFactory

    user = UserFactory()
    program.coordinators.add(user)
    return user


def test_review_digest_waits_for_nine_in_the_mentors_time_zone(django_capture_on_commit_callbacks):
    cohort = CohortFactory(applications_open_at=START - timedelta(days=1), applications_close_at=START + timedelta(days=5),
                           review_deadline=START + timedelta(days=9))
    mentor = EnrollmentFactory(cohort=cohort).mentor
    mentor.profile.timezone = "Asia/Tokyo"  # UTC+9
    mentor.profile.save()
    from programs.tests.factories import ApplicationFactory

    ApplicationFactory(cohort=cohort)
    with time_machine.travel(datetime(2027, 3, 1, 23, 30, tzinfo=UTC), tick=False):  # 08:30 in Tokyo
        with django_capture_on_commit_callbacks(execute=True):
            scan_due()
    assert received(mentor) == Counter()
    with time_machine.travel(datetime(2027, 3, 2, 0, 5, tzinfo=UTC), tick=False):  # 09:05 in Tokyo
        with django_capture_on_commit_callbacks(execute=True):
            scan_due()
            scan_due()
    assert sum(received(mentor).values()) == 1


def test_cohort_dashboard_counts_reminders_per_kind(client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from programs.tests.factories import cohort_scenario

    scenario = cohort_scenario(applications=1, mentors=2)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(timezone_now_at_nine(), tick=False):
            scan_due()
    client.force_login(scenario.coordinator)
    response = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]))
    rows = {r["kind"]: r for r in response.context["reminders"]}
    assert rows["review_reminder"]["sent"] == 2
    assert "Applications waiting for your review" in response.content.decode()


def timezone_now_at_nine():
    from django.utils import timezone

    return timezone.now().replace(hour=9, minute=30)
