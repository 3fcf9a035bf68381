from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Export, deletion, purge and the audit history page. The top of the layering: it may import every
    app, no app imports it. Apps take part by providing a `<app>.privacy` module (see registry.py)."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from programs.views.coordinator import COHORT_DASHBOARD_PANELS

        from . import notification_kinds  # noqa: F401

        if history_panel not in COHORT_DASHBOARD_PANELS:
            COHORT_DASHBOARD_PANELS.append(history_panel)


def history_panel(cohort) -> dict:
    """The cohort dashboard's link to the audit history (no query)."""
    return {"template": "privacy/_history_panel.html", "cohort": cohort}
