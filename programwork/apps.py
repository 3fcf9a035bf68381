from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramworkConfig(AppConfig):
    """The work each program kind is for, after acceptance (above mentoring: it belongs to a mentorship)."""

    name = "programwork"
    verbose_name = _("Program work")

    def ready(self):
        from programs.views.coordinator import COHORT_DASHBOARD_PANELS

        from . import reminders  # noqa: F401  (agreement renewals)
        from .dashboard import activities_panel, agreements_panel

        for panel in (activities_panel, agreements_panel):
            if panel not in COHORT_DASHBOARD_PANELS:
                COHORT_DASHBOARD_PANELS.append(panel)
