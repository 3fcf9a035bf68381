"""Settings for the test suite. DATABASE_URL and REDIS_URL still apply (CI sets both)."""
import os
import re

# Under pytest-xdist each worker gets its own database (pytest-django adds the suffix) and its own
# Redis database, so real Celery workers started by one test never take another worker's tasks.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base = re.search(r"/(\d+)$", os.environ["REDIS_URL"])
    _db = ((int(_base.group(1)) if _base else 0) + 1 + int(_xdist_worker[2:])) % 16
    os.environ["REDIS_URL"] = re.sub(r"(/\d+)?$", f"/{_db}", os.environ["REDIS_URL"].rstrip("/"), count=1)

from .base import *  # noqa: E402,F401,F403
from .base import env  # noqa: E402

DEBUG = False
# Tests run tasks in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rate limits are tested explicitly; a shared test cache would otherwise trip them. Fault tests start
# servers with TEST_REAL_CACHE=true to keep the production cache (Redis with its fallback).
if not env.bool("TEST_REAL_CACHE", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
