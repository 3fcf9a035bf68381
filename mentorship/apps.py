from django.apps import AppConfig
from django.conf import settings


class MentorshipConfig(AppConfig):
    """The project itself: operations glue (request ids in tasks, metrics) that belongs to no app."""

    name = "mentorship"
    verbose_name = "Mentorship (operations)"

    def ready(self):
        from .request_id import connect_celery_signals

        connect_celery_signals()
        if "django_prometheus" in settings.INSTALLED_APPS:
            from .metrics import register

            register()
