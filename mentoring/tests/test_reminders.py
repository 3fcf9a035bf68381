"""A mentorship's whole timeline with a frozen clock: which reminders each person gets, each once."""
import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core import mail

from mentoring import services
from mentoring.models import Agreement, Role
from mentoring.tests.factories import pair
from notifications.models import Notification
from notifications.reminders import scan_due
from notifications.services import dispatch_pending

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 4, 5, 10, 0, tzinfo=dt.UTC)  # a Monday
DAY = dt.timedelta(days=1)


def walk(start, until, step, capture):
    now = start
    while now <= until:
        with time_machine.travel(now, tick=False), capture(execute=True):
            scan_due()
            dispatch_pending()
        now += step


def subjects(user):
    return Counter(m.subject for m in mail.outbox if m.to == [user.email])


def test_mentorship_timeline_sends_each_reminder_once(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        p = pair(mentor_name="Mira", mentee_name="Teo", started_days_ago=0,
                 ends_on=(START + 60 * DAY).date(), midpoint_evaluation_due=(START + 30 * DAY).date(),
                 final_evaluation_due=(START + 58 * DAY).date())
        services.agreement_save(mentorship=p.mentorship, actor=p.mentor, meeting_frequency=Agreement.Frequency.WEEKLY,
                                communication="Chat", mentee_goals="A release")
        services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)  # the mentee never accepts
        meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor,
                                            starts_at=START + 10 * DAY + dt.timedelta(hours=5), location="Video call")
        services.action_item_add(meeting=meeting, actor=p.mentor, owner_role=Role.MENTEE, title="Write the README",
                                 due_on=(START + 12 * DAY).date())
    mail.outbox.clear()

    walk(START, START + 62 * DAY, dt.timedelta(hours=1), django_capture_on_commit_callbacks)

    assert subjects(p.mentee) == Counter({
        "Agree on goals and expectations with Mira": 1,
        "Coming up Thu 15 Apr, 15:00: your meeting with Mira": 1,
        "In one hour: your meeting with Mira": 1,
        "Due tomorrow: Write the README": 1,
        "You and Mira have not met for 21 days": 1,
        "Your midpoint evaluation is due soon": 2,  # 7 days and 1 day before
        "Your midpoint evaluation is overdue": 1,
        "Your final evaluation is due soon": 2,
        "Your final evaluation is overdue": 1,
        # No "has come to its end" invitation to close: closing needs both final evaluations, never sent here.
    })
    mentor = subjects(p.mentor)
    assert "Agree on goals and expectations with Teo" not in mentor  # the mentor accepted
    assert mentor["In one hour: your meeting with Teo"] == 1
    assert mentor["You and Teo have not met for 21 days"] == 1
    assert mentor["Due tomorrow: Write the README"] == 0  # the mentee owns it
    coordinator = subjects(p.coordinator)
    assert coordinator[f"A pair in {p.program.name} has not met for 35 days"] == 1
    weekly = [s for s in coordinator.elements() if s.startswith("This week in")]
    assert 8 <= len(weekly) <= 10 and len(set(weekly)) == 1  # one a week, never twice in a week
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


def test_rescheduled_meeting_gets_fresh_reminders_and_cancelled_none(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        p = pair(started_days_ago=0)
        first = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=START + 2 * DAY)
        cancelled = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor,
                                              starts_at=START + 2 * DAY + dt.timedelta(hours=3))
        services.meeting_cancel(meeting=cancelled, actor=p.mentee)
    walk(START + DAY + dt.timedelta(hours=1), START + DAY + dt.timedelta(hours=2), dt.timedelta(hours=1),
         django_capture_on_commit_callbacks)
    with time_machine.travel(START + DAY + dt.timedelta(hours=2), tick=False):
        services.meeting_update(meeting=first, actor=p.mentor, starts_at=START + 3 * DAY, duration_minutes=60)
    walk(START + 2 * DAY + dt.timedelta(hours=1), START + 2 * DAY + dt.timedelta(hours=2), dt.timedelta(hours=1),
         django_capture_on_commit_callbacks)
    keys = sorted(Notification.objects.filter(kind="meeting_reminder", user=p.mentee).values_list("key", flat=True))
    assert len(keys) == 2 and all(f":{first.pk}:" in k for k in keys) and keys[0] != keys[1]
