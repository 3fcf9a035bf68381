from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        # programs imports nothing from here: the review page, the application page and the
        # cohort dashboard ask their registries, and this app registers its panels.
        from programs import review_panels
        from programs.views.coordinator import COHORT_DASHBOARD_PANELS

        from . import dashboard  # noqa: F401  (registers the dashboard section)
        from .panels import application_panel, dashboard_panel, review_panel

        review_panels.register(review_panel, page="review")
        review_panels.register(application_panel, page="application")
        if dashboard_panel not in COHORT_DASHBOARD_PANELS:
            COHORT_DASHBOARD_PANELS.append(dashboard_panel)
