"""Reads for pages, scoped to what the person may see. Missing and forbidden both answer 404."""
import math
from collections import defaultdict

from django.http import Http404

from .models import Application, ApprovalStatus, Cohort, MentorEnrollment, Program, Review
from .permissions import is_coordinator, is_site_admin


def programs_published():
    return Program.objects.filter(published=True)


def program_get_visible(*, user, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not (program.published or is_coordinator(user, program)):
        raise Http404
    return program


def cohort_get_visible(*, user, pk: int, program_slug: str | None = None) -> Cohort:
    """A cohort of a published program (or of a program the person coordinates); else 404."""
    qs = Cohort.objects.select_related("program").filter(pk=pk)
    if program_slug is not None:
        qs = qs.filter(program__slug=program_slug)
    cohort = qs.first()
    if cohort is None or not (cohort.program.published or is_coordinator(user, cohort.program)):
        raise Http404
    return cohort


def enrollment_for(*, user, cohort: Cohort) -> MentorEnrollment | None:
    """This person's offer to mentor in the cohort, if any."""
    if not user.is_authenticated:
        return None
    return MentorEnrollment.objects.filter(cohort=cohort, mentor=user).first()


def cohort_get_for_coordinator(*, user, pk: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=pk).first()
    if cohort is None or not is_coordinator(user, cohort.program):
        raise Http404
    return cohort


def cohort_get_for_reviewer(*, user, pk: int) -> Cohort:
    """Approved mentors of the cohort (and its coordinators) review."""
    cohort = Cohort.objects.select_related("program").filter(pk=pk).first()
    if cohort is None or not user.is_authenticated:
        raise Http404
    if is_coordinator(user, cohort.program):
        return cohort
    if not MentorEnrollment.objects.filter(cohort=cohort, mentor=user, status=ApprovalStatus.APPROVED).exists():
        raise Http404
    return cohort


def approved_mentor_enrollments(cohort: Cohort):
    return (
        MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.APPROVED)
        .select_related("mentor__profile")
        .prefetch_related("mentor__profile__skills", "mentor__profile__languages")
        .order_by("mentor__profile__display_name", "pk")
    )


def application_role(*, user, application: Application) -> str | None:
    """How this person relates to the application: applicant, reviewer, coordinator, or None."""
    if not user.is_authenticated:
        return None
    if application.applicant_id == user.pk:
        return "applicant"
    if is_coordinator(user, application.cohort.program_id):
        return "coordinator"
    if MentorEnrollment.objects.filter(
        cohort_id=application.cohort_id, mentor=user, status=ApprovalStatus.APPROVED,
    ).exists():
        return "reviewer"
    return None


def application_get_for_user(*, user, pk: int) -> tuple[Application, str]:
    """The application and the viewer's role; 404 for anyone who may not see it."""
    application = (
        Application.objects.select_related("cohort__program", "applicant__profile").filter(pk=pk).first()
    )
    if application is None:
        raise Http404
    role = application_role(user=user, application=application)
    if role is None:
        raise Http404
    if role == "reviewer" and application.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise Http404  # drafts are private until submitted; withdrawn ones leave the reviewers' view
    return application, role


def applications_for_applicant(*, user):
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__program")
        .order_by("-updated_at")
    )


def coordinated_cohorts(*, user):
    qs = Cohort.objects.select_related("program")
    if not is_site_admin(user):
        qs = qs.filter(program__coordinators=user)
    return qs.order_by("-applications_open_at")


def reviewable_applications(cohort: Cohort):
    """Applications reviewers see: everything but drafts and withdrawn ones."""
    return cohort.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])


MIN_REVIEWS_FOR_OWN_SCALE = 2


def application_scores(cohort: Cohort) -> dict[int, dict]:
    """Per application: weighted mean, strictness-normalised score and number of reviews.

    Normalisation: each reviewer's scores become z-scores against that reviewer's own mean
    and spread within the cohort, so a strict reviewer's 3 counts like a lenient one's 4.
    One query, whatever the cohort's size.
    """
    rows = list(
        Review.objects.filter(application__cohort=cohort, conflict_of_interest=False, weighted_score__isnull=False)
        .values_list("application_id", "reviewer_id", "weighted_score")
    )
    by_reviewer = defaultdict(list)
    for _app, reviewer, score in rows:
        by_reviewer[reviewer].append(score)
    all_scores = [score for _a, _r, score in rows]
    cohort_mean = sum(all_scores) / len(all_scores) if all_scores else 0.0
    cohort_std = math.sqrt(sum((s - cohort_mean) ** 2 for s in all_scores) / len(all_scores)) if all_scores else 0.0
    stats = {}
    for reviewer, scores in by_reviewer.items():
        if len(scores) < MIN_REVIEWS_FOR_OWN_SCALE:
            # Too few reviews to know this reviewer's strictness: use the cohort's scale.
            stats[reviewer] = (cohort_mean, cohort_std)
            continue
        mean = sum(scores) / len(scores)
        var = sum((s - mean) ** 2 for s in scores) / len(scores)
        stats[reviewer] = (mean, math.sqrt(var))
    per_app = defaultdict(lambda: {"scores": [], "z": []})
    for app, reviewer, score in rows:
        mean, std = stats[reviewer]
        per_app[app]["scores"].append(score)
        per_app[app]["z"].append((score - mean) / std if std > 1e-9 else 0.0)
    return {
        app: {
            "mean": round(sum(d["scores"]) / len(d["scores"]), 3),
            "normalised": round(sum(d["z"]) / len(d["z"]), 3),
            "count": len(d["scores"]),
        }
        for app, d in per_app.items()
    }
