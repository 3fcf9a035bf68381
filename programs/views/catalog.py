"""The public catalog: programs, their cohorts and each cohort's page."""
from django.shortcuts import render

from .. import application_selectors as app_selectors
from .. import selectors
from ..models import Phase, ProgramKind
from ..permissions import is_coordinator


def catalog(request):
    kind = request.GET.get("kind", "")
    if kind not in ProgramKind.values:
        kind = ""
    programs = list(app_selectors.catalog_programs(kind=kind))
    return render(request, "programs/catalog/catalog.html", {
        "groups": app_selectors.catalog_groups(programs),
        "kinds": ProgramKind.choices,
        "current_kind": kind,
    })


def program_detail(request, slug):
    program = selectors.program_get_visible(user=request.user, slug=slug)
    return render(request, "programs/catalog/program_detail.html", {
        "program": program,
        "cohorts": list(app_selectors.program_cohorts(program)),
        "skills": list(program.skills.all()),
        "is_coordinator": is_coordinator(request.user, program),
    })


def cohort_detail(request, slug, pk):
    user = request.user
    cohort = selectors.cohort_get_visible(user=user, program_slug=slug, pk=pk)
    phase = cohort.phase
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return render(request, "programs/catalog/cohort_detail.html", {
        "cohort": cohort,
        "program": cohort.program,
        "phase": phase,
        "accepting": phase == Phase.ACCEPTING,
        "enrollments": list(selectors.approved_mentor_enrollments(cohort)),
        "questions": list(cohort.questions.all()),
        "application": app_selectors.application_for_cohort(user=user, cohort=cohort),
        "season_limit": app_selectors.season_limit_for(user=user, cohort=cohort),
        "is_mentor": bool(profile and profile.is_mentor),
        "enrollment": selectors.enrollment_for(user=user, cohort=cohort),
        "takes_mentors": app_selectors.cohort_takes_mentors(cohort),
        "is_coordinator": is_coordinator(user, cohort.program),
    })
