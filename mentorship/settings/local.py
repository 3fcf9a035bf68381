"""The embedded default for a developer's machine: `make run`."""
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import EMAIL_FILE_PATH, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# A fresh clone has no var/: create the folders the defaults point at (the SQLite file, the mail
# files), so `manage.py migrate` works as the first command.
VAR_DIR.mkdir(parents=True, exist_ok=True)
Path(EMAIL_FILE_PATH).mkdir(parents=True, exist_ok=True)
