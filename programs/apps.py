from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and applications")

    def ready(self):
        from . import dashboard, notification_kinds, reminders  # noqa: F401
        from .services import review_numbers  # noqa: F401  (keeps stored review numbers current)
