"""End-to-end matching through Django and Postgres: load the cohort, build, score, assign, explain, write.

    .venv/bin/python bench/matching_e2e.py                 # 500 x 100, 5,000 x 1,000 and 20,000 x 4,000, 3 runs each
    .venv/bin/python bench/matching_e2e.py --sizes 5000x1000,20000x4000 --repeat 3 --reuse

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mentorship_bench): the database is
created with createdb when missing and migrated; the cohorts are built with bulk_create (skills in
15 fields with Zipf-like popularity, interests, goals and bios from field vocabularies, 1-3 of 8
languages, 13 time zones, hours, capacities 1-5, ranked preferences, reviews with some conflicts of
interest, a few locks and rule-outs) and deleted at the end (--keep to keep them, --reuse to run on
the kept ones again).

Each run is what the Celery task does (matching.services.run_execute), after the engine's compiled
kernels are loaded (as a worker does once). Printed, all measured in this run: wall and CPU seconds
per phase (the run's own timings) and in total; the load average with a warning when the machine is
busy; every SQL statement of a run counted (the COPY included) and compared across the sizes; and
same-run baselines: a bare `SELECT 1` round trip, the loader's SQL replayed with no Python work, a
COPY of the run's proposal rows into an unindexed table, and a fixed Python loop (wall / CPU).
"""
from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentorship_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

TZ = ["America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/La_Paz",
      "America/Sao_Paulo", "Europe/London", "Europe/Madrid", "Africa/Cairo", "Africa/Nairobi", "Asia/Kolkata",
      "Asia/Shanghai", "Asia/Tokyo"]
LANGS = ["en", "es", "pt", "fr", "de", "zh", "hi", "ar"]
LANG_P = [0.55, 0.15, 0.08, 0.07, 0.05, 0.04, 0.03, 0.03]
N_SKILLS, N_FIELDS = 300, 15


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    name = parsed.path.lstrip("/")
    common = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]
    exists = subprocess.run(
        ["psql", *common, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True,
    )
    if exists.stdout.strip() != "1":
        print(f"createdb {name}", flush=True)
        subprocess.run(["createdb", *common, name], check=True)


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Language, Profile, Skill, utc_offset_minutes  # noqa: E402
from matching import engine as E  # noqa: E402
from matching.models import MatchingSettings, MatchProposal, MatchRun, PairRule  # noqa: E402
from matching.problem import cohort_rows_load  # noqa: E402
from matching.services import run_execute  # noqa: E402
from programs.models import (  # noqa: E402
    Application,
    ApplicationPreference,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
    Program,
    ProgramKind,
    Review,
)

BENCH_DOMAIN = "bench-matching.example"
OPEN = [Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW]


def zipf_choice(rng: random.Random, items: list, weights: list, k: int) -> list:
    picked: set = set()
    while len(picked) < min(k, len(items)):
        picked.add(rng.choices(items, weights=weights)[0])
    return list(picked)


def build(n: int, m: int, tag: str, seed: int = 0) -> Cohort:
    """A cohort with n submitted applications and m approved mentors, everything in bulk."""
    rng = random.Random(seed)
    User = get_user_model()
    skill_names = [f"Bench skill {k:03d}" for k in range(N_SKILLS)]
    Skill.objects.bulk_create(
        [Skill(name=name, slug=name.lower().replace(" ", "-")) for name in skill_names], ignore_conflicts=True,
    )
    skills = list(Skill.objects.filter(name__in=skill_names).order_by("name").values_list("pk", flat=True))
    field_of = {s: k % N_FIELDS for k, s in enumerate(skills)}
    by_field = [[s for s in skills if field_of[s] == f] for f in range(N_FIELDS)]
    popularity = {s: 1.0 / (1 + k) ** 0.8 for k, s in enumerate(rng.sample(skills, len(skills)))}
    words = [[f"field{f}word{w}" for w in range(40)] for f in range(N_FIELDS)]
    generic = [f"common{w}" for w in range(200)]
    languages = dict(Language.objects.filter(code__in=LANGS).values_list("code", "pk"))

    def text(field: int, k: int) -> str:
        return " ".join(rng.choice(words[field]) if rng.random() < 0.6 else rng.choice(generic) for _ in range(k))

    def skills_in(field: int, k: int) -> list:
        pool = by_field[field]
        return zipf_choice(rng, pool, [popularity[s] for s in pool], k)

    password = make_password("bench")
    coordinator = User.objects.create(email=f"coordinator-{tag}@{BENCH_DOMAIN}", password=password)
    Profile.objects.get_or_create(user=coordinator)
    program = Program.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}", kind=ProgramKind.MENTORING, summary="Bench.")
    program.coordinators.add(coordinator)
    now = timezone.now()
    cohort = Cohort.objects.create(
        program=program, name=f"Bench {tag}", applications_open_at=now - timedelta(days=30),
        applications_close_at=now - timedelta(days=5), starts_on=(now + timedelta(days=20)).date(),
        ends_on=(now + timedelta(days=120)).date(), phase_override="matching",
    )
    MatchingSettings.objects.create(cohort=cohort)

    people = User.objects.bulk_create(
        [User(email=f"{role}{k}-{tag}@{BENCH_DOMAIN}", password=password)
         for role, count in (("mentor", m), ("mentee", n)) for k in range(count)],
        batch_size=2000,
    )
    mentors, mentees = people[:m], people[m:]
    field = {u.pk: rng.randrange(N_FIELDS) for u in people}
    offsets = {tz: utc_offset_minutes(tz) for tz in TZ}
    mentor_pks = {u.pk for u in mentors}
    profiles = []
    for u in people:
        tz = rng.choice(TZ)
        is_mentor = u.pk in mentor_pks
        profiles.append(Profile(
            user=u, display_name=f"{'Mentor' if is_mentor else 'Mentee'} {u.pk}", timezone=tz, utc_offset_minutes=offsets[tz],
            hours_per_week=rng.randint(1, 8) if is_mentor else rng.randint(1, 10), is_mentor=is_mentor,
            bio=text(field[u.pk], 30) if is_mentor else "", career_goals="" if is_mentor else text(field[u.pk], 15),
        ))
    profiles = Profile.objects.bulk_create(profiles, batch_size=2000)
    profile_of = {p.user_id: p.pk for p in profiles}
    Profile.skills.through.objects.bulk_create(
        [Profile.skills.through(profile_id=profile_of[u.pk], skill_id=s)
         for u in mentors for s in skills_in(field[u.pk], rng.randint(3, 8))],
        batch_size=5000,
    )
    Profile.interests.through.objects.bulk_create(
        [Profile.interests.through(profile_id=profile_of[u.pk], skill_id=s)
         for u in people for s in skills_in(field[u.pk] if rng.random() < 0.7 else rng.randrange(N_FIELDS), rng.randint(2, 5))],
        batch_size=5000,
    )
    Profile.languages.through.objects.bulk_create(
        [Profile.languages.through(profile_id=profile_of[u.pk], language_id=languages[code])
         for u in people for code in set(rng.choices(LANGS, weights=LANG_P, k=rng.randint(1, 3)))],
        batch_size=5000,
    )
    enrollments = MentorEnrollment.objects.bulk_create(
        [MentorEnrollment(cohort=cohort, mentor=u, capacity=rng.randint(1, 5), status=ApprovalStatus.APPROVED,
                          offer=text(field[u.pk], 10)) for u in mentors],
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        [Application(cohort=cohort, applicant=u, status=rng.choice(OPEN),
                     goals=text(field[u.pk], 25), hours_per_week=rng.randint(1, 10), submitted_at=now) for u in mentees],
        batch_size=2000,
    )
    Application.skills_wanted.through.objects.bulk_create(
        [Application.skills_wanted.through(application_id=a.pk, skill_id=s)
         for a in applications for s in skills_in(field[a.applicant_id], rng.randint(2, 5))],
        batch_size=5000,
    )
    mentors_by_field = [[u for u in mentors if field[u.pk] == f] or mentors for f in range(N_FIELDS)]
    ApplicationPreference.objects.bulk_create(
        [ApplicationPreference(application=a, mentor=mentor, rank=rank)
         for a in applications if rng.random() < 0.6
         for rank, mentor in enumerate(rng.sample(mentors_by_field[field[a.applicant_id]],
                                                  min(3, len(mentors_by_field[field[a.applicant_id]]))), start=1)],
        batch_size=5000,
    )
    Review.objects.bulk_create(
        [Review(application=a, reviewer=reviewer, scores={}, weighted_score=round(rng.uniform(1, 5), 2),
                conflict_of_interest=rng.random() < 0.02)
         for a in applications if rng.random() < 0.7 for reviewer in rng.sample(mentors, rng.randint(1, 2))],
        batch_size=5000,
    )
    rules, locked_per_mentor = [], {}
    for a in rng.sample(applications, min(70, len(applications))):
        e = rng.choice(enrollments)
        if len(rules) < 20 and locked_per_mentor.get(e.pk, 0) < e.capacity:
            locked_per_mentor[e.pk] = locked_per_mentor.get(e.pk, 0) + 1
            rules.append(PairRule(cohort=cohort, application=a, enrollment=e, kind=PairRule.Kind.LOCKED))
        else:
            rules.append(PairRule(cohort=cohort, application=a, enrollment=e, kind=PairRule.Kind.RULED_OUT))
    PairRule.objects.bulk_create(rules, ignore_conflicts=True)
    return cohort


def select_one_ms(rounds: int = 2000) -> float:
    """Baseline: one bare `SELECT 1` round trip."""
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for _ in range(rounds):
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return (time.perf_counter() - start) * 1000 / rounds


def rows_alone_s(cohort: Cohort, rounds: int = 3) -> tuple[float, int, int]:
    """Baseline: replay the loader's SQL and fetch every row (no Python work on them): the floor for loading."""
    with CaptureQueriesContext(connection) as ctx:
        cohort_rows_load(cohort=cohort)
    statements = [q["sql"] for q in ctx.captured_queries]
    times, n_rows = [], 0
    for _ in range(rounds):
        n_rows = 0
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                n_rows += len(cursor.fetchall())
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(statements), n_rows


def plain_insert_s(run: MatchRun, rounds: int = 3) -> tuple[float, int, int]:
    """Baseline: the run's own proposal rows, read back as COPY text, COPYed into an unindexed temporary table with no
    foreign keys and committed: the floor for writing those bytes from this process."""
    table = MatchProposal._meta.db_table
    with connection.cursor() as cursor:
        data = io.StringIO()
        cursor.copy_expert(f'COPY (SELECT * FROM "{table}" WHERE run_id = {int(run.pk)}) TO STDOUT', data)
    payload = data.getvalue()
    times = []
    for _ in range(rounds):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TEMP TABLE bench_plain (LIKE "{table}")')
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert("COPY bench_plain FROM STDIN", io.StringIO(payload))
        times.append(time.perf_counter() - start)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_plain")
    return statistics.median(times), payload.count("\n"), len(payload.encode())


def cpu_probe_ms(rounds: int = 5) -> tuple[float, float]:
    """Baseline: a fixed pure-Python loop, wall and CPU ms (its wall / CPU ratio shows how contended the machine is)."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        total = 0
        for k in range(300_000):
            total += k * k % 7
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def backend_cpu_s() -> float | None:
    """CPU seconds the Postgres backend serving this connection has used (None when its /proc entry is not readable,
    e.g. Postgres on another machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(cohort: Cohort, repeat: int) -> dict:
    """`repeat` runs as the Celery task does them; every SQL statement counted (COPY included)."""
    totals, cpus, db_cpus, queries, recorded, phases, runs = [], [], [], [], [], {}, []
    for _ in range(repeat):
        run = MatchRun.objects.create(cohort=cohort, parameters=cohort.matching_settings.parameters(),
                                      heartbeat_at=timezone.now())
        db_cpu = backend_cpu_s()
        start, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            outcome = run_execute(run_id=run.pk)
        totals.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        db_after = backend_cpu_s()
        db_cpus.append(None if db_cpu is None or db_after is None else db_after - db_cpu)
        assert outcome == "done", (outcome, MatchRun.objects.get(pk=run.pk).error)
        run.refresh_from_db()
        queries.append(len(ctx.captured_queries))
        recorded.append(run.query_count)
        runs.append(run)
        for key, value in run.timings.items():
            phases.setdefault(key, []).append(value)
    return {
        "total": statistics.median(totals), "cpu": statistics.median(cpus), "all": totals, "queries": queries,
        "db_cpu": None if None in db_cpus else statistics.median(db_cpus),
        "recorded": recorded, "run": runs[-1], "phases": {k: statistics.median(v) for k, v in phases.items()},
    }


def bench_cohort(n: int, m: int, seed: int, reuse: bool) -> tuple[Cohort, bool]:
    """The bench cohort of this size (reused with --reuse when a kept one exists), and whether it was built now."""
    tag = f"{n}x{m}-s{seed}"
    if reuse:
        cohort = Cohort.objects.filter(name=f"Bench {tag}", program__slug=f"bench-{tag}").first()
        if cohort is not None:
            return cohort, False
    Program.objects.filter(slug=f"bench-{tag}").delete()
    get_user_model().objects.filter(email__endswith=f"-{tag}@{BENCH_DOMAIN}").delete()
    return build(n, m, tag=tag, seed=seed), True


def cleanup(cohorts: list[Cohort]) -> None:
    for cohort in cohorts:
        Program.objects.filter(pk=cohort.program_id).delete()
    get_user_model().objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    cores = os.cpu_count() or 1
    busy = one > 0.75 * cores
    warning = ""
    if busy:
        warning = f"  WARNING: busy machine (1-min load {one:.1f} on {cores} cores): wall times are inflated, compare CPU"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {cores} cores{warning}"


PHASES = ["load", "build", "score", "assign_optimal", "assign_stable", "assign_greedy", "explain", "write"]
TARGETS = {(5000, 1000): 3.0, (20000, 4000): 10.0}


def report(results: list[dict], repeat: int, loads: list[str]) -> None:
    print()
    print(f"End to end (matching.services.run_execute: the Celery task's work), Postgres, median of {repeat} runs")
    print("per phase: wall s / CPU s of this process (Postgres's own CPU is not in it)")
    header = f"{'cohort':>13} {'total':>11} " + " ".join(f"{p.replace('assign_', ''):>11}" for p in PHASES)
    print(header)
    print("-" * len(header))
    for r in results:
        p = r["phases"]
        cells = " ".join(f"{p.get(k, 0):5.2f}/{p.get(k + '_cpu', 0):5.2f}" for k in PHASES)
        db = "" if r["db_cpu"] is None else f"   + Postgres backend CPU {r['db_cpu']:.2f} s"
        print(f"{r['n']:>6} x {r['m']:<5} {r['total']:5.2f}/{r['cpu']:5.2f} {cells}{db}")
    print()
    print("Same-run baselines")
    for r in results:
        print(f"  {r['n']} x {r['m']}: SELECT 1 round trip {r['select_ms']:.3f} ms; loader's {r['statements']} queries alone "
              f"(rows fetched, no Python work) {r['rows_s']:.3f} s for {r['rows']} rows; COPY of the run's "
              f"{r['plain_rows']} proposal rows ({r['plain_bytes'] / 1e6:.1f} MB) into an unindexed table "
              f"{r['plain_s']:.3f} s; fixed Python loop {r['probe_wall']:.0f} ms wall / {r['probe_cpu']:.0f} ms CPU")
    print()
    for r, load in zip(results, loads, strict=True):
        run = r["run"]
        print(f"{r['n']} x {r['m']}: runs {', '.join(f'{t:.2f}' for t in r['all'])} s; {run.matched_count} matched / "
              f"{run.unmatched_count} unmatched {run.unmatched_by_reason}; totals optimal {run.optimal_total:.1f}, "
              f"stable {run.stable_total:.1f}, greedy {run.greedy_total:.1f}; {load}")
    for r in results:
        target = TARGETS.get((r["n"], r["m"]))
        if target is not None:
            verdict = {True: "met", False: "NOT met"}
            cpu = r["cpu"] + (r["db_cpu"] or 0)
            print(f"target {r['n']} x {r['m']} under {target:.0f} s: wall {r['total']:.2f} s {verdict[r['total'] < target]}; "
                  f"CPU (this process + its Postgres backend) {cpu:.2f} s {verdict[cpu < target]}")
    print()
    per_size = "; ".join(f"{r['n']} x {r['m']}: {'/'.join(map(str, sorted(set(r['queries']))))} "
                         f"(run records {'/'.join(map(str, sorted(set(r['recorded']))))})" for r in results)
    print(f"SQL statements per run, COPY included: {per_size}")
    counts = {tuple(sorted(set(r["queries"]))) for r in results}
    if len(results) < 2:
        print("SQL statements across sizes: only one size measured, nothing to compare")
    elif len(counts) == 1 and len(next(iter(counts))) == 1:
        print(f"SQL statements across sizes: the same at all {len(results)} sizes measured in this run")
    else:
        print(f"SQL statements across sizes: NOT the same ({sorted(counts)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500x100,5000x1000,20000x4000", help="applicants x mentors, comma separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench cohorts in the database")
    parser.add_argument("--reuse", action="store_true", help="reuse cohorts kept by an earlier --keep run (implies --keep)")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    assert connection.vendor == "postgresql", "this bench measures Postgres: set DATABASE_URL"
    print(f"Database {connection.settings_dict['NAME']}: migrating ...", flush=True)
    call_command("migrate", verbosity=0)
    print(load_line(), flush=True)
    start = time.perf_counter()
    E.warm()  # a worker loads the compiled kernels once; the runs below are what every later task costs
    print(f"engine kernels loaded in {time.perf_counter() - start:.2f} s (not in the figures below)", flush=True)

    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    cohorts, results, loads = [], [], []
    try:
        for n, m in sizes:
            start = time.perf_counter()
            cohort, built = bench_cohort(n, m, seed=n + m, reuse=args.reuse)
            cohorts.append(cohort)
            if built:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them in production
            print(f"{'built' if built else 'reused'} {n} applicants x {m} mentors in {time.perf_counter() - start:.1f} s",
                  flush=True)
            result = measure(cohort, args.repeat)
            loads.append(load_line())
            rows_s, n_statements, n_rows = rows_alone_s(cohort)
            plain_s, plain_rows, plain_bytes = plain_insert_s(result["run"])
            probe_wall, probe_cpu = cpu_probe_ms()
            result.update(n=n, m=m, select_ms=select_one_ms(), rows_s=rows_s, statements=n_statements, rows=n_rows,
                          plain_s=plain_s, plain_rows=plain_rows, plain_bytes=plain_bytes,
                          probe_wall=probe_wall, probe_cpu=probe_cpu)
            results.append(result)
            print(f"  {n} x {m}: {result['total']:.2f} s wall, {result['cpu']:.2f} s CPU; {loads[-1]}", flush=True)
    finally:
        if not args.keep:
            start = time.perf_counter()
            cleanup(cohorts)
            print(f"bench data deleted in {time.perf_counter() - start:.1f} s", flush=True)
    report(results, args.repeat, loads)


if __name__ == "__main__":
    main()
