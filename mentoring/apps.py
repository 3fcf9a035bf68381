from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentorships")

    def ready(self):
        from programs.services import register_places_taken

        from . import announcements, dashboard, notification_kinds, reminders  # noqa: F401
        from .selectors.capacity import places_taken

        register_places_taken(places_taken)

        from programs.services.setup import register_cohort_copier
        from programs.views.setup import COHORT_SETUP_SECTIONS

        from .services.setup import copy_mentoring_setup
        from .views.setup import setup_sections

        register_cohort_copier(copy_mentoring_setup)

        from programs.services.eligibility import register_completion_provider

        from .selectors.alumni import completed_program_before

        register_completion_provider(completed_program_before)
        if setup_sections not in COHORT_SETUP_SECTIONS:
            COHORT_SETUP_SECTIONS.append(setup_sections)
