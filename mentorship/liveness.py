"""Liveness answered by the gunicorn master, on its own port (gunicorn.conf.py starts it).

Why not only Django's `/healthz`: a worker serves every request of its threads under one GIL, so a
health check that lands in a worker busy rendering pages waits for its turn (154 ms at p95 with 16
connections on the review queue and the dashboard; seconds with sync workers), and a load balancer
takes the instance out exactly when it is busy. The master serves no pages: it only watches its
workers. Every worker touches its heartbeat file about once a second from its main loop (that is how
gunicorn itself finds a stuck worker and kills it after `timeout`); this server answers from those
heartbeats:

- 200 `{"status": "ok", "workers": 3, "heartbeating": 3}` while at least one worker heartbeated in
  the last `stale_after` seconds;
- 503 `{"status": "unavailable", ...}` when none did (all stuck, or none booted yet) or the master is
  shutting down.

It touches no database, no Redis and no Django: the master loaded the app (preload_app) but this
thread never calls it. Plain `http.server`, one thread per connection, nothing logged (a thread that
held the stderr lock at fork time would deadlock the new worker).
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATHS = ("/healthz", "/livez")


def heartbeats(server, *, stale_after: float, now: float | None = None) -> tuple[int, int]:
    """(workers, heartbeating): how many workers the master has and how many touched their
    heartbeat file within `stale_after` seconds."""
    now = time.monotonic() if now is None else now  # gunicorn stamps the files with the monotonic clock
    for _attempt in range(3):  # the arbiter's loop may add or reap a worker while we read
        try:
            workers = list(server.WORKERS.values())
            break
        except RuntimeError:
            continue
    else:
        return 0, 0
    fresh = 0
    for worker in workers:
        try:
            if now - worker.tmp.last_update() <= stale_after:
                fresh += 1
        except (OSError, ValueError, AttributeError):  # reaped meanwhile: its file is closed
            continue
    return len(workers), fresh


class LivenessServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, arbiter, *, stale_after: float):
        self.arbiter = arbiter
        self.stale_after = stale_after
        self.stopping = False
        self.connections: set = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, LivenessHandler)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_in_child(self) -> None:
        """In a freshly forked worker: drop the copies of the master's sockets (the listening one
        and open probe connections), so that only the master holds the port and a connection the
        master closes is closed for the prober too. The master's own sockets stay open."""
        for sock in [self.socket, *self.connections]:
            try:
                sock.close()
            except OSError:
                pass

    def status(self) -> tuple[int, dict]:
        workers, fresh = heartbeats(self.arbiter, stale_after=self.stale_after)
        alive = fresh > 0 and not self.stopping
        return (200 if alive else 503), {"status": "ok" if alive else "unavailable", "workers": workers,
                                         "heartbeating": fresh}


class LivenessHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as load balancers probe
    # Headers and body leave as one write, with TCP_NODELAY: a small second write waits for the
    # client's delayed ACK (40 ms on Linux) otherwise.
    disable_nagle_algorithm = True
    server_version = "mentorship-liveness"
    sys_version = ""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._answer(body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(body=False)

    def _answer(self, *, body: bool):
        if self.path.split("?", 1)[0] not in PATHS:
            code, payload = 404, {"status": "not found"}
        else:
            code, payload = self.server.status()
        data = json.dumps(payload).encode()
        reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[code]
        head = (f"HTTP/1.1 {code} {reason}\r\nServer: {self.server_version}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nCache-Control: no-store\r\n\r\n").encode("ascii")
        self.wfile.write(head + data if body else head)  # one write: see disable_nagle_algorithm

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature): see the module docstring
        pass


def parse_bind(bind: str) -> tuple[str, int]:
    host, _sep, port = bind.rpartition(":")
    return (host.strip("[]") or "0.0.0.0"), int(port)


def start(arbiter, *, bind: str, stale_after: float) -> LivenessServer:
    """Serve liveness from a daemon thread of the calling process (the gunicorn master)."""
    server = LivenessServer(parse_bind(bind), arbiter, stale_after=stale_after)
    threading.Thread(target=server.serve_forever, name="liveness", daemon=True).start()
    return server
