"""Coordinators watch their cohorts: the pairs, who is at risk, what is due, and the program's numbers."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from programs.selectors import cohort_get_for_coordinator

from .. import selectors


@login_required
@require_GET
def cohort_overview(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "mentoring/cohort_overview.html", {
        "cohort": cohort, **selectors.cohort_overview(cohort=cohort),
    })


@login_required
@require_GET
def program_statistics(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    return render(request, "mentoring/program_statistics.html", {
        "program": program, **selectors.program_statistics(program=program),
    })
