"""Applications, reviews, mentor enrollments: export, erasure and the retention purge."""
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import setup_privacy
from .models import (
    PERSONAL_APPLICATION_FIELDS,
    Answer,
    Application,
    ApplicationEvent,
    ApplicationPreference,
    ApprovalStatus,
    MentorEnrollment,
    Program,
    Review,
)
from .services.duplicates import duplicate_scan_request

ERASED_NOTE = "The applicant deleted their account."


def export_for_user(*, user) -> dict:
    applications = (
        Application.objects.filter(applicant=user).select_related("cohort__program", "organization", "project")
        .prefetch_related("answers__question", "skills_wanted", "preferences", "events").order_by("pk")
    )
    reviews = Review.objects.filter(reviewer=user).select_related("application__cohort__program").order_by("pk")
    enrollments = MentorEnrollment.objects.filter(mentor=user).select_related("cohort__program").order_by("pk")
    return {
        "applications": [{
            "id": a.pk, "program": a.cohort.program.name, "cohort": a.cohort.name, "status": a.status,
            "goals": a.goals, "motivation": a.motivation, "hours_per_week": a.hours_per_week,
            "offer": a.offer, "wants": a.wants, "contact_person": a.contact_person,
            "support_needed": a.support_needed, "group_members": a.group_members,
            "organization": a.organization.name if a.organization else None,
            "project": a.project.name if a.project else None,
            "skills_wanted": [skill.name for skill in a.skills_wanted.all()],
            "cv": f"files/cv-{a.pk}.pdf" if a.cv else None,
            "answers": [{"question": answer.question.prompt, "answer": answer.value} for answer in a.answers.all()],
            # Which mentors the applicant preferred: their public profile ids, not their personal data.
            "preferred_mentors": [{"rank": p.rank, "mentor_profile_user_id": p.mentor_id} for p in a.preferences.all()],
            "history": [{"at": e.created_at, "from": e.from_status, "to": e.to_status}
                        for e in sorted(a.events.all(), key=lambda e: e.pk)],
            "submitted_at": a.submitted_at, "decided_at": a.decided_at, "created_at": a.created_at,
        } for a in applications],
        # The reviews this person wrote (about others' applications: the application is named by its id only).
        "reviews_written": [{
            "application_id": r.application_id, "program": r.application.cohort.program.name,
            "cohort": r.application.cohort.name, "scores": r.scores, "weighted_score": r.weighted_score,
            "recommendation": r.recommendation, "comment": r.comment,
            "conflict_of_interest": r.conflict_of_interest, "conflict_details": r.conflict_details,
            "created_at": r.created_at,
        } for r in reviews],
        "mentor_enrollments": [{
            "program": e.cohort.program.name, "cohort": e.cohort.name, "capacity": e.capacity, "offer": e.offer,
            "topics": e.topics, "status": e.status, "created_at": e.created_at,
        } for e in enrollments],
        "coordinated_programs": list(Program.objects.filter(coordinators=user).order_by("pk").values_list("name", flat=True)),
        **setup_privacy.export_for_user(user=user),
    }


def export_files_for_user(*, user) -> list:
    return [(f"files/cv-{a.pk}.pdf", a.cv) for a in Application.objects.filter(applicant=user).exclude(cv="").order_by("pk")]


def _to_withdraw(user):
    """Open applications, and accepted ones of cohorts still running: the matching would otherwise offer the
    person a mentor again once their mentorship ended."""
    return Application.objects.filter(applicant=user).filter(
        Q(status__in=Application.OPEN_STATUSES)
        | Q(status=Application.Status.ACCEPTED, cohort__ends_on__gte=timezone.localdate()))


def deletion_plan_for_user(*, user) -> list[str]:
    lines = []
    if _to_withdraw(user).exists():
        lines.append(_("Your open applications, and accepted ones in cohorts that have not ended, are withdrawn."))
    if Application.objects.filter(applicant=user).exists():
        lines.append(_("Your applications' answers, goals and CVs are erased; the programs keep only their "
                       "status, for their statistics."))
    if MentorEnrollment.objects.filter(mentor=user, status__in=[ApprovalStatus.PENDING, ApprovalStatus.APPROVED],
                                       cohort__ends_on__gte=timezone.localdate()).exists():
        lines.append(_("You stop mentoring in the cohorts that have not ended."))
    if Program.objects.filter(coordinators=user).exists():
        lines.append(_("You stop coordinating your programs: ask a site admin to name another coordinator first."))
    if Review.objects.filter(reviewer=user).exists():
        lines.append(_("The scores of the reviews you wrote are kept without your name, so decisions already "
                       "made still add up."))
    lines += setup_privacy.deletion_plan_for_user(user=user)
    return lines


def _erase_application_content(queryset) -> int:
    """Blank what applicants wrote and remove their CVs (after commit). Answers go too."""
    blank = {name: "" for name in PERSONAL_APPLICATION_FIELDS if name not in ("cv", "support_needed")}
    applications = list(queryset.exclude(cv="").only("pk", "cv"))
    for application in applications:
        storage, name = application.cv.storage, application.cv.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    queryset.update(cv="", support_needed=[], hours_per_week=None, **blank)
    return len(applications)


def erase_for_user(*, user) -> dict:
    now = timezone.now()
    own = Application.objects.filter(applicant=user)
    withdrawn = 0
    for application in _to_withdraw(user).select_for_update(of=("self",)):
        # No email: the person is leaving; the event row keeps the decision trail.
        previous = application.status
        application.status = Application.Status.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        ApplicationEvent.objects.create(application=application, actor=None, from_status=previous,
                                        to_status=Application.Status.WITHDRAWN, note=ERASED_NOTE)
        if previous != Application.Status.DRAFT:
            duplicate_scan_request(cohort_id=application.cohort_id)
        withdrawn += 1
    cvs = _erase_application_content(own)
    answers = Answer.objects.filter(application__applicant=user).delete()[0]
    Application.skills_wanted.through.objects.filter(application__applicant=user).delete()
    preferences = ApplicationPreference.objects.filter(mentor=user).delete()[0]
    ApplicationPreference.objects.filter(application__applicant=user).delete()
    enrollments = MentorEnrollment.objects.filter(
        mentor=user, status__in=[ApprovalStatus.PENDING, ApprovalStatus.APPROVED], cohort__ends_on__gte=now.date(),
    )
    stopped = 0
    for enrollment in enrollments.select_for_update():
        enrollment.status = ApprovalStatus.WITHDRAWN
        enrollment.save(update_fields=["status"])
        stopped += 1
    MentorEnrollment.objects.filter(mentor=user).update(offer="", topics="")
    Review.objects.filter(reviewer=user).update(conflict_details="")
    Program.coordinators.through.objects.filter(user=user).delete()
    return {"applications_withdrawn": withdrawn, "cvs": cvs, "answers": answers, "preferences_naming_you": preferences,
            "mentor_enrollments_withdrawn": stopped, **setup_privacy.erase_for_user(user=user)}


def purge_for_cohort(*, cohort, dry_run: bool) -> dict:
    """CVs and answers to sensitive questions of a finished cohort. Statuses and scores stay (statistics)."""
    with_cv = Application.objects.filter(cohort=cohort).exclude(cv="")
    sensitive = Answer.objects.filter(application__cohort=cohort, question__sensitive=True).exclude(value="")
    counts = {"programs.cvs": with_cv.count(), "programs.sensitive_answers": sensitive.count()}
    if not dry_run:
        for application in with_cv.only("pk", "cv"):
            storage, name = application.cv.storage, application.cv.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        with_cv.update(cv="")
        sensitive.update(value="")
    return {**counts, **setup_privacy.purge_for_cohort(cohort=cohort, dry_run=dry_run)}
