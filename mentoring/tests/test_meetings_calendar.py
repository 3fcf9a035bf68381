"""Meetings across time zones, their .ics files, and each person's private calendar feed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from mentoring import services
from mentoring.models import ActionItem, CalendarFeed, Meeting, MeetingPrivateNote
from mentoring.tests.factories import pair

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def bogota_tokyo_pair():
    return pair(mentor_name="Bea Bogotá", mentor_tz="America/Bogota", mentee_name="Taro Tokyo", mentee_tz="Asia/Tokyo")


def parse_events(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_a_meeting_set_in_bogota_is_the_same_instant_in_tokyo_on_pages_and_in_ics(client, settings):
    settings.SITE_URL = "https://mentorship.example.org"
    p = bogota_tokyo_pair()
    client.force_login(p.mentor)
    response = client.post(
        reverse("mentoring:meeting_create", args=[p.mentorship.pk]),
        {
            "starts_at": "2026-03-10T09:00",
            "duration_minutes": 60,
            "location": "https://meet.example.org/x",
            "agenda": "Plan the release",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.starts_at == dt.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 09:00 in UTC-5
    mentor_page = client.get(reverse("mentoring:meeting_detail", args=[p.mentorship.pk, meeting.pk])).content.decode()
    assert 'datetime="2026-03-10T09:00:00-0500"' in mentor_page and "America/Bogota" in mentor_page
    mentor_ics = client.get(reverse("mentoring:meeting_ics", args=[p.mentorship.pk, meeting.pk]))

    client.force_login(p.mentee)
    mentee_page = client.get(reverse("mentoring:meeting_detail", args=[p.mentorship.pk, meeting.pk])).content.decode()
    assert 'datetime="2026-03-10T23:00:00+0900"' in mentee_page and "Asia/Tokyo" in mentee_page
    mentee_ics = client.get(reverse("mentoring:meeting_ics", args=[p.mentorship.pk, meeting.pk]))

    for response in (mentor_ics, mentee_ics):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"DTSTART:20260310T140000Z" in response.content
        calendar, (event,) = parse_events(response.content)
        assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
        assert event.decoded("dtstart") == dt.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=1)
        assert str(event["UID"]) == f"meeting-{meeting.uid}@mentorship.example.org"
        assert "Plan the release" in str(event["DESCRIPTION"]) and str(event["LOCATION"]) == "https://meet.example.org/x"
    # Same event for both people: a calendar that gets it twice keeps one.
    assert parse_events(mentor_ics.content)[1][0]["UID"] == parse_events(mentee_ics.content)[1][0]["UID"]


def test_changing_a_meeting_bumps_its_sequence_and_cancelling_marks_it_cancelled():
    p = pair()
    starts = dt.datetime(2026, 5, 4, 15, 30, tzinfo=UTC)
    meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentee, starts_at=starts)
    services.meeting_update(meeting=meeting, actor=p.mentor, starts_at=starts + dt.timedelta(hours=1), duration_minutes=30)
    services.meeting_cancel(meeting=meeting, actor=p.mentee)
    meeting.refresh_from_db()
    assert meeting.sequence == 2 and meeting.is_cancelled
    from mentoring.calendar import meeting_ics

    (event,) = parse_events(meeting_ics(meeting, for_user=p.mentor))[1]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2


def test_meetings_need_an_aware_time_and_the_pair():
    p = pair()
    with pytest.raises(ValidationError):
        services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=dt.datetime(2026, 1, 1, 10))
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(mentorship=p.mentorship, actor=p.coordinator, starts_at=dt.datetime(2026, 1, 1, 10, tzinfo=UTC))


def test_private_notes_are_per_author_and_action_items_have_an_owner():
    p = pair()
    meeting = services.meeting_schedule(
        mentorship=p.mentorship, actor=p.mentor, starts_at=dt.datetime(2026, 1, 1, 10, tzinfo=UTC)
    )
    services.private_note_save(meeting=meeting, actor=p.mentor, body="Mentor only")
    services.private_note_save(meeting=meeting, actor=p.mentee, body="Mentee only")
    services.private_note_save(meeting=meeting, actor=p.mentor, body="Mentor only, edited")
    assert dict(MeetingPrivateNote.objects.values_list("author", "body")) == {
        p.mentor.pk: "Mentor only, edited",
        p.mentee.pk: "Mentee only",
    }
    item = services.action_item_add(
        meeting=meeting, actor=p.mentor, owner_role="mentee", title="Write docs", due_on=dt.date(2026, 1, 8)
    )
    services.action_item_set_done(item=item, actor=p.mentee, done=True)
    assert ActionItem.objects.get().is_done
    with pytest.raises(ValidationError):
        services.action_item_add(meeting=meeting, actor=p.mentor, owner_role="coordinator", title="x")


def test_the_private_feed_works_without_login_only_with_the_right_token(client):
    p = bogota_tokyo_pair()
    other = pair(mentee_name="Someone Else")
    mine = services.meeting_schedule(
        mentorship=p.mentorship, actor=p.mentor, starts_at=dt.datetime(2026, 3, 10, 14, tzinfo=UTC), agenda="Shared agenda"
    )
    services.private_note_save(meeting=mine, actor=p.mentor, body="SECRET-MENTOR-NOTE")
    services.meeting_schedule(mentorship=other.mentorship, actor=other.mentor, starts_at=dt.datetime(2026, 3, 11, 14, tzinfo=UTC))

    client.force_login(p.mentee)
    client.post(reverse("mentoring:calendar_settings"), {"action": "create"})
    token = CalendarFeed.objects.get(user=p.mentee).token
    assert token in client.get(reverse("mentoring:calendar_settings")).content.decode()
    client.logout()

    url = reverse("mentoring:calendar_feed", args=[token])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    _calendar, events = parse_events(response.content)
    assert [e.decoded("dtstart") for e in events] == [dt.datetime(2026, 3, 10, 14, tzinfo=UTC)]
    assert b"SECRET-MENTOR-NOTE" not in response.content and b"Someone Else" not in response.content

    assert (
        client.get(reverse("mentoring:calendar_feed", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])).status_code == 404
    )
    assert client.get(reverse("mentoring:calendar_feed", args=["x" * 80])).status_code == 404

    client.force_login(p.mentee)
    client.post(reverse("mentoring:calendar_settings"), {"action": "regenerate"})
    new_token = CalendarFeed.objects.get(user=p.mentee).token
    client.logout()
    assert new_token != token
    assert client.get(url).status_code == 404
    assert client.get(reverse("mentoring:calendar_feed", args=[new_token])).status_code == 200

    client.force_login(p.mentee)
    client.post(reverse("mentoring:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("mentoring:calendar_feed", args=[new_token])).status_code == 404
