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

        from programs.services.setup import register_cohort_copier
        from programs.views.setup import COHORT_SETUP_SECTIONS

        from .setup import copy_matching_settings, setup_section

        register_cohort_copier(copy_matching_settings)
        if setup_section not in COHORT_SETUP_SECTIONS:
            COHORT_SETUP_SECTIONS.append(setup_section)
