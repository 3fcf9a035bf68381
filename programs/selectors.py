"""Reads for pages, scoped to what the person may see. Missing and forbidden both answer 404."""
from django.http import Http404

from .models import Application, ApprovalStatus, Cohort, MentorEnrollment, Program
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


def application_scores(cohort: Cohort) -> dict[int, dict]:
    """Per scored application: {"mean", "normalised", "count"} (weighted mean and strictness-normalised
    score, both rounded to 3 places, and the number of scored reviews without a conflict).

    Read from the numbers `services.review_numbers` stores when a review is written (the rule is
    `review_numbers.normalised_scores`); one narrow query, no per-request recomputation.
    """
    return {
        pk: {"mean": mean, "normalised": normalised, "count": count}
        for pk, mean, normalised, count in Application.objects.filter(cohort=cohort, scored_reviews__gt=0)
        .order_by().values_list("pk", "ranking_mean", "normalised_score", "scored_reviews")
    }


def application_score(application: Application) -> dict | None:
    """The same numbers for one application (already loaded: no query)."""
    if not application.scored_reviews:
        return None
    return {"mean": application.ranking_mean, "normalised": application.normalised_score,
            "count": application.scored_reviews}


def program_get_for_coordinator(*, user, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not is_coordinator(user, program):
        raise Http404
    return program


def coordinated_programs(*, user):
    qs = Program.objects.all() if is_site_admin(user) else Program.objects.filter(coordinators=user)
    return qs.order_by("name")


def questions_with_answer_counts(cohort: Cohort):
    """The cohort's questions, each with `answer_count` (one query)."""
    from django.db.models import Count

    return cohort.questions.annotate(answer_count=Count("answers")).order_by("order", "pk")


def screening_answers_of(*, user, cohort: Cohort):
    """(question id, value) of this person's eligibility answers in the cohort."""
    from .models import ScreeningAnswer

    return ScreeningAnswer.objects.filter(cohort=cohort, applicant=user).values_list("question_id", "value")
