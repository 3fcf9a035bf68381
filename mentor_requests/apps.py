from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorRequestsConfig(AppConfig):
    name = "mentor_requests"
    verbose_name = _("Direct mentorship requests")

    def ready(self):
        from . import dashboard, notification_kinds, reminders  # noqa: F401
