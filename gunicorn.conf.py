"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py mentorship.wsgi` (README, Deploying).

Threaded workers: a sync worker serves one request at a time, so 16 connections on slow pages left
`/healthz` waiting 3 s behind them and a load balancer would drop the instance exactly when it is
busy. With threads, a cheap request gets a thread while slow ones run; the GIL lets it through in
milliseconds. Every value can be overridden from the environment.
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


def on_exit(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
