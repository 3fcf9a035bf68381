"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py mentorship.wsgi` (README, Deploying).

Threaded workers: a sync worker serves one request at a time, so 16 connections on slow pages left
`/healthz` waiting 3 s behind them and a load balancer would drop the instance exactly when it is
busy. With threads, a cheap request gets a thread while slow ones run, but it still waits for the GIL
behind CPU-bound pages of the same worker (154 ms at p95 under load). So liveness for load balancers
is answered by the master, on its own port (GUNICORN_HEALTH_BIND, default 0.0.0.0:8001), from the
workers' heartbeats: mentorship/liveness.py. Every value can be overridden from the environment.
"""
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))  # about one per core, plus one
worker_class = "gthread"
# More threads than the slow requests we expect at once, so health checks never queue. Each thread
# holds its own persistent Postgres connection: workers x threads connections per instance.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is killed and replaced
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks), with jitter so they do not all restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Load the app once in the master: workers (and their replacements after max_requests) start warm.
# Code changes then need a full restart, not a HUP.
preload_app = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat files off slow disks
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a proxy: trust X-Forwarded-* from it only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus: every worker writes its samples under this folder and /metrics adds them up. Emptied
# when the master starts (before the app is preloaded); a dead worker's gauges are dropped.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"mentorship-prometheus-{os.getpid()}"),
)
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# Liveness from the master (mentorship/liveness.py): GET http://<health bind>/healthz answers 200 while a
# worker heartbeated within GUNICORN_HEALTH_STALE_SECONDS, else 503. Empty GUNICORN_HEALTH_BIND: off.
health_bind = os.environ.get("GUNICORN_HEALTH_BIND", "0.0.0.0:8001")
health_stale_after = float(os.environ.get("GUNICORN_HEALTH_STALE_SECONDS", "10"))
_liveness = {}


def when_ready(server):
    if health_bind:
        from mentorship.liveness import start

        try:
            _liveness["server"] = start(server, bind=health_bind, stale_after=health_stale_after)
        except OSError as exc:  # the port is taken: serve the app anyway, and say so loudly
            server.log.error("Liveness NOT served on %s: %s", health_bind, exc)
        else:
            server.log.info("Liveness on http://%s/healthz (workers' heartbeats, from the master)", health_bind)


def post_fork(server, worker):
    if "server" in _liveness:
        _liveness["server"].close_in_child()  # only the master serves the health port


def on_exit(server):
    if "server" in _liveness:
        _liveness["server"].stopping = True
        _liveness["server"].shutdown()
    shutil.rmtree(_metrics_dir, ignore_errors=True)
