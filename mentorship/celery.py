"""The Celery app. Tasks are discovered in each installed app's tasks.py.

The beat schedule lives here, in code, so that exactly one beat process runs it.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.local")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
