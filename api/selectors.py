"""The API's reads: the list forms of each app's permission rules, built on their selectors.

Single objects always come from the apps' own getters (404 for missing and forbidden alike); the lists
here are the same rules as querysets, each tested against its getter (api/tests/test_selectors.py).
"""
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from matching.models import MatchRun
from mentoring.deadlines import EVALUATION_STATUSES
from mentoring.models import Evaluation, Mentorship, MentorshipEvent
from mentoring.selectors import enrollments_with_places_left
from programs.models import Answer, Application, Cohort, MentorEnrollment
from programs.selectors import coordinated_cohorts

from .models import PersonalAccessToken

Status = Application.Status
HIDDEN_FROM_RANKING = (Status.DRAFT, Status.WITHDRAWN)  # as programs.selectors.reviewable_applications


def _coordinated_cohort_ids(user):
    """The cohorts this person coordinates (every cohort for site admins): programs.selectors.coordinated_cohorts."""
    if not user.is_authenticated:
        return Cohort.objects.none().values("pk")
    return coordinated_cohorts(user=user).order_by().values("pk")


# --- Catalog ---------------------------------------------------------------------------------


def cohorts_listed():
    """Cohorts of published programs with their phase (programs.phases, the SQL form)."""
    return Cohort.objects.with_phase().filter(program__published=True).select_related("program")


# --- Applications ------------------------------------------------------------------------------


def _normalised_rank():
    """1 + how many of the cohort's reviewable applications have a higher normalised score (ties share
    a rank); None while unscored. One correlated count per row of the page, on the ranking index."""
    higher = (
        Application.objects.filter(cohort=OuterRef("cohort_id"), normalised_score__gt=OuterRef("normalised_score"))
        .exclude(status__in=HIDDEN_FROM_RANKING).order_by().values("cohort").annotate(n=Count("pk")).values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return Case(
        When(normalised_score__isnull=True, then=Value(None, output_field=IntegerField())),
        default=Coalesce(Subquery(higher, output_field=IntegerField()), zero) + 1,
        output_field=IntegerField(),
    )


def with_answers(queryset):
    return queryset.select_related("cohort", "applicant__profile").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__order", "question")),
    )


def applications_for_coordinator(*, user):
    """Applications (drafts excepted: private until submitted) of the cohorts this person coordinates."""
    return with_answers(
        Application.objects.filter(cohort__in=_coordinated_cohort_ids(user)).exclude(status=Status.DRAFT)
    ).annotate(normalised_rank=_normalised_rank())


def application_with_numbers(application: Application) -> Application:
    """The answers and rank of one application that programs.selectors.application_get_for_user let through."""
    return with_answers(Application.objects.filter(pk=application.pk)).annotate(normalised_rank=_normalised_rank()).get()


# --- Mentors of a cohort ------------------------------------------------------------------------


def enrollments_for_coordinator(*, user):
    """Mentor enrollments of the cohorts this person coordinates, with places taken and left
    (mentoring.selectors.enrollments_with_places_left, the one definition)."""
    qs = MentorEnrollment.objects.filter(cohort__in=_coordinated_cohort_ids(user)).select_related("mentor__profile")
    return enrollments_with_places_left(qs)


def enrollment_get_for_coordinator(*, user, pk: int) -> MentorEnrollment:
    enrollment = enrollments_for_coordinator(user=user).select_related("cohort__program").filter(pk=pk).first()
    if enrollment is None:
        raise Http404
    return enrollment


# --- Matching -----------------------------------------------------------------------------------


def runs_for_coordinator(*, user):
    return MatchRun.objects.filter(cohort__in=_coordinated_cohort_ids(user))


# --- Mentorships --------------------------------------------------------------------------------


def mentorships_visible_to(*, user):
    """Mentorships the person is in, or coordinates: mentoring.selectors.mentorship_role as a queryset."""
    if not user.is_authenticated:
        return Mentorship.objects.none()
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user) | Q(cohort__in=_coordinated_cohort_ids(user)))
        .select_related("cohort__mentoring_settings", "mentor__profile", "mentee__profile")
        .prefetch_related(Prefetch("evaluations", queryset=Evaluation.objects.only(
            "pk", "mentorship_id", "stage", "direction", "due_on", "submitted_at")))
    )


def changed_since(queryset, moment):
    """Mentorships created, or with an event (status, dates, extension...) at or after `moment`."""
    events = MentorshipEvent.objects.filter(mentorship=OuterRef("pk"), created_at__gte=moment)
    return queryset.filter(Q(created_at__gte=moment) | Exists(events))


def evaluations_due_for_coordinator(*, user):
    """Running mentorships of the cohorts this person coordinates (their evaluation slots are computed per page)."""
    return mentorships_visible_to(user=user).filter(
        cohort__in=_coordinated_cohort_ids(user), status__in=EVALUATION_STATUSES,
    )


# --- Tokens -------------------------------------------------------------------------------------


def tokens_of(*, user):
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get_for_owner(*, user, pk: int) -> PersonalAccessToken:
    token = PersonalAccessToken.objects.filter(user=user, pk=pk).first() if user.is_authenticated else None
    if token is None:
        raise Http404
    return token
