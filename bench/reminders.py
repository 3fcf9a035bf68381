"""Reminders for 20,000 people in one cohort: SQL queries per scan and emails rendered per second.

    .venv/bin/python bench/reminders.py [--people 20000]

Builds a throwaway database (Postgres "<name>_test" when DATABASE_URL is set, else SQLite), puts
N applicants with a draft in a cohort that closes in two days, then runs the draft-closing
scanner (what the beat's due-scan does) and prints:
- the SQL queries of one scan at N/10 and at N people (constant: not per person),
- emails rendered and written per second by the scan (notify_many),
- next to a baseline measured in the same run: rendering one email in a loop, no database.
Sending is not included (tasks are not run: CELERY_TASK_ALWAYS_EAGER=false, the broker is memory).
"""
import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.test")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def build(n: int, cohort):
    from accounts.models import Profile
    from programs.models import Application

    User = get_user_model()
    start = User.objects.count()
    User.objects.bulk_create(
        [User(email=f"p{start + i}@bench.example", password="!", language="es" if i % 3 == 0 else "en") for i in range(n)],
        batch_size=2000,
    )
    users = list(User.objects.filter(email__endswith="@bench.example").order_by("-pk")[:n])
    Profile.objects.bulk_create(
        [Profile(user=u, display_name=f"Person {u.pk}", timezone="UTC") for u in users], batch_size=2000,
    )
    Application.objects.bulk_create(
        [Application(cohort=cohort, applicant=u, status=Application.Status.DRAFT) for u in users], batch_size=2000,
    )


def scan(now):
    from programs.reminders import draft_closing

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        with transaction.atomic():
            created = draft_closing(now=now)
        elapsed = time.perf_counter() - started
    inserts = sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT"))
    return created, (len(ctx.captured_queries) - inserts, inserts), elapsed


def baseline(loops: int) -> float:
    from notifications import kinds
    from notifications.services import render_message

    kind = kinds.get("application_reminder")
    context = {"event": "draft_closing", "name": "Ana", "program": "Internships", "cohort": "Term 4",
               "closes": timezone.now(), "hours": 40, "url": "/applications/1/"}
    started = time.perf_counter()
    for i in range(loops):
        render_message(kind=kind, context=context, language="es" if i % 3 == 0 else "en", unsubscribe_url="https://x/u/")
    return loops / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    args = parser.parse_args()
    setup_test_environment()
    from notifications.models import Notification
    from programs.tests.factories import CohortFactory

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        small_cohort = CohortFactory(applications_close_at=now + timedelta(hours=48))
        big_cohort = CohortFactory(applications_close_at=now + timedelta(hours=48))
        small = args.people // 10
        build(small, small_cohort)
        build(args.people, big_cohort)
        # Scan the small cohort alone first (the big one closes later for this pass).
        big_cohort.applications_close_at = now + timedelta(days=30)
        big_cohort.save()
        created_small, queries_small, secs_small = scan(now)
        big_cohort.applications_close_at = now + timedelta(hours=48)
        big_cohort.save()
        created_big, queries_big, secs_big = scan(now)
        again, queries_again, secs_again = scan(now)
        per_second_baseline = baseline(2000)
        vendor = connection.vendor
        total_rows = Notification.objects.count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {vendor}")
    print(f"{'scan':40} {'created':>8} {'reads':>6} {'inserts':>8} {'seconds':>8} {'emails/s':>9}")
    for label, created, (reads, inserts), secs in (
        (f"draft closing, {small} people", created_small, queries_small, secs_small),
        (f"draft closing, {args.people} people", created_big, queries_big, secs_big),
        ("same scan again (all keys exist)", again, queries_again, secs_again),
    ):
        rate = f"{created / secs:9.0f}" if created else f"{'-':>9}"
        print(f"{label:40} {created:8d} {reads:6d} {inserts:8d} {secs:8.2f} {rate}")
    print(f"{'baseline: render one email in a loop':40} {'':8} {0:6d} {0:8d} {'':8} {per_second_baseline:9.0f}")
    print(f"\nreads per scan: {queries_big[0]} at {args.people} people, {queries_small[0]} at {small} (constant); "
          f"inserts: one per batch of 1,000 rows.\nscan throughput / render-only baseline: "
          f"{created_big / secs_big / per_second_baseline:.2f}x; outbox rows: {total_rows}")


if __name__ == "__main__":
    main()
