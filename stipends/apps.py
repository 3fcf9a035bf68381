from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StipendsConfig(AppConfig):
    name = "stipends"
    verbose_name = _("Stipends and sponsors")

    def ready(self):
        from . import hooks, notification_kinds  # noqa: F401  (registers with mentoring, programs and notifications)
