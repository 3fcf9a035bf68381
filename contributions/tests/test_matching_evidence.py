"""Matching reads verified contributions: the evidence component, its reason, and constant queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contributions.tests.factories import ContributionFactory, PeriodFactory, verified
from matching.models import MatchingSettings
from matching.problem import build_cohort_problem
from matching.reasons import pair_components, reasons_for
from matching.tests.factories import hand_made_cohort, realistic_cohort

pytestmark = pytest.mark.django_db


def test_verified_merged_work_scores_for_the_mentor_who_knows_its_language():
    made = hand_made_cohort()
    PeriodFactory(cohort=made.cohort)
    MatchingSettings.objects.filter(cohort=made.cohort).update(weight_evidence=50)
    for k in range(2):
        ContributionFactory(cohort=made.cohort, applicant=made.c.applicant, url=f"https://github.com/numpy/numpy/pull/{k + 1}",
                            **verified(languages=["Python", "C"]))
    # Not counted: flagged work, and someone else's work
    ContributionFactory(cohort=made.cohort, applicant=made.c.applicant, url="https://github.com/numpy/numpy/pull/9",
                        **verified(author_matches=False, languages=["Rust"]))
    cp = build_cohort_problem(cohort=made.cohort, params=made.cohort.matching_settings.parameters())
    assert "evidence" in cp.problem.active_components()
    i = cp.mentee_index()[made.c.pk]
    j = cp.mentor_index()[made.y.pk]  # Yolanda knows Python
    facts = pair_components(cp, [(i, j)])[0]
    assert facts["values"]["evidence"] == 0.667  # rounded to 3 places for storage
    assert "2 merged PRs in Python to numpy" in reasons_for(facts["facts"])
    other = cp.mentee_index()[made.a.pk]
    assert pair_components(cp, [(other, j)])[0]["values"]["evidence"] == 0


def test_loading_the_evidence_takes_the_same_queries_for_few_and_many_contributions():
    def build(applications, seed, per_applicant):
        cohort = realistic_cohort(applications=applications, mentors=4, seed=seed)[0].cohort
        PeriodFactory(cohort=cohort)
        for application in cohort.applications.all()[: applications // 2]:
            for k in range(per_applicant):
                ContributionFactory(cohort=cohort, applicant=application.applicant,
                                    url=f"https://github.com/numpy/numpy/pull/{application.pk * 10 + k}",
                                    **verified(languages=["Topic 1"]))
        with CaptureQueriesContext(connection) as ctx:
            cp = build_cohort_problem(cohort=cohort)
        return len(ctx.captured_queries), cp

    few, cp_few = build(4, 1, 1)
    many, cp_many = build(60, 2, 3)
    assert cp_many.problem.evidence_mentee.nnz > 0
    assert few == many, (few, many)
