"""Private servers for fault tests: never the shared Redis on 6379, always our own process on our own port."""
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from conftest import require


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class PrivateRedis:
    """A redis-server on its own port that a test can stop, start, freeze (SIGSTOP) and thaw."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server is not installed (apt-get install redis-server)")
        self.binary, self.workdir, self.port, self.proc = binary, workdir, free_port(), None
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        assert wait_port(self.port), "private redis-server did not start"
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def freeze(self):
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.proc.pid, signal.SIGCONT)


@contextmanager
def private_redis(workdir: Path):
    server = PrivateRedis(workdir).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def gunicorn_server(*, env: dict, log_path: Path, workers: int = 2, threads: int = 4):
    """gunicorn with the repository's gunicorn.conf.py on a loopback port; yields the base URL."""
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
           "GUNICORN_THREADS": str(threads), "GUNICORN_ACCESSLOG": ""}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "mentorship.wsgi"],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        assert wait_port(port, timeout=30), log_path.read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that records every message it accepts.

    `accept_delay` seconds pass between receiving a message and answering "250": a sender killed in
    that window never learns that the server has it (the case that decides at least / at most once).
    """

    def __init__(self, accept_delay: float = 0.0):
        self.accept_delay, self.messages, self._lock = accept_delay, [], __import__("threading").Lock()
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        import asyncio
        from email import message_from_bytes

        parsed = message_from_bytes(envelope.content)
        with self._lock:
            self.messages.append(("".join(str(parsed["Message-ID"]).split()), parsed["To"]))  # unfolded
        if self.accept_delay:
            await asyncio.sleep(self.accept_delay)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def by_message_id(self):
        from collections import Counter

        with self._lock:
            return Counter(message_id for message_id, _ in self.messages)


@contextmanager
def smtp_sink(accept_delay: float = 0.0):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        require(False, "aiosmtpd is not installed (pip install -r requirements.txt)")
    sink = SmtpSink(accept_delay)
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
