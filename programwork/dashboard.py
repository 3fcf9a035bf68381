"""Panels on the coordinator's cohort dashboard (programs' panel registry): ambassadors' activities, agreements."""
from .models import Activity
from .rules import AMBASSADORS_KIND, has_agreements


def activities_panel(cohort):
    if cohort.program.kind != AMBASSADORS_KIND:
        return None
    waiting = Activity.objects.filter(cohort=cohort, status=Activity.Status.SUBMITTED).count()
    return {"template": "programwork/_activities_panel.html", "waiting": waiting}


def agreements_panel(cohort):
    if not has_agreements(cohort.program):
        return None
    return {"template": "programwork/_agreements_panel.html"}
