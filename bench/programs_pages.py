"""Latency and query counts of the mentor and coordinator pages as a cohort grows.

    .venv/bin/python bench/programs_pages.py [--sizes 2000,20000] [--requests 200]

Builds a throwaway database (Postgres when DATABASE_URL is set: a new "<name>_bench" database;
otherwise an SQLite file under var/). For each size it fills one cohort with applications,
answers, reviews and preferences (rows written in bulk, then the stored review numbers and the
near-duplicate scan computed once, as the services and the task would), then requests each page
in-process through django.test.Client (full middleware stack: sessions, auth, CSP, locale) and
prints p50/p95, the CPU time per request and the query count next to a bare view (/healthz)
measured in the same run, then compares the query counts across sizes. It also times one review
submitted through the page (the write that now refreshes the stored numbers). The load average
is printed before and after; a busy machine makes every figure noisy. The database is dropped.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

WORDS = (
    "data science open research python package community mentor learn build test release document review astronomy "
    "genomics climate statistics notebook pipeline model survey clinic library tutorial issue contributor maintainer "
    "workshop conference paper thesis laboratory sensor telescope satellite ocean forest river city school student "
    "teacher volunteer project grant report dashboard archive dataset visualisation simulation hardware firmware"
).split()


TARGET_MS = 50  # p95 of every page but the bare view (issue 18)


def essay(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build(n_applications: int, n_mentors: int, seed: int = 1):
    """One published cohort: a coordinator, approved mentors, n submitted applications with reviews."""
    from accounts.models import Profile, Skill
    from accounts.tests.factories import UserFactory, make_mentor
    from programs.models import Answer, Application, ApplicationPreference, Recommendation, Review
    from programs.services import weighted_score
    from programs.tests.factories import CohortFactory, CriterionFactory, EnrollmentFactory, ProgramFactory, QuestionFactory

    rng = random.Random(seed)
    coordinator = UserFactory(email=f"coordinator-{n_applications}@bench.example")
    program = ProgramFactory(coordinators=[coordinator], name=f"Bench Program {n_applications}")
    cohort = CohortFactory(program=program, name="Bench Term")
    questions = [QuestionFactory(cohort=cohort, prompt="What have you built?"),
                 QuestionFactory(cohort=cohort, prompt="Why this program?")]
    criteria = [CriterionFactory(cohort=cohort, name="Motivation", weight=2),
                CriterionFactory(cohort=cohort, name="Experience", weight=1),
                CriterionFactory(cohort=cohort, name="Fit", weight=1)]
    mentors = [make_mentor(name=f"Bench Mentor {i}") for i in range(n_mentors)]
    for mentor in mentors:
        EnrollmentFactory(cohort=cohort, mentor=mentor, capacity=rng.randint(1, 4))
    skills = [Skill.objects.get_or_create(name=f"Bench skill {i}", defaults={"slug": f"bench-skill-{i}"})[0] for i in range(40)]

    # Applicants in bulk: bulk_create skips the post_save signal, so profiles are created here too.
    User = get_user_model()
    password = make_password("bench")
    users = User.objects.bulk_create(
        User(email=f"applicant{i}-of-{n_applications}@bench.example", password=password) for i in range(n_applications)
    )
    Profile.objects.bulk_create(Profile(user=u, display_name=f"Applicant {i:04d}") for i, u in enumerate(users))
    now = timezone.now()
    texts = [essay(rng, rng.randint(80, 200)) for _ in range(n_applications)]
    for i in range(0, n_applications, 97):  # a few near-copies for the duplicate panel
        texts[(i + 13) % n_applications] = texts[i].replace("data", "information", 2)
    applications = Application.objects.bulk_create(
        Application(
            cohort=cohort, applicant=u, status=Application.Status.UNDER_REVIEW, goals=essay(rng, 20), motivation=texts[i],
            hours_per_week=rng.randint(2, 20), submitted_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 10)),
        )
        for i, u in enumerate(users)
    )
    through = Application.skills_wanted.through
    through.objects.bulk_create(
        through(application_id=a.pk, skill_id=s.pk) for a in applications for s in rng.sample(skills, 3)
    )
    Answer.objects.bulk_create(
        Answer(application=a, question=q, value=essay(rng, 40)) for a in applications for q in questions
    )
    ApplicationPreference.objects.bulk_create(
        ApplicationPreference(application=a, mentor=m, rank=rank)
        for a in applications if rng.random() < 0.6
        for rank, m in enumerate(rng.sample(mentors, 3), start=1)
    )
    reviews = []
    for a in applications:
        for reviewer in rng.sample(mentors, rng.randint(1, 4)):
            scores = {str(c.pk): rng.randint(1, 5) for c in criteria}
            reviews.append(Review(
                application=a, reviewer=reviewer, scores=scores, weighted_score=weighted_score(criteria=criteria, scores=scores),
                recommendation=rng.choice(Recommendation.values), comment=essay(rng, 15),
            ))
    Review.objects.bulk_create(reviews, batch_size=2000)
    # bulk_create skips the services: compute what they keep, once, as they would.
    from programs.services import review_numbers_refresh
    from programs.tasks import scan_duplicates

    start = time.perf_counter()
    review_numbers_refresh(cohort_id=cohort.pk)
    refresh_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    scan_duplicates(cohort.pk)
    scan_ms = (time.perf_counter() - start) * 1000
    return cohort, coordinator, mentors, applications, len(reviews), refresh_ms, scan_ms


def measure(client: Client, url: str, n: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request resets the connection's query log
    timings, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append((time.process_time() - start_cpu) * 1000)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(round(0.95 * n)) - 1)],
        "cpu": statistics.fmean(cpu),
        "queries": queries,
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def busy_warning() -> str:
    one = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if one > 0.7 * cpus:
        return (f"WARNING: the machine is busy (load {one:.2f} on {cpus} CPUs): other processes share the cores, so "
                "wall-clock figures are inflated and noisy; CPU time and query counts are the steadier measures.")
    return ""


def run_size(n_applications: int, args) -> dict:
    from programs.models import Review

    start = time.perf_counter()
    cohort, coordinator, mentors, applications, n_reviews, refresh_ms, scan_ms = build(n_applications, args.mentors)
    print(f"{len(applications)} applications, {n_reviews} reviews, {len(mentors)} mentors built in "
          f"{time.perf_counter() - start:.1f} s (stored review numbers {refresh_ms:.0f} ms, duplicate scan task "
          f"{scan_ms:.0f} ms)", flush=True)
    with connection.cursor() as cursor:  # statistics and visibility map, as autovacuum keeps a real database
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    anonymous, mentor_client, coordinator_client = Client(), Client(), Client()
    mentor_client.force_login(mentors[0])
    coordinator_client.force_login(coordinator)
    queue = reverse("programs:review_queue", args=[cohort.pk])
    dashboard = reverse("programs:cohort_dashboard", args=[cohort.pk])
    review = reverse("programs:review", args=[applications[len(applications) // 2].pk])

    start = time.perf_counter()
    assert coordinator_client.get(dashboard).status_code == 200
    cold_dashboard = (time.perf_counter() - start) * 1000

    pages = [
        ("/healthz (bare view)", anonymous, "/healthz"),
        ("review queue, mentor, page 1", mentor_client, queue),
        ("review queue, mentor, not reviewed by me", mentor_client, f"{queue}?unreviewed=on&sort=review_count"),
        ("review queue, coordinator, by score", coordinator_client, f"{queue}?sort=-mean_score"),
        ("review queue, fewer than 2 reviews", coordinator_client, f"{queue}?fewer_reviews=on&sort=review_count"),
        ("cohort dashboard, page 1", coordinator_client, dashboard),
        ("cohort dashboard, page 10", coordinator_client, f"{dashboard}?page=10"),
        ("review page (one application)", mentor_client, review),
    ]
    results = [(label, measure(client, url, args.requests)) for label, client, url in pages]

    # One review written through the page: the write now pays for the stored numbers.
    target = applications[len(applications) // 3]
    reviewer = next(m for m in mentors if not Review.objects.filter(application=target, reviewer=m).exists())
    writer = Client()
    writer.force_login(reviewer)
    criteria = list(cohort.criteria.all())
    data = {f"criterion_{c.pk}": "4" for c in criteria} | {"recommendation": "yes", "comment": "Bench review."}
    start = time.perf_counter()
    response = writer.post(reverse("programs:review", args=[target.pk]), data)
    review_post = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    return {"size": n_applications, "reviews": n_reviews, "results": results, "cold": cold_dashboard,
            "review_post": review_post, "refresh_ms": refresh_ms, "scan_ms": scan_ms}


def print_size(run: dict, args, vendor: str) -> None:
    base = run["results"][0][1]["p50"]
    print()
    print(f"{args.requests} requests per page, in-process django.test.Client, {vendor}, "
          f"{run['size']} applications and {run['reviews']} reviews in the cohort")
    header = f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8} {'p50 / bare':>11}"
    print(header)
    print("-" * len(header))
    for label, r in run["results"]:
        print(f"{label:42} {r['p50']:8.2f} {r['p95']:8.2f} {r['cpu']:8.2f} {r['queries']:8d} {r['p50'] / base:10.1f}x")
    print(f"first dashboard request {run['cold']:.0f} ms; one review submitted through the page {run['review_post']:.0f} ms "
          f"(includes refreshing the stored numbers)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="comma-separated numbers of applications")
    parser.add_argument("--mentors", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    setup_test_environment()
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    settings_dict["CONN_MAX_AGE"] = 60  # persistent connections, as in production
    test_settings = settings_dict.setdefault("TEST", {})
    if vendor == "sqlite":
        (ROOT / "var").mkdir(exist_ok=True)
        test_settings["NAME"] = str(ROOT / "var" / f"bench-programs-{os.getpid()}.sqlite3")
    else:
        test_settings["NAME"] = f"{settings_dict['NAME']}_bench"
    print(f"Load average at start: {load_average()}")
    print(f"Building a throwaway {vendor} database ({test_settings['NAME']}) ...", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    runs = []
    cpu_start = time.process_time()
    try:
        for size in sizes:
            runs.append(run_size(size, args))
            print_size(runs[-1], args, vendor)
            print(f"load average now: {load_average()}", flush=True)
            if busy_warning():
                print(busy_warning(), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print()
    print(f"Query counts across sizes ({', '.join(str(r['size']) for r in runs)} applications):")
    same = True
    for index, (label, _r) in enumerate(runs[0]["results"]):
        counts = [run["results"][index][1]["queries"] for run in runs]
        p95s = [run["results"][index][1]["p95"] for run in runs]
        flag = "same" if len(set(counts)) == 1 else "DIFFERENT"
        same = same and flag == "same"
        print(f"  {label:42} queries {' / '.join(map(str, counts)):>10}  {flag:9}  p95 ms "
              + " / ".join(f"{p:.1f}" for p in p95s))
    print("One review submitted through the page (with the stored numbers' refresh): "
          + ", ".join(f"{run['review_post']:.0f} ms at {run['size']}" for run in runs))
    slow = [(run["size"], label, r["p95"]) for run in runs for label, r in run["results"][1:] if r["p95"] >= TARGET_MS]
    detail = "every page" if not slow else ", ".join(f"{s}: {lbl} {p:.0f} ms" for s, lbl, p in slow)
    print(f"{'PASS' if not slow else 'FAIL'}: p95 under {TARGET_MS} ms at every size ({detail})")
    print(f"{'PASS' if same else 'FAIL'}: the same query counts at every size")
    print(f"CPU time of this process: {time.process_time() - cpu_start:.1f} s. Load average at the end: {load_average()}")
    if busy_warning():
        print(busy_warning())


if __name__ == "__main__":
    main()
