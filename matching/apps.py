from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from mentoring import pair_rules
        from programs.views.coordinator import COHORT_DASHBOARD_PANELS

        from . import signals  # noqa: F401  (connects the staleness receivers)
        from .selectors import unpaired_panel
        from .services.pairing import mentorship_pair_refusal

        pair_rules.register(mentorship_pair_refusal)

        if unpaired_panel not in COHORT_DASHBOARD_PANELS:
            COHORT_DASHBOARD_PANELS.append(unpaired_panel)
