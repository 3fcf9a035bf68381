"""The review numbers the database computes (services.review_numbers, SQL) equal a from-scratch
recomputation in Python (the rule as the pages computed it per request), whatever sequence of review
writes, edits, conflicts and deletions led there. Runs on the configured database: Postgres in CI,
SQLite in the embedded default (run both)."""
from collections import Counter

import pytest
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import services
from programs.models import Application, MentorEnrollment, Review
from programs.selectors import application_scores
from programs.tests.factories import cohort_scenario
from programs.tests.test_pages_at_scale import reference_scores

pytestmark = pytest.mark.django_db

APPLICATIONS, MENTORS = 5, 4
score = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
step = st.tuples(
    st.sampled_from(["review", "review", "review", "conflict", "delete", "admin_save"]),
    st.integers(min_value=0, max_value=APPLICATIONS - 1),
    st.integers(min_value=0, max_value=MENTORS - 1),
    score, score,
)


def stored_counts(cohort):
    return {pk: (total, usable) for pk, total, usable in
            Application.objects.filter(cohort=cohort).values_list("pk", "review_total", "usable_reviews")}


def recomputed_counts(cohort):
    total, usable = Counter(), Counter()
    for application_id, conflicted in Review.objects.filter(application__cohort=cohort).values_list(
            "application_id", "conflict_of_interest"):
        total[application_id] += 1
        usable[application_id] += not conflicted
    return {pk: (total[pk], usable[pk]) for pk in Application.objects.filter(cohort=cohort).values_list("pk", flat=True)}


def apply(scenario, kind, a, m, first, second):
    application, mentor = scenario.applications[a], scenario.mentors[m]
    motivation, experience = scenario.criteria
    scores = {str(c.pk): v for c, v in ((motivation, first), (experience, second)) if v is not None}
    if kind == "review":
        services.review_submit(application=application, reviewer=mentor, scores=scores, recommendation="yes")
    elif kind == "conflict":
        services.review_submit(application=application, reviewer=mentor, scores={}, conflict_of_interest=True,
                               conflict_details="Former colleague")
    elif kind == "delete":  # the admin's delete: refreshed after commit
        with TestCase.captureOnCommitCallbacks(execute=True):
            Review.objects.filter(application=application, reviewer=mentor).delete()
    else:  # a direct save (admin, a script): the post_save signal refreshes
        Review.objects.update_or_create(application=application, reviewer=mentor, defaults={
            "scores": scores, "weighted_score": services.weighted_score(criteria=scenario.criteria, scores=scores),
        })


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_stored_numbers_equal_a_recomputation_from_scratch_after_any_sequence_of_writes(steps):
    with transaction.atomic():
        scenario = cohort_scenario(applications=APPLICATIONS, mentors=MENTORS)
        for args in steps:
            apply(scenario, *args)
        cohort = scenario.cohort
        assert application_scores(cohort) == reference_scores(cohort)
        assert stored_counts(cohort) == recomputed_counts(cohort)
        written = Counter(Review.objects.filter(application__cohort=cohort).values_list("reviewer_id", flat=True))
        assert dict(MentorEnrollment.objects.filter(cohort=cohort).values_list("mentor_id", "reviews_written")) == {
            mentor.pk: written[mentor.pk] for mentor in scenario.mentors}
        # Nothing left to do: a full refresh from scratch writes no row.
        assert services.review_numbers_refresh(cohort_id=cohort.pk) == 0
        transaction.set_rollback(True)
