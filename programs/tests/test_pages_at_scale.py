"""Issue 18, pages stay fast as cohorts grow: stored review numbers (same ranking as the per-request
computation they replace), the same queries at two cohort sizes, summarised coverage, and the
near-duplicate scan done by a task after applications change, never on a page view."""
import importlib
import math
import random
from collections import defaultdict
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import make_mentee
from programs import services
from programs.coordinator_selectors import queue_neighbours, queue_sort_key, ranked_applications, review_queue
from programs.models import Answer, Application, ApplicationPreference, DuplicateScan, MentorEnrollment, Review
from programs.selectors import application_scores
from programs.services import duplicates
from programs.tasks import scan_duplicates
from programs.tests.factories import ApplicationFactory, cohort_scenario

pytestmark = pytest.mark.django_db
Status = Application.Status


# The per-request implementation the stored numbers replace, kept here as the reference.
def reference_scores(cohort) -> dict[int, dict]:
    rows = list(
        Review.objects.filter(application__cohort=cohort, conflict_of_interest=False, weighted_score__isnull=False)
        .values_list("application_id", "reviewer_id", "weighted_score")
    )
    by_reviewer = defaultdict(list)
    for _app, reviewer, score in rows:
        by_reviewer[reviewer].append(score)
    all_scores = [score for _a, _r, score in rows]
    cohort_mean = sum(all_scores) / len(all_scores) if all_scores else 0.0
    cohort_std = math.sqrt(sum((s - cohort_mean) ** 2 for s in all_scores) / len(all_scores)) if all_scores else 0.0
    stats = {}
    for reviewer, scores in by_reviewer.items():
        if len(scores) < 2:
            stats[reviewer] = (cohort_mean, cohort_std)
            continue
        mean = sum(scores) / len(scores)
        stats[reviewer] = (mean, math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores)))
    per_app = defaultdict(lambda: {"scores": [], "z": []})
    for app, reviewer, score in rows:
        mean, std = stats[reviewer]
        per_app[app]["scores"].append(score)
        per_app[app]["z"].append((score - mean) / std if std > 1e-9 else 0.0)
    return {app: {"mean": round(sum(d["scores"]) / len(d["scores"]), 3),
                  "normalised": round(sum(d["z"]) / len(d["z"]), 3), "count": len(d["scores"])}
            for app, d in per_app.items()}


def reference_ranking(cohort) -> list[int]:
    scores = reference_scores(cohort)
    rows = cohort.applications.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]).values_list("pk", "submitted_at")

    def key(row):
        pk, submitted_at = row
        score = scores.get(pk)
        if score is None:
            return (1, 0.0, 0.0, submitted_at.timestamp() if submitted_at else 0.0, pk)
        return (0, -score["normalised"], -score["mean"], 0.0, pk)

    return [pk for pk, _s in sorted(rows, key=key)]


def random_cohort(seed: int, *, applications: int = 40, mentors: int = 7):
    """Reviews through the service (most), some conflicted, some unscored, one reviewer with one review."""
    rng = random.Random(seed)
    scenario = cohort_scenario(applications=applications, mentors=mentors)
    motivation, experience = scenario.criteria
    for application in scenario.applications:
        for mentor in rng.sample(scenario.mentors[:-1], rng.randint(0, min(4, mentors - 1))):
            roll = rng.random()
            scores = {} if roll < 0.1 else {str(motivation.pk): rng.randint(1, 5), str(experience.pk): rng.randint(1, 5)}
            services.review_submit(application=application, reviewer=mentor, scores=scores,
                                   recommendation=rng.choice(["yes", "no", "maybe", ""]),
                                   conflict_of_interest=roll > 0.93, conflict_details="Colleague" if roll > 0.93 else "")
    services.review_submit(application=scenario.applications[0], reviewer=scenario.mentors[-1],
                           scores={str(motivation.pk): 5})  # a reviewer on the cohort's scale
    return scenario


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_scores_and_ranking_equal_the_per_request_computation_on_a_random_cohort(seed):
    scenario = random_cohort(seed)
    assert application_scores(scenario.cohort) == reference_scores(scenario.cohort)
    assert [a.pk for a in ranked_applications(scenario.cohort)] == reference_ranking(scenario.cohort)
    # Ties on the rounded scores fall back to the id, as before; unscored ones come last.
    assert len(application_scores(scenario.cohort)) < len(scenario.applications)


def test_every_way_a_review_is_written_or_removed_keeps_the_stored_numbers_current(django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=2, mentors=2)
    a, b = scenario.applications
    m0, m1 = scenario.mentors
    motivation, _experience = scenario.criteria

    services.review_submit(application=a, reviewer=m0, scores={str(motivation.pk): 4})  # the service
    a.refresh_from_db()
    assert (a.review_total, a.usable_reviews, a.scored_reviews, a.review_mean) == (1, 1, 1, 4.0)

    Review.objects.create(application=a, reviewer=m1, scores={}, weighted_score=2.0)  # admin, demo data, a script
    services.review_submit(application=b, reviewer=m1, scores={}, conflict_of_interest=True, conflict_details="Friend")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.review_total, a.scored_reviews, a.review_mean, a.ranking_mean) == (2, 2, 3.0, 3.0)
    assert (b.review_total, b.usable_reviews, b.scored_reviews, b.normalised_score) == (1, 0, 0, None)
    assert dict(MentorEnrollment.objects.filter(cohort=scenario.cohort).values_list("mentor_id", "reviews_written")) == {
        m0.pk: 1, m1.pk: 2,
    }

    with django_capture_on_commit_callbacks(execute=True):  # a cascade: the reviewer's account is deleted
        get_user_model().objects.filter(pk=m1.pk).delete()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.review_total, a.review_mean) == (1, 4.0)
    assert (b.review_total, b.usable_reviews) == (0, 0)
    assert application_scores(scenario.cohort) == reference_scores(scenario.cohort)


def test_saving_an_application_loaded_before_a_review_keeps_the_new_numbers():
    scenario = cohort_scenario(applications=1, mentors=1)
    stale_copy = Application.objects.get(pk=scenario.applications[0].pk)
    services.review_submit(application=scenario.applications[0], reviewer=scenario.mentors[0],
                           scores={str(scenario.criteria[0].pk): 5})
    stale_copy.goals = "Edited by a coordinator in the admin."
    stale_copy.save()
    fresh = Application.objects.get(pk=stale_copy.pk)
    assert fresh.goals == "Edited by a coordinator in the admin." and fresh.scored_reviews == 1 and fresh.review_mean == 5.0


def test_the_data_migration_fills_the_numbers_of_existing_reviews():
    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0004_review_numbers_and_duplicate_scan")
    scenario = random_cohort(7, applications=12, mentors=4)
    Application.objects.update(review_total=0, usable_reviews=0, scored_reviews=0, review_mean=None,
                               ranking_mean=None, normalised_score=None)
    MentorEnrollment.objects.update(reviews_written=0)
    migration.fill_review_numbers(apps, None)
    assert application_scores(scenario.cohort) == reference_scores(scenario.cohort)
    assert sum(MentorEnrollment.objects.values_list("reviews_written", flat=True)) == Review.objects.count()


# --- The same queries at two sizes -------------------------------------------------------------


def populated_cohort(n: int):
    scenario = cohort_scenario(applications=0, mentors=3)
    applications = ApplicationFactory.create_batch(n, cohort=scenario.cohort)
    Answer.objects.bulk_create(Answer(application=a, question=scenario.questions[0], value="Built a thing.")
                               for a in applications)
    ApplicationPreference.objects.bulk_create(
        ApplicationPreference(application=a, mentor=scenario.mentors[i % 3], rank=1) for i, a in enumerate(applications)
    )
    Review.objects.bulk_create(
        Review(application=a, reviewer=m, scores={}, weighted_score=1 + (i + j) % 5, recommendation="yes")
        for i, a in enumerate(applications) for j, m in enumerate(scenario.mentors) if (i + j) % 3
    )
    services.review_numbers_refresh(cohort_id=scenario.cohort.pk)
    scan_duplicates(scenario.cohort.pk)
    return scenario, applications


def query_count(client, url) -> int:
    assert client.get(url).status_code == 200  # warm: the mentor's "best fit" box caches its problem
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["review_queue_mentor", "review_queue_coordinator", "dashboard", "review"])
def test_the_three_pages_run_the_same_queries_at_two_cohort_sizes(client, page):
    counts = []
    for n in (30, 130):
        scenario, applications = populated_cohort(n)
        cohort = scenario.cohort
        person = scenario.coordinator if page in ("review_queue_coordinator", "dashboard") else scenario.mentors[0]
        url = {
            "review_queue_mentor": reverse("programs:review_queue", args=[cohort.pk]) + "?unreviewed=on",
            "review_queue_coordinator": reverse("programs:review_queue", args=[cohort.pk]) + "?sort=-mean_score",
            "dashboard": reverse("programs:cohort_dashboard", args=[cohort.pk]) + "?page=2" * (n > 100),
            "review": reverse("programs:review", args=[applications[n // 2].pk]) + "?sort=review_count",
        }[page]
        client.force_login(person)
        counts.append(query_count(client, url))
    assert counts[0] == counts[1], counts


# --- Review coverage, summarised --------------------------------------------------------------


def test_the_dashboard_summarises_thin_coverage_and_links_to_the_filtered_paginated_queue(client):
    scenario = cohort_scenario(applications=0, mentors=2)
    thin = ApplicationFactory.create_batch(27, cohort=scenario.cohort)
    covered = ApplicationFactory(cohort=scenario.cohort)
    decided = ApplicationFactory(cohort=scenario.cohort, status=Status.ACCEPTED)
    for mentor in scenario.mentors:
        services.review_submit(application=covered, reviewer=mentor, scores={})
    client.force_login(scenario.coordinator)
    response = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]))
    assert response.context["coverage_total"] == 27
    assert len(response.context["coverage"]) == 10
    html = response.content.decode()
    assert "27 applications awaiting a decision have fewer than 2 reviews." in html
    link = reverse("programs:review_queue", args=[scenario.cohort.pk]) + "?fewer_reviews=on&amp;sort=review_count"
    assert link in html and "See all 27 in the review queue" in html

    queue = client.get(reverse("programs:review_queue", args=[scenario.cohort.pk]), {"fewer_reviews": "on"})
    assert queue.context["page"].paginator.count == 27
    listed = {a.pk for a in queue.context["page"].object_list}
    assert len(listed) == 25 and listed <= {a.pk for a in thin} and not listed & {covered.pk, decided.pk}


@pytest.mark.parametrize("sort", ["-submitted_at", "submitted_at", "-review_count", "review_count", "-mean_score",
                                  "mean_score"])
def test_previous_and_next_on_the_review_page_follow_the_queue_exactly(sort):
    scenario = random_cohort(5, applications=15, mentors=4)
    Application.objects.filter(pk__in=[a.pk for a in scenario.applications[:5]]).update(
        submitted_at=scenario.applications[0].submitted_at)  # ties on the sort value: the id decides
    key = queue_sort_key(sort=sort, as_coordinator=True)
    queue = review_queue(cohort=scenario.cohort, reviewer=scenario.coordinator, as_coordinator=True, sort=sort)
    ids = list(queue.values_list("pk", flat=True))
    for index, pk in enumerate(ids):
        application = Application.objects.get(pk=pk)
        expected = (ids[index - 1] if index else None, ids[index + 1] if index + 1 < len(ids) else None, index + 1, len(ids))
        assert queue_neighbours(queue, application, key) == expected


# --- Near-duplicates: a task after changes, never a page view ------------------------------------


ESSAY = (
    "I maintain a small library for reading telescope data and I want to learn how larger scientific "
    "projects organise releases, continuous integration and documentation. During this mentorship I "
    "plan to port the test suite to pytest, write a tutorial for new contributors, and help triage the "
    "issue tracker every week, because I believe good onboarding is what keeps volunteers around."
)


def test_submitting_queues_the_scan_after_commit_and_the_scan_is_idempotent(django_capture_on_commit_callbacks):
    scenario = cohort_scenario(applications=0, mentors=0)
    original = ApplicationFactory(cohort=scenario.cohort, motivation=ESSAY)
    draft = ApplicationFactory(cohort=scenario.cohort, status=Status.DRAFT, submitted_at=None,
                               applicant=make_mentee(name="Second"), motivation=ESSAY.replace("telescope", "satellite"))
    Answer.objects.create(application=draft, question=scenario.questions[0], value="A satellite tool.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=draft, actor=draft.applicant)
    assert not DuplicateScan.objects.filter(computed_at__isnull=False).exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    scan = DuplicateScan.objects.get(cohort=scenario.cohort)
    assert [(first, second) for first, second, _s in scan.pairs] == [(original.pk, draft.pk)]
    assert scan.computed_at is not None and not scan.stale
    computed_at = scan.computed_at
    assert scan_duplicates(scenario.cohort.pk) == "fresh"  # run twice (a redelivery): nothing changes
    scan.refresh_from_db()
    assert scan.computed_at == computed_at

    with django_capture_on_commit_callbacks(execute=False):  # withdrawn: marked stale in the transaction
        services.application_withdraw(application=draft, actor=draft.applicant)
    assert DuplicateScan.objects.get(cohort=scenario.cohort).stale


def test_scans_are_debounced_per_cohort_and_a_lost_enqueue_never_breaks_the_change(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(duplicates.debounce_key(987))
    with mock.patch("programs.tasks.scan_duplicates.apply_async") as apply_async:
        assert duplicates.enqueue_duplicate_scan(987) is True
        assert duplicates.enqueue_duplicate_scan(987) is False  # same window: one scan sees both changes
    apply_async.assert_called_once_with((987,), countdown=duplicates.DEBOUNCE_SECONDS)
    cache.delete(duplicates.debounce_key(987))
    with mock.patch("programs.tasks.scan_duplicates.apply_async", side_effect=ConnectionError("broker down")):
        assert duplicates.enqueue_duplicate_scan(987) is False
    assert cache.get(duplicates.debounce_key(987)) is None  # the next change tries again


def test_the_dashboard_never_scans_or_queues_on_a_page_view(client):
    scenario = cohort_scenario(applications=2, mentors=0)
    client.force_login(scenario.coordinator)
    with mock.patch("programs.services.duplicates.find_near_duplicates") as scan, \
            mock.patch("programs.services.duplicates.enqueue_duplicate_scan") as enqueue:
        response = client.get(reverse("programs:cohort_dashboard", args=[scenario.cohort.pk]))
    assert response.status_code == 200 and not scan.called and not enqueue.called
    assert "Not checked yet" in response.content.decode()
