"""Reminders for running mentorships, found by the due-scan every few minutes.

Every key says what, for whom and which occasion, so each reminder goes out once however
often the scan runs. Reads are a fixed number of queries per scanner, whatever the cohort size.
"""
import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications import reminders as due_scan
from notifications.services import Message, notify_many, user_timezone
from programs.dates import cohort_today
from programs.models import Application, Cohort

from .deadlines import (
    AT_RISK_AFTER_DAYS,
    evaluation_due_on,
    evaluation_is_open,
    evaluation_stages,
    meeting_booked_soon,
)
from .models import ActionItem, Direction, Evaluation, Meeting, Mentorship, Role, Stage

COORDINATOR_AT_RISK_DAYS = 35

MENTORSHIP_REMINDER = kinds.register(
    "mentorship_reminder", _("Reminders about your mentorship"), "mentoring/emails/mentorship_reminder", reminder=True,
)
# The person chose the meeting time: meeting reminders ignore quiet hours and digests.
MEETING_REMINDER = kinds.register("meeting_reminder", _("Meeting reminders"), "mentoring/emails/meeting_reminder")
COORDINATOR_DIGEST = kinds.register(
    "coordinator_digest", _("Weekly cohort digest (coordinators)"), "mentoring/emails/coordinator_digest", reminder=True,
)


def _open_mentorships():
    return Mentorship.objects.open().select_related(
        "mentor__profile", "mentee__profile", "cohort__program", "cohort__mentoring_settings",
    )


def _person(mentorship, role):
    return mentorship.mentor if role == Role.MENTOR else mentorship.mentee


def _other(mentorship, role):
    return mentorship.mentee if role == Role.MENTOR else mentorship.mentor


def _message(mentorship, role, key, event, **context):
    person = _person(mentorship, role)
    return Message(
        user=person, key=key, topic=f"cohort:{mentorship.cohort_id}",
        context={"event": event, "name": person.get_full_name(), "other": _other(mentorship, role).get_full_name(),
                 "program": mentorship.cohort.program.name, "url": mentorship.get_absolute_url(), **context},
    )


@due_scan.register("mentoring.agreement_pending")
def agreement_pending(*, now) -> int:
    """Three days after the start, whoever has not accepted the agreement yet."""
    messages = []
    rows = _open_mentorships().filter(status=Mentorship.Status.ACTIVE, created_at__lte=now - dt.timedelta(days=3))
    for mentorship in rows.select_related("agreement"):
        agreement = getattr(mentorship, "agreement", None)
        for role in (Role.MENTOR, Role.MENTEE):
            if agreement is None or agreement.accepted_at(role) is None:
                messages.append(_message(mentorship, role, f"reminder:agreement:{mentorship.pk}:{role}", "agreement"))
    return notify_many(kind="mentorship_reminder", messages=messages)


@due_scan.register("mentoring.meetings")
def meetings_soon(*, now) -> int:
    """Both people, about 24 hours and 1 hour before a meeting."""
    meetings = (
        Meeting.objects.filter(cancelled_at__isnull=True, starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=24),
                               mentorship__status__in=Mentorship.OPEN_STATUSES)
        .select_related("mentorship__mentor__profile", "mentorship__mentee__profile", "mentorship__cohort__program")
    )
    messages = []
    for meeting in meetings:
        window = "1h" if meeting.starts_at - now <= dt.timedelta(hours=1) else "24h"
        for role in (Role.MENTOR, Role.MENTEE):
            message = _message(meeting.mentorship, role, f"reminder:meeting:{meeting.pk}:{meeting.sequence}:{window}:{role}",
                               "meeting", starts_at=meeting.starts_at, location=meeting.location, window=window)
            message.context["url"] = reverse("mentoring:meeting_detail", args=[meeting.mentorship_id, meeting.pk])
            messages.append(message)
    return notify_many(kind="meeting_reminder", messages=messages)


@due_scan.register("mentoring.action_items")
def action_items_due_tomorrow(*, now) -> int:
    tomorrow = cohort_today(now) + dt.timedelta(days=1)
    items = (
        ActionItem.objects.filter(done_at__isnull=True, due_on=tomorrow, mentorship__status__in=Mentorship.OPEN_STATUSES)
        .select_related("mentorship__mentor__profile", "mentorship__mentee__profile", "mentorship__cohort__program")
    )
    messages = [
        _message(item.mentorship, item.owner_role, f"reminder:action:{item.pk}:{item.due_on.isoformat()}", "action",
                 title=item.title, due_on=item.due_on)
        for item in items
    ]
    return notify_many(kind="mentorship_reminder", messages=messages)


@due_scan.register("mentoring.no_meeting")
def no_meeting(*, now) -> int:
    """No meeting for 21 days: both people; at 35 days, the program's coordinators too."""
    today = cohort_today(now)
    rows = (
        _open_mentorships().filter(status=Mentorship.Status.ACTIVE, starts_on__lte=today - dt.timedelta(days=AT_RISK_AFTER_DAYS))
        .annotate(last_met=Max("meetings__starts_at", filter=Q(meetings__cancelled_at__isnull=True,
                                                               meetings__starts_at__lte=now)),
                  next_met=Min("meetings__starts_at", filter=Q(meetings__cancelled_at__isnull=True,
                                                               meetings__starts_at__gt=now)))
        .prefetch_related("cohort__program__coordinators__profile")
    )
    messages, coordinator_messages = [], []
    for mentorship in rows:
        since = cohort_today(mentorship.last_met) if mentorship.last_met else mentorship.starts_on
        quiet_days = (today - since).days
        if quiet_days < AT_RISK_AFTER_DAYS or meeting_booked_soon(mentorship.next_met, now=now):
            continue
        for role in (Role.MENTOR, Role.MENTEE):
            messages.append(_message(mentorship, role, f"reminder:no-meeting:{mentorship.pk}:{since.isoformat()}:{role}",
                                     "no_meeting", days=quiet_days))
        if quiet_days >= COORDINATOR_AT_RISK_DAYS:
            for coordinator in mentorship.cohort.program.coordinators.all():
                coordinator_messages.append(Message(
                    user=coordinator, topic=f"cohort:{mentorship.cohort_id}",
                    key=f"reminder:no-meeting-coordinator:{mentorship.pk}:{since.isoformat()}:{coordinator.pk}",
                    context={"event": "at_risk", "name": coordinator.get_full_name(), "days": quiet_days,
                             "mentor": mentorship.mentor.get_full_name(), "mentee": mentorship.mentee.get_full_name(),
                             "program": mentorship.cohort.program.name,
                             "url": reverse("mentoring:cohort_overview", args=[mentorship.cohort_id])},
                ))
    return notify_many(kind="mentorship_reminder", messages=messages) + notify_many(
        kind="coordinator_digest", messages=coordinator_messages
    )


def _evaluation_window(days_left: int) -> str | None:
    if days_left < 0:
        return "overdue"
    if days_left <= 1:
        return "1d"
    if days_left <= 7:
        return "7d"
    return None


@due_scan.register("mentoring.evaluations")
def evaluations_due(*, now) -> int:
    """7 days and 1 day before each evaluation is due, and once when it is overdue; only once its window
    has opened (each pair's own dates and the cohort's settings)."""
    today = cohort_today(now)
    rows = list(_open_mentorships().filter(status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED]))
    done = set(Evaluation.objects.filter(mentorship__in=[m.pk for m in rows]).values_list("mentorship_id", "stage", "direction"))
    messages = []
    for mentorship in rows:
        for stage in evaluation_stages(mentorship.cohort):
            due = evaluation_due_on(mentorship, stage)
            window = _evaluation_window((due - today).days)
            if window is None or not evaluation_is_open(mentorship, stage, on=today):
                continue
            for direction in Direction.values:
                if (mentorship.pk, stage, direction) in done:
                    continue
                role = Direction(direction).author_role
                messages.append(_message(
                    mentorship, role, f"reminder:evaluation:{mentorship.pk}:{stage}:{direction}:{window}", "evaluation",
                    stage=Stage(stage).label, due_on=due, window=window,  # lazy: the recipient's language
                ))
    return notify_many(kind="mentorship_reminder", messages=messages)


@due_scan.register("mentoring.closure")
def closure_invitation(*, now) -> int:
    """When the mentorship's end date comes and closing is possible (both final evaluations in): close it,
    thank each other, and (mentee) mentor next time."""
    from .selectors.capabilities import Facts, capability_refusal

    today = cohort_today(now)
    rows = _open_mentorships().filter(ends_on__lte=today).prefetch_related("closures", "evaluations")
    messages = []
    for mentorship in rows:
        facts = Facts(evaluations=frozenset((e.stage, e.direction) for e in mentorship.evaluations.all()),
                      closed_roles=frozenset(c.role for c in mentorship.closures.all()))
        for role in (Role.MENTOR, Role.MENTEE):
            if capability_refusal("close", mentorship=mentorship, role=role, facts=facts, on=today) is None:
                messages.append(_message(mentorship, role, f"reminder:closure:{mentorship.pk}:{role}", "closure",
                                         is_mentee=role == Role.MENTEE))
    return notify_many(kind="mentorship_reminder", messages=messages)


@due_scan.register("mentoring.coordinator_weekly")
def coordinator_weekly(*, now) -> int:
    """Each coordinator, once a week (first scan after 09:00 their time): how each cohort is doing."""
    today = cohort_today(now)
    cohorts = list(
        Cohort.objects.filter(applications_open_at__lte=now, ends_on__gte=today - dt.timedelta(days=14))
        .select_related("program").prefetch_related("program__coordinators__profile")
    )
    if not cohorts:
        return 0
    ids = [c.pk for c in cohorts]
    week_ago = now - dt.timedelta(days=7)
    new_apps = dict(Application.objects.filter(cohort_id__in=ids, submitted_at__gte=week_ago)
                    .values_list("cohort_id").annotate(n=Count("pk")))
    thin = dict(
        Application.objects.filter(cohort_id__in=ids).exclude(status__in=["draft", "withdrawn"])
        .annotate(reviews_n=Count("reviews")).filter(reviews_n__lt=2)
        .values_list("cohort_id").annotate(n=Count("pk", distinct=True))
    )
    at_risk_cut = now - dt.timedelta(days=AT_RISK_AFTER_DAYS)
    pairs = list(
        Mentorship.objects.filter(cohort_id__in=ids, status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED])
        .select_related("cohort__mentoring_settings")
        .annotate(last_met=Max("meetings__starts_at", filter=Q(meetings__cancelled_at__isnull=True,
                                                               meetings__starts_at__lte=now)),
                  next_met=Min("meetings__starts_at", filter=Q(meetings__cancelled_at__isnull=True,
                                                               meetings__starts_at__gt=now)))
    )
    done = set(Evaluation.objects.filter(mentorship__in=[p.pk for p in pairs]).values_list("mentorship_id", "stage", "direction"))
    at_risk: dict[int, int] = {}
    overdue: dict[int, int] = {}
    for pair in pairs:
        started_long_ago = today - pair.starts_on >= dt.timedelta(days=AT_RISK_AFTER_DAYS)
        quiet = pair.last_met is None or pair.last_met < at_risk_cut
        if pair.status == Mentorship.Status.ACTIVE and started_long_ago and quiet and not meeting_booked_soon(
                pair.next_met, now=now):
            at_risk[pair.cohort_id] = at_risk.get(pair.cohort_id, 0) + 1
        for stage in evaluation_stages(pair.cohort):
            if evaluation_due_on(pair, stage) < today:
                missing = sum(1 for d in Direction.values if (pair.pk, stage, d) not in done)
                overdue[pair.cohort_id] = overdue.get(pair.cohort_id, 0) + missing
    messages = []
    for cohort in cohorts:
        for coordinator in cohort.program.coordinators.all():
            local = now.astimezone(user_timezone(coordinator))
            if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
                continue
            year, week, _ = local.isocalendar()
            messages.append(Message(
                user=coordinator, key=f"digest:cohort-weekly:{cohort.pk}:{coordinator.pk}:{year}-W{week:02d}",
                topic=f"cohort:{cohort.pk}",
                context={"event": "weekly", "name": coordinator.get_full_name(), "program": cohort.program.name,
                         "cohort": cohort.name, "new_applications": new_apps.get(cohort.pk, 0),
                         "thin_reviews": thin.get(cohort.pk, 0), "at_risk": at_risk.get(cohort.pk, 0),
                         "evaluations_overdue": overdue.get(cohort.pk, 0),
                         "url": reverse("programs:cohort_dashboard", args=[cohort.pk])},
            ))
    return notify_many(kind="coordinator_digest", messages=messages)
