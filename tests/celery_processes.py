"""Start real Celery processes against the test database and a real Redis, for integration tests."""
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from conftest import require

ROOT = Path(__file__).resolve().parent.parent


def process_env(*, redis_url: str, mail_dir: Path, **extra) -> dict:
    require(connection.vendor == "postgresql", "real-worker tests need DATABASE_URL to point at Postgres")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_EMAIL_BACKEND": "notifications.backends.ReadableFileEmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_manage(*args, env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@contextmanager
def celery_process(*args, env: dict, log_path: Path, app: str = "mentorship"):
    """Run `celery -A <app> <args>` until the block ends; its log goes to log_path."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for(predicate, *, timeout: float = 40, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def isolated_redis_url(base_url: str, db_index: int = 14) -> str:
    """The same Redis server, another database number, emptied: tests never see stale messages."""
    import redis

    base = base_url.rsplit("/", 1)[0] if base_url.count("/") > 2 else base_url
    url = f"{base}/{db_index}"
    redis.Redis.from_url(url).flushdb()
    return url
