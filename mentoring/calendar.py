"""iCalendar (RFC 5545) output for meetings: one meeting's .ics and a person's private feed.

Times are written in UTC (DTSTART:...Z), so every calendar program shows the same instant in
its own time zone. The UID is stable per meeting and SEQUENCE grows with each change, so a
re-imported or re-fetched event replaces the old one instead of duplicating it.
"""
import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Mentorship//Mentoring meetings//EN"


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mentorship.invalid"


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.uid}@{_domain()}"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def meeting_event(meeting, *, for_user) -> Event:
    mentorship = meeting.mentorship
    other = mentorship.mentee if for_user.pk == mentorship.mentor_id else mentorship.mentor
    if for_user.pk not in (mentorship.mentor_id, mentorship.mentee_id):  # a coordinator's copy
        title = _("Mentoring: %(mentor)s and %(mentee)s") % {
            "mentor": mentorship.mentor.get_full_name(), "mentee": mentorship.mentee.get_full_name(),
        }
    else:
        title = _("Mentoring meeting with %(name)s") % {"name": other.get_full_name()}
    url = settings.SITE_URL + reverse("mentoring:meeting_detail", args=[mentorship.pk, meeting.pk])
    # Shared content only: private notes never leave their author's page.
    description = "\n\n".join(p for p in [
        f"{_('Agenda')}:\n{meeting.agenda}" if meeting.agenda else "",
        f"{mentorship.cohort.program.name} · {mentorship.cohort.name}",
        url,
    ] if p)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(meeting.updated_at or timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", title)
    event.add("description", description)
    event.add("url", url)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    return event


def _calendar(name: str, *, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def meeting_ics(meeting, *, for_user) -> bytes:
    """The meeting as a file; a cancelled one says METHOD:CANCEL (same UID, higher SEQUENCE), so a calendar
    that imported it removes it."""
    calendar = _calendar(_("Mentoring meeting"), method="CANCEL" if meeting.is_cancelled else "PUBLISH")
    calendar.add_component(meeting_event(meeting, for_user=for_user))
    return calendar.to_ical()


def feed_ics(meetings, *, for_user) -> bytes:
    calendar = _calendar(_("My mentoring meetings"))
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, for_user=for_user))
    return calendar.to_ical()
