from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentorships")

    def ready(self):
        from . import dashboard, notification_kinds, reminders  # noqa: F401
