"""A real gunicorn with the repository's gunicorn.conf.py answers liveness from the master's own port:
200 while its worker heartbeats, 503 within the stale threshold once the worker is frozen (SIGSTOP:
alive as a process, serving nothing), 200 again when it runs; Django's /healthz still answers in the
worker."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .servers import free_port, wait_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent.parent


def wait_status(url: str, status: int, timeout: float) -> tuple[int, float]:
    start = time.monotonic()
    seen = None
    while time.monotonic() - start < timeout:
        try:
            seen = requests.get(url, timeout=2).status_code
        except requests.RequestException:
            seen = None
        if seen == status:
            return seen, time.monotonic() - start
        time.sleep(0.2)
    return seen, time.monotonic() - start


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_the_master_says_whether_its_worker_heartbeats(tmp_path):
    port, health_port = free_port(), free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings.test", "REDIS_URL": "",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_HEALTH_BIND": f"127.0.0.1:{health_port}",
           "GUNICORN_HEALTH_STALE_SECONDS": "2", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
           "GUNICORN_ACCESSLOG": "", "GUNICORN_TIMEOUT": "120"}
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "mentorship.wsgi"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_port(port, timeout=60) and wait_port(health_port, timeout=10), log_path.read_text()
        liveness = f"http://127.0.0.1:{health_port}/healthz"
        assert wait_status(liveness, 200, 20)[0] == 200, log_path.read_text()
        body = requests.get(liveness, timeout=5).json()
        assert body == {"status": "ok", "workers": 1, "heartbeating": 1}
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200  # Django's, kept

        (worker,) = worker_pids(proc.pid)
        os.kill(worker, signal.SIGSTOP)
        try:
            status, after = wait_status(liveness, 503, 15)
            assert status == 503 and after < 6, (status, after)  # 2 s threshold plus a heartbeat interval
            assert requests.get(liveness, timeout=5).json()["heartbeating"] == 0
        finally:
            os.kill(worker, signal.SIGCONT)
        assert wait_status(liveness, 200, 15)[0] == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
