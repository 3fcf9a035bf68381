"""Latency of the mentor and coordinator pages on a cohort with 2,000 applications.

    .venv/bin/python bench/programs_pages.py [--applications 2000] [--requests 200]

Builds a throwaway database (Postgres when DATABASE_URL is set: a new "<name>_bench" database;
otherwise an SQLite file under var/), fills one cohort with applications, answers, reviews and
preferences, then requests each page in-process through django.test.Client (full middleware
stack: sessions, auth, CSP, locale) and prints p50/p95 next to a bare view (/healthz) measured
in the same run. The throwaway database is dropped at the end.
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
    coordinator = UserFactory(email="coordinator@bench.example")
    cohort = CohortFactory(program=ProgramFactory(coordinators=[coordinator], name="Bench Program"), name="Bench Term")
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
        User(email=f"applicant{i}@bench.example", password=password) for i in range(n_applications)
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
    return cohort, coordinator, mentors, applications, len(reviews)


def measure(client: Client, url: str, n: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request resets the connection's query log
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(round(0.95 * n)) - 1)],
        "mean": statistics.fmean(timings),
        "queries": queries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

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
    print(f"Building a throwaway {vendor} database ({test_settings['NAME']}) ...", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        start = time.perf_counter()
        cohort, coordinator, mentors, applications, n_reviews = build(args.applications, args.mentors)
        print(f"{len(applications)} applications, {n_reviews} reviews, {len(mentors)} mentors "
              f"built in {time.perf_counter() - start:.1f} s", flush=True)

        anonymous, mentor_client, coordinator_client = Client(), Client(), Client()
        mentor_client.force_login(mentors[0])
        coordinator_client.force_login(coordinator)
        queue = reverse("programs:review_queue", args=[cohort.pk])
        dashboard = reverse("programs:cohort_dashboard", args=[cohort.pk])
        review = reverse("programs:review", args=[applications[len(applications) // 2].pk])

        start = time.perf_counter()
        assert coordinator_client.get(dashboard).status_code == 200
        cold_dashboard = (time.perf_counter() - start) * 1000  # includes the duplicate scan, cached afterwards

        pages = [
            ("/healthz (bare view, SELECT 1)", anonymous, "/healthz"),
            ("home page (a template on base.html)", anonymous, "/"),
            ("review queue, mentor, page 1", mentor_client, queue),
            ("review queue, mentor, not reviewed by me", mentor_client, f"{queue}?unreviewed=on&sort=review_count"),
            ("review queue, coordinator, by score", coordinator_client, f"{queue}?sort=-mean_score"),
            ("cohort dashboard, page 1", coordinator_client, dashboard),
            ("cohort dashboard, page 10", coordinator_client, f"{dashboard}?page=10"),
            ("review page (one application)", mentor_client, review),
        ]
        results = [(label, measure(client, url, args.requests)) for label, client, url in pages]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    base = results[0][1]["p50"]
    print()
    print(f"{args.requests} requests per page, in-process django.test.Client, {vendor}, "
          f"{args.applications} applications in the cohort")
    header = f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'queries':>8} {'p50 / bare':>11}"
    print(header)
    print("-" * len(header))
    for label, r in results:
        print(f"{label:44} {r['p50']:8.2f} {r['p95']:8.2f} {r['mean']:8.2f} {r['queries']:8d} {r['p50'] / base:10.1f}x")
    print(f"\nFirst (cold) dashboard request, including the near-duplicate scan: {cold_dashboard:.0f} ms")


if __name__ == "__main__":
    main()
