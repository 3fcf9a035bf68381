"""Reminders that follow each cohort's timeline. Deterministic keys: each is sent once."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications import reminders as due_scan
from notifications.services import Message, notify_many, user_timezone

from .dates import cohort_today
from .models import Application, ApprovalStatus, Cohort, MentorEnrollment, Review
from .phases import Phase, phase_expression

APPLICATION_REMINDER = kinds.register(
    "application_reminder", _("Reminders about your applications"), "programs/emails/application_reminder", reminder=True,
)
REVIEW_REMINDER = kinds.register(
    "review_reminder", _("Applications waiting for your review"), "programs/emails/review_reminder", reminder=True,
)


@due_scan.register("programs.draft_closing")
def draft_closing(*, now) -> int:
    """Applicants with a draft: 72 h and 24 h before the window closes (only the one that applies now)."""
    drafts = (
        Application.objects.alias(cohort_phase=phase_expression(now, prefix="cohort__"))
        .filter(
            status=Application.Status.DRAFT, cohort_phase=Phase.ACCEPTING, cohort__rolling=False,
            cohort__applications_close_at__gt=now, cohort__applications_close_at__lte=now + timedelta(hours=72),
        )
        .select_related("cohort__program", "applicant__profile")
    )
    messages = []
    for application in drafts:
        cohort = application.cohort
        hours_left = (cohort.applications_close_at - now).total_seconds() / 3600
        window = "24h" if hours_left <= 24 else "72h"
        messages.append(Message(
            user=application.applicant, key=f"reminder:draft-closing:{application.pk}:{window}", topic=f"cohort:{cohort.pk}",
            context={"event": "draft_closing", "name": application.applicant.get_full_name(), "program": cohort.program.name,
                     "cohort": cohort.name, "closes": cohort.applications_close_at, "hours": int(hours_left),
                     "url": application.get_absolute_url()},
        ))
    return notify_many(kind="application_reminder", messages=messages)


@due_scan.register("programs.cohort_start")
def cohort_start(*, now) -> int:
    """Accepted applicants, on the day their cohort starts (or the day after, if the scan missed it)."""
    today = cohort_today(now)
    accepted = (
        Application.objects.filter(
            status=Application.Status.ACCEPTED, cohort__starts_on__lte=today, cohort__starts_on__gte=today - timedelta(days=1),
        )
        .select_related("cohort__program", "applicant__profile")
    )
    messages = [
        Message(
            user=a.applicant, key=f"reminder:cohort-start:{a.cohort_id}:{a.applicant_id}", topic=f"cohort:{a.cohort_id}",
            context={"event": "cohort_start", "name": a.applicant.get_full_name(), "program": a.cohort.program.name,
                     "cohort": a.cohort.name, "url": a.get_absolute_url()},
        )
        for a in accepted
    ]
    return notify_many(kind="application_reminder", messages=messages)


def _review_window_cohorts(now):
    """Cohorts taking or reviewing applications, until their review deadline (rolling ones: while open)."""
    return Cohort.objects.in_phase(Phase.ACCEPTING, Phase.REVIEWING, now=now).filter(
        Q(review_deadline__gt=now) | Q(rolling=True)
    )


@due_scan.register("programs.review_digest")
def review_digest(*, now) -> int:
    """Each approved mentor, once a day around 09:00 their time: applications still waiting for their review."""
    cohorts = {c.pk: c for c in _review_window_cohorts(now).select_related("program")}
    if not cohorts:
        return 0
    reviewable = dict(
        Application.objects.filter(cohort_id__in=cohorts)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .values_list("cohort_id").annotate(n=Count("pk"))
    )
    reviewed = {
        (row["reviewer_id"], row["application__cohort_id"]): row["n"]
        for row in Review.objects.filter(application__cohort_id__in=cohorts)
        .values("reviewer_id", "application__cohort_id").annotate(n=Count("pk"))
    }
    enrollments = MentorEnrollment.objects.filter(cohort_id__in=cohorts, status=ApprovalStatus.APPROVED).select_related(
        "mentor__profile"
    )
    messages = []
    for enrollment in enrollments:
        waiting = reviewable.get(enrollment.cohort_id, 0) - reviewed.get((enrollment.mentor_id, enrollment.cohort_id), 0)
        local = now.astimezone(user_timezone(enrollment.mentor))
        if waiting <= 0 or local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
            continue
        cohort = cohorts[enrollment.cohort_id]
        messages.append(Message(
            user=enrollment.mentor, key=f"reminder:review-digest:{enrollment.pk}:{local.date().isoformat()}",
            topic=f"cohort:{cohort.pk}",
            context={"event": "digest", "name": enrollment.mentor.get_full_name(), "waiting": waiting,
                     "program": cohort.program.name, "cohort": cohort.name, "deadline": cohort.review_deadline,
                     "url": f"/cohorts/{cohort.pk}/reviews/?unreviewed=1"},
        ))
    return notify_many(kind="review_reminder", messages=messages)


@due_scan.register("programs.review_deadline")
def review_deadline(*, now) -> int:
    """Approved mentors, 48 h before the cohort's review deadline."""
    enrollments = (
        MentorEnrollment.objects.filter(
            status=ApprovalStatus.APPROVED, cohort__review_deadline__gt=now,
            cohort__review_deadline__lte=now + timedelta(hours=48),
        )
        .select_related("mentor__profile", "cohort__program")
    )
    messages = [
        Message(
            user=e.mentor, key=f"reminder:review-deadline:{e.pk}", topic=f"cohort:{e.cohort_id}",
            context={"event": "deadline", "name": e.mentor.get_full_name(), "program": e.cohort.program.name,
                     "cohort": e.cohort.name, "deadline": e.cohort.review_deadline,
                     "url": f"/cohorts/{e.cohort_id}/reviews/"},
        )
        for e in enrollments
    ]
    return notify_many(kind="review_reminder", messages=messages)
