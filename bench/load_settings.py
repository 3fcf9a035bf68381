"""Settings for bench/load.py's gunicorn: the embedded defaults with DEBUG off, persistent database
connections (as in production) and static files served from the source folders (no collectstatic)."""
from mentorship.settings.local import *  # noqa: F401,F403

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
