"""`celery -A tests.faults.slow_matching_celery worker`: the project's app, with matching runs that pause
after each phase (MATCHING_PHASE_PAUSE seconds) so that a test can kill the worker mid-run."""
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.test")
django.setup()

from matching.services import runs  # noqa: E402
from mentorship.celery import app  # noqa: E402,F401

_original_beat = runs._beat


def _slow_beat(run, phase):
    _original_beat(run, phase)
    time.sleep(float(os.environ.get("MATCHING_PHASE_PAUSE", "3")))


runs._beat = _slow_beat
