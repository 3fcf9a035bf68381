"""The other person hears about a meeting scheduled, moved or cancelled (with the .ics), and about an
agreement that waits for their acceptance."""
import datetime as dt

import pytest
from django.core import mail
from icalendar import Calendar

from mentoring import services
from mentoring.calendar import meeting_uid
from mentoring.models import Agreement
from mentoring.services import emails
from mentoring.tests.factories import pair
from notifications.models import Notification
from notifications.services import notification_resend

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2030, 3, 10, 14, 0, tzinfo=dt.UTC)


def to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def ics_of(message):
    files = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(files) == 1 and files[0][2].startswith("text/calendar")
    calendar = Calendar.from_ical(files[0][1])
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_scheduling_emails_the_other_person_a_calendar_file(django_capture_on_commit_callbacks):
    p = pair(mentor_name="Siobhán O'Brien", mentee_name="Taro Tokyo", mentee_tz="Asia/Tokyo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=WHEN,
                                            location="R&D room", agenda="Plan <the> release")
    assert to(p.mentor) == []  # the one who scheduled it knows
    [message] = to(p.mentee)
    assert message.subject == "Meeting with Siobhán O'Brien scheduled: Sun 10 Mar, 23:00"  # Tokyo time
    assert "Siobhán O'Brien scheduled a meeting" in message.body
    assert "Where: R&D room" in message.body and "Plan <the> release" in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien" in html and "R&amp;D room" in html and "Plan &lt;the&gt; release" in html
    calendar, event = ics_of(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == meeting_uid(meeting) and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == WHEN


def test_moving_then_cancelling_sends_the_same_event_with_growing_sequence(django_capture_on_commit_callbacks):
    p = pair()
    meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentee, starts_at=WHEN)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, actor=p.mentee, starts_at=WHEN + dt.timedelta(days=1),
                                duration_minutes=45)
    [moved] = to(p.mentor)
    assert moved.subject.startswith("Meeting with Teo Mentee moved to Mon 11 Mar, 14:00")
    _calendar, event = ics_of(moved)
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == WHEN + dt.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, actor=p.mentee)
    cancelled = to(p.mentor)[-1]
    assert cancelled.subject.startswith("Meeting with Teo Mentee cancelled")
    calendar, event = ics_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting_uid(meeting) and int(event["SEQUENCE"]) == 2
    assert to(p.mentee) == []


def test_saving_an_unchanged_meeting_sends_nothing(django_capture_on_commit_callbacks):
    p = pair()
    meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=WHEN)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, actor=p.mentor, starts_at=WHEN, duration_minutes=60)
    assert mail.outbox == []


def test_when_a_coordinator_acts_both_participants_are_told(django_capture_on_commit_callbacks):
    p = pair()
    meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=WHEN)
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        emails.meeting_changed(meeting=meeting, actor=p.coordinator, event="cancelled")
    assert len(to(p.mentor)) == 1 and len(to(p.mentee)) == 1


def test_send_again_carries_the_calendar_file(django_capture_on_commit_callbacks):
    p = pair()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=WHEN)
    row = Notification.objects.get(kind="meeting_update")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=row)
    [again] = to(p.mentee)
    _calendar, event = ics_of(again)
    assert int(event["SEQUENCE"]) == 0


def test_meeting_email_follows_the_recipients_language(django_capture_on_commit_callbacks):
    p = pair()
    p.mentee.language = "es"
    p.mentee.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=WHEN)
    [message] = to(p.mentee)
    assert message.extra_headers["Content-Language"] == "es"
    assert '<html lang="es">' in message.alternatives[0][0]


def save_agreement(p, actor):
    services.agreement_save(mentorship=p.mentorship, actor=actor, meeting_frequency=Agreement.Frequency.WEEKLY,
                            communication="Chat", mentee_goals="Ship it")


def test_an_agreement_waiting_for_acceptance_tells_the_person_whose_acceptance_is_missing(
        django_capture_on_commit_callbacks):
    p = pair(mentor_name="Ana R&D")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        save_agreement(p, p.mentor)
    [written] = to(p.mentee)
    assert written.subject == "Ana R&D wrote your mentorship agreement: please read and accept it"
    assert to(p.mentor) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    accepted = to(p.mentee)[-1]
    assert accepted.subject == "Ana R&D accepted your mentorship agreement: yours is missing"
    assert f"/mentorships/{p.mentorship.pk}/agreement/" in accepted.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)
    assert mail.outbox == []  # both accepted: nothing waits for anyone


def test_changing_an_accepted_agreement_asks_the_other_to_accept_again(django_capture_on_commit_callbacks):
    p = pair()
    save_agreement(p, p.mentor)
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_save(mentorship=p.mentorship, actor=p.mentee, meeting_frequency=Agreement.Frequency.WEEKLY,
                                communication="Chat and calls", mentee_goals="Ship it")
    assert [m.subject for m in to(p.mentor)] == ["Teo Mentee wrote your mentorship agreement: please read and accept it"]
