"""Coordinators write to a segment of a cohort: a dry run (count and a preview for one recipient in a
language), then one email per person through notifications (unique key per announcement and person;
preferences and unsubscribe as for every optional kind), each in the recipient's language when the
coordinator gave a translation.

Segments come from a registry: programs adds applicants by status and approved mentors; mentoring
(above programs) adds active pairs and mentees whose evaluation is due.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications import kinds
from notifications.models import Notification
from notifications.services import Message, notify_many, render_message, user_language, user_timezone

from ..models import Announcement, Application, ApprovalStatus, Cohort
from ..permissions import is_coordinator

KIND = "announcement"
# Up to this many recipients the email rows are written in the request; more go to a Celery task.
INLINE_LIMIT = 50


@dataclass(frozen=True)
class Segment:
    key: str
    label: object
    # user ids in the cohort's segment (a queryset of ids or a list)
    user_ids: Callable[[Cohort], object]


_SEGMENTS: dict[str, Segment] = {}


def register_segment(key: str, label, user_ids: Callable[[Cohort], object]) -> Segment:
    segment = Segment(key=key, label=label, user_ids=user_ids)
    _SEGMENTS[key] = segment
    return segment


def segments() -> list[Segment]:
    return list(_SEGMENTS.values())


def segment_get(key: str) -> Segment:
    try:
        return _SEGMENTS[key]
    except KeyError:
        raise ValidationError({"segment": _("Choose who receives the message.")}) from None


def _applicants(status):
    def user_ids(cohort):
        return Application.objects.filter(cohort=cohort, status=status).values("applicant_id")
    return user_ids


for _status in Application.Status:
    register_segment(f"applicants:{_status.value}",
                     format_lazy(gettext_lazy("Applicants: {status}"), status=_status.label), _applicants(_status))
register_segment(
    "mentors:approved", gettext_lazy("Approved mentors"),
    lambda cohort: cohort.mentor_enrollments.filter(status=ApprovalStatus.APPROVED).values("mentor_id"),
)


def recipients(cohort: Cohort, segment_key: str):
    """The active people of the segment, with their profile (language, time zone), in a stable order."""
    ids = segment_get(segment_key).user_ids(cohort)
    return User.objects.filter(pk__in=ids, is_active=True).select_related("profile").order_by("pk")


def _require(actor, cohort: Cohort) -> None:
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied


def _clean_translations(translations: dict) -> dict:
    return {code: {"subject": t.get("subject", "").strip(), "body": t.get("body", "").strip()}
            for code, t in (translations or {}).items() if t.get("subject", "").strip() and t.get("body", "").strip()}


def _context(announcement: Announcement, user) -> dict:
    subject, body = announcement.text_for(user_language(user))
    cohort = announcement.cohort
    return {"name": user.get_full_name(), "subject": subject, "body": body, "program": cohort.program.name,
            "cohort": cohort.name, "url": cohort.get_absolute_url(),
            "sender": announcement.author.get_full_name() if announcement.author else ""}


def announcement_preview(*, actor, cohort: Cohort, segment: str, subject: str, body: str, language: str,
                         translations: dict | None = None, preview_language: str = "") -> dict:
    """The dry run: how many would receive it, and the email as its first recipient would read it
    (in `preview_language`, or in their own). Writes nothing."""
    _require(actor, cohort)
    people = recipients(cohort, segment)
    count = people.count()
    draft = Announcement(cohort=cohort, author=actor, segment=segment, subject=subject, body=body, language=language,
                         translations=_clean_translations(translations))
    first = people.first()
    rendered = None
    if first is not None:
        shown_language = preview_language or user_language(first)
        text_subject, text_body = draft.text_for(shown_language)
        context = {**_context(draft, first), "subject": text_subject, "body": text_body}
        rendered_subject, text, html = render_message(kind=kinds.get(KIND), context=context, language=shown_language,
                                                      unsubscribe_url="#", tz=user_timezone(first))
        rendered = {"recipient": first, "language": shown_language, "subject": rendered_subject, "text": text,
                    "html": html}
    return {"count": count, "preview": rendered}


def announcement_send(*, actor, cohort: Cohort, segment: str, subject: str, body: str, language: str,
                      translations: dict | None = None) -> Announcement:
    """Record the announcement and deliver it (in a Celery task when the segment is large)."""
    _require(actor, cohort)
    segment_get(segment)
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Write a subject and a message."))
    with transaction.atomic():
        announcement = Announcement.objects.create(
            cohort=cohort, author=actor, segment=segment, subject=subject.strip(), body=body.strip(),
            language=language, translations=_clean_translations(translations),
            recipient_count=recipients(cohort, segment).count(),
        )
        if announcement.recipient_count <= INLINE_LIMIT:
            announcement_deliver(announcement_id=announcement.pk)
        else:
            from ..tasks import deliver_announcement

            deliver_announcement.delay_on_commit(announcement.pk)
    return announcement


def announcement_deliver(*, announcement_id: int) -> int:
    """Write one outbox row per recipient (key: announcement and person), safe to run twice."""
    with transaction.atomic():
        announcement = (Announcement.objects.select_for_update(of=("self",))
                        .select_related("cohort__program", "author__profile").get(pk=announcement_id))
        if announcement.status == Announcement.Status.SENT:
            return 0
        messages = [
            Message(user=user, key=f"announcement:{announcement.pk}:{user.pk}", topic=announcement.topic,
                    context=_context(announcement, user))
            for user in recipients(announcement.cohort, announcement.segment)
        ]
        written = notify_many(kind=KIND, messages=messages)
        announcement.status, announcement.sent_at = Announcement.Status.SENT, timezone.now()
        announcement.recipient_count = len(messages)
        announcement.save(update_fields=["status", "sent_at", "recipient_count"])
    return written


def announcements_with_counts(cohort: Cohort) -> list[Announcement]:
    """The cohort's announcements, each with sent / waiting / not sent (preferences) / failed counts: two queries."""
    rows = list(cohort.announcements.select_related("author__profile"))
    status = Notification.Status
    counts = {
        row["topic"]: row for row in Notification.objects.filter(topic__in=[a.topic for a in rows]).values("topic")
        .annotate(sent=Count("pk", filter=Q(status=status.SENT)),
                  waiting=Count("pk", filter=Q(status__in=[status.PENDING, status.SENDING, status.DIGEST])),
                  suppressed=Count("pk", filter=Q(status=status.SUPPRESSED)),
                  failed=Count("pk", filter=Q(status=status.FAILED)), last=Max("sent_at")).order_by()
    }
    for announcement in rows:
        announcement.counts = counts.get(announcement.topic, {"sent": 0, "waiting": 0, "suppressed": 0, "failed": 0})
    return rows


def other_languages(language: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != language]
