from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentorships")

    def ready(self):
        from programs.services import register_places_taken

        from . import dashboard, notification_kinds, reminders  # noqa: F401
        from .selectors.capacity import places_taken

        register_places_taken(places_taken)
