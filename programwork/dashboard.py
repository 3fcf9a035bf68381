"""The coordinator's cohort dashboard gets an activities panel for ambassadors cohorts (programs' panel registry)."""
from .models import Activity
from .rules import AMBASSADORS_KIND


def activities_panel(cohort):
    if cohort.program.kind != AMBASSADORS_KIND:
        return None
    waiting = Activity.objects.filter(cohort=cohort, status=Activity.Status.SUBMITTED).count()
    return {"template": "programwork/_activities_panel.html", "waiting": waiting}
