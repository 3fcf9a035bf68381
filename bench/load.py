"""Bounded load against a real gunicorn: is /healthz still fast while the busiest pages are loaded?

    .venv/bin/python bench/load.py [--applications 2000] [--seconds 30] [--connections 16]

Builds a throwaway database (Postgres when DATABASE_URL is set, "<name>_load"; else SQLite under var/)
with one cohort (bench/programs_pages.py's builder), starts gunicorn on loopback with the repository's
gunicorn.conf.py (WEB_CONCURRENCY / GUNICORN_THREADS apply), then keeps --connections keep-alive
connections busy for --seconds: most on the review queue and the coordinator dashboard, two on the
liveness port the gunicorn master serves (GUNICORN_HEALTH_BIND, mentorship/liveness.py), as a load
balancer would probe, and one on Django's /healthz inside a worker, for comparison. Prints p50/p95 per
page side by side with both health checks measured idle in the same run, requests per second, errors,
gunicorn's CPU time (in all, and per page request) and the load average, then PASS/FAIL of the master's
liveness against the 50 ms p95 target, computed from this run. Everything it starts is stopped and the
database dropped at the end.
"""
import argparse
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.test")

import programs_pages  # noqa: E402  (sets Django up)
import requests  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

LIVENESS = "liveness (gunicorn master)"
DJANGO_HEALTHZ = "/healthz (Django, in a worker)"
HEALTH = (LIVENESS, DJANGO_HEALTHZ)
TARGET_MS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict, name: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return f"postgres://{user}{password}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def percentile(values, q):
    values = sorted(values)
    return values[max(0, int(round(q * len(values))) - 1)] if values else float("nan")


def hammer(base, path, cookie, deadline, out, errors):
    session = requests.Session()
    if cookie:
        session.cookies.set("sessionid", cookie)
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            response = session.get(base + path, timeout=30)
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        elapsed = (time.perf_counter() - start) * 1000
        (out if ok else errors).append(elapsed)


def probe(base, deadline, queue):
    """One health-check connection in a process of its own; sends (timings, errors) back."""
    out, errors = [], []
    hammer(base, "/healthz", "", deadline, out, errors)
    queue.put((out, errors))


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children (gunicorn master and workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for proc in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / tick
        except (FileNotFoundError, IndexError):
            pass
    return total


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    setup_test_environment()
    settings_dict = connection.settings_dict
    test_settings = settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        (ROOT / "var").mkdir(exist_ok=True)
        test_settings["NAME"] = str(ROOT / "var" / f"bench-load-{os.getpid()}.sqlite3")
    else:
        test_settings["NAME"] = f"{settings_dict['NAME']}_load"
    print(f"Building a throwaway {connection.vendor} database ({test_settings['NAME']}) ...", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    gunicorn = None
    try:
        cohort, coordinator, mentors, applications, n_reviews, _refresh, _scan = programs_pages.build(
            args.applications, args.mentors)
        with connection.cursor() as cursor:  # statistics, as autovacuum keeps a real database
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"{len(applications)} applications, {n_reviews} reviews, {len(mentors)} mentors", flush=True)
        pages = {
            LIVENESS: ("/healthz", ""),
            DJANGO_HEALTHZ: ("/healthz", ""),
            "review queue (mentor)": (reverse("programs:review_queue", args=[cohort.pk]), session_cookie(mentors[0])),
            "coordinator dashboard": (reverse("programs:cohort_dashboard", args=[cohort.pk]), session_cookie(coordinator)),
        }
        connection.close()

        port, health_port = free_port(), free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "load_settings", "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
               "DATABASE_URL": database_url(settings_dict, settings_dict["NAME"]), "REDIS_URL": "",
               "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_HEALTH_BIND": f"127.0.0.1:{health_port}",
               "GUNICORN_ACCESSLOG": "", "GUNICORN_LOGLEVEL": "warning",
               "LOG_LEVEL": "WARNING"}
        gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "mentorship.wsgi"],
                                    cwd=ROOT, env=env, start_new_session=True)
        bases = {name: f"http://127.0.0.1:{health_port if name == LIVENESS else port}" for name in pages}
        for name in (DJANGO_HEALTHZ, LIVENESS):
            for _ in range(300):
                try:
                    if requests.get(bases[name] + "/healthz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit(f"{name} never answered 200 (is the port free? see gunicorn's log above)")
        for name, (path, cookie) in pages.items():  # every worker renders every page once before timing
            for _ in range(6):
                response = requests.get(bases[name] + path, cookies={"sessionid": cookie} if cookie else None,
                                        timeout=60)
                assert response.status_code == 200, (name, response.status_code)

        idle, idle_errors = {}, {}
        for name in (LIVENESS, DJANGO_HEALTHZ):  # one at a time, nothing else running: threads are fine here
            idle[name], idle_errors[name] = [], []
            hammer(bases[name], "/healthz", "", time.monotonic() + 3, idle[name], idle_errors[name])

        slow = [name for name in pages if name not in HEALTH]
        plan = [LIVENESS] * 2 + [DJANGO_HEALTHZ] + [slow[i % len(slow)] for i in range(args.connections - 3)]
        results = {name: [] for name in pages}
        errors = {name: [] for name in pages}
        load_before, cpu_before, wall_start = os.getloadavg(), cpu_seconds(gunicorn.pid), time.monotonic()
        deadline = wall_start + args.seconds
        # Health probes run in processes of their own: 16 client threads share this process's GIL, and a
        # probe waiting for it would count the client's delay as the server's (as a load balancer's would not).
        forked = multiprocessing.get_context("fork")
        probes = [(name, forked.Queue()) for name in plan if name in HEALTH]
        processes = [forked.Process(target=probe, args=(bases[name], deadline, queue)) for name, queue in probes]
        for process in processes:
            process.start()
        threads = [threading.Thread(target=hammer, args=(bases[name], pages[name][0], pages[name][1], deadline,
                                                          results[name], errors[name])) for name in plan
                   if name not in HEALTH]
        for thread in threads:
            thread.start()
        for name, queue in probes:
            timings, failed = queue.get(timeout=args.seconds + 60)
            results[name].extend(timings)
            errors[name].extend(failed)
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        for process in processes:
            process.join(timeout=10)
        wall = time.monotonic() - wall_start
        cpu = cpu_seconds(gunicorn.pid) - cpu_before
        load_after = os.getloadavg()
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)

    workers, threads_per = os.environ.get("WEB_CONCURRENCY", "3"), os.environ.get("GUNICORN_THREADS", "8")
    print()
    print(f"gunicorn (gunicorn.conf.py: gthread, {workers} workers x {threads_per} threads), {connection.vendor}, "
          f"{args.applications} applications; {args.connections} keep-alive connections for {wall:.1f} s "
          f"({plan.count(LIVENESS)} on the master's liveness port, {plan.count(DJANGO_HEALTHZ)} on Django's /healthz, "
          f"the rest on the two pages)")
    header = f"{'page':36} {'conns':>5} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}"
    print(header)
    print("-" * len(header))

    def line(label, conns, timings, failed, seconds):
        print(f"{label:36} {conns:5d} {len(timings):9d} {len(timings) / seconds:7.1f} "
              f"{statistics.median(timings) if timings else float('nan'):8.1f} {percentile(timings, 0.95):8.1f} "
              f"{max(timings, default=float('nan')):8.1f} {len(failed):6d}")

    for name in (LIVENESS, DJANGO_HEALTHZ):
        line(f"{name}, idle (before)", 1, idle[name], idle_errors[name], 3)
    for name, timings in results.items():
        line(f"{name}, under load" if name in HEALTH else name, plan.count(name), timings, errors[name], wall)
    page_requests = sum(len(results[name]) for name in slow)
    print(f"\ngunicorn CPU time during the load: {cpu:.1f} s over {wall:.1f} s wall ({cpu / wall:.2f} cores), "
          f"{1000 * cpu / max(1, page_requests + len(results[DJANGO_HEALTHZ])):.1f} ms per request served by the "
          f"workers; load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    p95 = percentile(results[LIVENESS], 0.95)
    failed = sum(len(errors[name]) for name in pages)
    verdict = "PASS" if p95 < TARGET_MS and not errors[LIVENESS] and results[LIVENESS] else "FAIL"
    print(f"{verdict}: {LIVENESS} p95 {p95:.1f} ms under load (target < {TARGET_MS} ms), "
          f"{len(errors[LIVENESS])} errors; {failed} failed requests in all")
    if os.getloadavg()[0] > 0.7 * (os.cpu_count() or 1):
        print("WARNING: the machine is busy: other processes share the cores, so wall-clock figures are inflated.")


if __name__ == "__main__":
    main()
