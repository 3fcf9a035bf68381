"""Reads for the catalog and the mentee's application pages, scoped like programs.selectors.

Kept apart from selectors.py so that several people can work on the programs app at once.
"""
from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch

from .models import Application, ApprovalStatus, Cohort, Phase, Program, ProgramKind
from .phases import NO_NEW_MENTORS
from .selectors import programs_published
from .services import season_application_count  # the count the submit service enforces

Status = Application.Status
CATALOG_PHASES = (Phase.UPCOMING, Phase.ACCEPTING)


def open_or_upcoming_cohorts(now=None):
    """Cohorts whose phase is upcoming or accepting (the one phase rule, programs.phases, in SQL)."""
    return Cohort.objects.in_phase(*CATALOG_PHASES, now=now)


OPEN_CALLS_SHOWN = 3


def open_calls_for(*, user, now=None, limit: int = OPEN_CALLS_SHOWN) -> tuple[list[Cohort], bool]:
    """Published cohorts accepting applications that the person has not applied to, closing soonest
    first (rolling ones last), and whether there are more than `limit`: one query."""
    cohorts = (
        Cohort.objects.in_phase(Phase.ACCEPTING, now=now).filter(program__published=True)
        .exclude(pk__in=Application.objects.filter(applicant=user).values("cohort_id"))
        .select_related("program")
        .order_by(F("applications_close_at").asc(nulls_last=True), "pk")[: limit + 1]
    )
    cohorts = list(cohorts)
    return cohorts[:limit], len(cohorts) > limit


def catalog_programs(*, kind: str = ""):
    """Published programs with their open and upcoming cohorts in `open_cohorts`: two queries."""
    cohorts = open_or_upcoming_cohorts().order_by("applications_open_at", "pk")
    qs = programs_published().prefetch_related(Prefetch("cohorts", queryset=cohorts, to_attr="open_cohorts"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "pk")


def catalog_groups(programs) -> list[dict]:
    """Programs grouped by kind, in the order of ProgramKind; kinds without programs are left out."""
    by_kind: dict[str, list[Program]] = {}
    for program in programs:
        by_kind.setdefault(program.kind, []).append(program)
    return [
        {"kind": value, "label": label, "programs": by_kind[value]}
        for value, label in ProgramKind.choices
        if value in by_kind
    ]


def program_cohorts(program: Program):
    return program.cohorts.order_by("-applications_open_at", "pk")


def application_for_cohort(*, user, cohort: Cohort) -> Application | None:
    if not user.is_authenticated:
        return None
    return Application.objects.filter(cohort=cohort, applicant=user).only("pk", "status", "cohort_id").first()


def application_to_edit(*, user, cohort: Cohort) -> Application | None:
    """The person's own application for this cohort, or None: the apply page then shows a new,
    unsaved one (opening the page writes nothing)."""
    return Application.objects.filter(cohort=cohort, applicant=user).first()


def season_limit_for(*, user, cohort: Cohort) -> dict | None:
    """The per-person application limit this cohort shares with others, in words a person can read
    (the cohorts it covers, never the season's code) and how much of it the person has used: two queries."""
    limit = cohort.max_applications_per_season
    if not limit or not cohort.season:
        return None
    shared = list(
        Cohort.objects.filter(season=cohort.season, program__published=True).exclude(pk=cohort.pk)
        .select_related("program").order_by("program__name", "name")
    )
    used = 0
    if user.is_authenticated:
        used = season_application_count(applicant=user, cohort=cohort)
    return {"limit": limit, "shared_with": shared, "used": used, "left": max(limit - used, 0)}


def cohort_mentor_choices(cohort: Cohort) -> list:
    """The cohort's approved mentors as users (with profile), for the preference selects: one query."""
    return list(
        get_user_model().objects.filter(
            mentor_enrollments__cohort=cohort, mentor_enrollments__status=ApprovalStatus.APPROVED,
        )
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def cohort_takes_mentors(cohort: Cohort) -> bool:
    """Whether to offer "volunteer as a mentor": services.mentor_enrollment_request refuses later phases."""
    return cohort.phase not in NO_NEW_MENTORS


def application_page_data(application: Application) -> dict:
    """What the status page shows besides the application itself, in a fixed number of queries."""
    return {
        "answers": answer_rows(application),
        "preferences": list(application.preferences.select_related("mentor__profile")),
        "skills_wanted": list(application.skills_wanted.all()),
        "events": list(application.events.select_related("actor__profile")),
    }


def answer_rows(application: Application) -> list[dict]:
    """Each question with the applicant's answer, shown with the question as it was asked when answered
    ("asked_as" when the wording changed since); answers to removed questions follow, with their wording."""
    questions = list(application.cohort.questions.all())
    answers = list(application.answers.all())
    by_question = {a.question_id: a for a in answers if a.question_id is not None}
    rows = []
    for question in questions:
        answer = by_question.get(question.pk)
        asked = answer.prompt if answer is not None and answer.prompt else question.prompt
        rows.append({"question": question, "value": answer.value if answer else "", "prompt": asked,
                     "asked_as": asked if asked != question.prompt else ""})
    for answer in answers:
        if answer.question_id is None:
            rows.append({"question": None, "value": answer.value, "prompt": answer.prompt, "asked_as": ""})
    return rows
