"""The evidence component inside the engine's own guarantees: recomputed from the inputs, order-free,
optimal against brute force, inactive (and changing nothing) without evidence; its reason in words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import engine as E
from matching.engine.evidence import SATURATION
from matching.evidence_facts import evidence_fact, evidence_sentence
from matching.reasons import pair_components, reasons_for
from matching.tests.test_engine_order import cohort, same_answer
from matching.tests.test_engine_reasons import cohort_problem, raw_cohort
from matching.tests.test_engine_solvers import brute_force

LABELS = ["Python", "C", "Rust", "numpy", "astronomy", "web"]
STATES = ["merged", "open", "committed", "closed"]
WEIGHT = {"merged": 1.0, "committed": 1.0, "open": 0.5, "closed": 0.25}


def with_evidence(d: dict, seed: int, share: float = 0.6) -> dict:
    """Add verified work to some mentees and known labels to every mentor."""
    rng = np.random.default_rng(seed + 7)
    n, m = len(d["mentee_skills_wanted"]), len(d["mentor_skills"])
    work = []
    for _ in range(n):
        items = []
        if rng.random() < share:
            for _ in range(int(rng.integers(1, 5))):
                state = STATES[int(rng.integers(len(STATES)))]
                labels = rng.choice(LABELS, size=int(rng.integers(1, 3)), replace=False).tolist()
                items.append((WEIGHT[state], labels))
        work.append(items)
    known = [rng.choice([x.lower() for x in LABELS], size=int(rng.integers(0, 3)), replace=False).tolist() for _ in range(m)]
    return {**d, "mentee_evidence": work, "mentor_evidence": known}


def evidence_from_scratch(d: dict, i: int, j: int) -> float:
    items = [(w, {x.lower() for x in ls}) for w, ls in d["mentee_evidence"][i] if w > 0 and ls]
    total = sum(w for w, _ in items)
    known = {x.lower() for x in d["mentor_evidence"][j]}
    return sum(w for w, ls in items if ls & known) / max(total, SATURATION) if total else 0.0


@pytest.mark.parametrize("seed", range(4))
def test_the_component_is_recomputed_from_the_inputs_and_sums_into_the_total(seed):
    d = with_evidence(raw_cohort(seed), seed)
    p = E.Problem.build(**d)
    assert "evidence" in p.active_components()
    n, m = p.n_mentees, p.n_mentors
    pairs = [(i, j) for i in range(n) for j in range(m)]
    bd = E.breakdown(p, pairs)
    wn = E.Weights().normalised(p)
    for k, (i, j) in enumerate(pairs):
        expected = evidence_from_scratch(d, i, j)
        assert bd["evidence"][k] == pytest.approx(expected, abs=1e-12)
        exact = wn["evidence"] * expected  # scored in whole units, rounded down
        assert exact - 1 / E.SCORE_SCALE - 1e-9 <= bd["points_evidence"][k] <= exact + 1e-9
    total = sum(bd[f"points_{c}"] for c in E.COMPONENTS)
    assert np.allclose(total, bd["total"], atol=1e-6)
    scores = E.pair_scores(p, pairs)
    ok = bd["eligible"]
    assert np.array_equal(scores[ok], np.rint(bd["total"][ok] * E.SCORE_SCALE).astype(np.int64))


def test_without_evidence_the_component_is_inactive_and_scores_do_not_change():
    d = raw_cohort(1)
    plain = E.Problem.build(**d)
    empty = E.Problem.build(**{**d, "mentee_evidence": [[] for _ in d["mentee_skills_wanted"]],
                               "mentor_evidence": [["python"] for _ in d["mentor_skills"]]})
    assert "evidence" not in empty.active_components()
    assert np.array_equal(E.score_matrix(plain), E.score_matrix(empty))


def test_a_mentor_who_knows_the_language_scores_higher_for_the_same_mentee():
    d = raw_cohort(2, n=1, m=2)
    d = {**d, "mentor_skills": [[1], [1]], "mentor_interests": [[], []], "mentor_text": ["", ""],
         "mentor_languages": [["en"], ["en"]], "mentor_tz_offset_minutes": [0, 0], "mentor_hours": [5, 5],
         "mentee_preferences": [[]],
         "mentee_evidence": [[(1.0, ["Python", "numpy"]), (1.0, ["Python"])]], "mentor_evidence": [["python"], ["rust"]]}
    p = E.Problem.build(**d)
    s = E.score_matrix(p)
    assert s[0, 0] > s[0, 1]
    assert E.explain(p, 0, 0)["components"]["evidence"] == pytest.approx(2 / 3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 20), m=st.integers(1, 7), ties=st.booleans(), data=st.data())
def test_permuting_rows_and_columns_permutes_the_result_with_evidence(seed, n, m, ties, data):
    d = with_evidence(cohort(seed, n, m, ties=ties, review="mentee"), seed)
    pa = np.asarray(data.draw(st.permutations(range(n))), dtype=np.int64)
    pb = np.asarray(data.draw(st.permutations(range(m))), dtype=np.int64)
    same_answer(d, pa, pb, top_k=data.draw(st.sampled_from([2, 50])))


@pytest.mark.parametrize("seed", range(8))
def test_optimal_equals_brute_force_with_evidence(seed):
    rng = np.random.default_rng(seed)
    d = with_evidence(cohort(seed, int(rng.integers(3, 7)), 3, review="none"), seed, share=0.9)
    d["locked"] = []
    p = E.Problem.build(**d)
    s = E.score_matrix(p)
    assert E.assign(p).total_units == brute_force(s, p.capacity)[0]
    assert (len(E.assign(p, objective="most_matched").pairs), E.assign(p, objective="most_matched").total_units) == \
        brute_force(s, p.capacity, most_matched=True)


def test_the_reason_names_the_merged_work_the_mentor_knows():
    d = raw_cohort(3, n=2, m=2)
    cp = cohort_problem(d)
    cp.evidence_work = [
        [("change", "merged", ("Python", "C"), ("numpy",), "numpy/numpy"),
         ("change", "merged", ("Python", "C"), ("numpy",), "numpy/numpy"),
         ("issue", "open", ("Python",), (), "numpy/numpy"),
         ("commit", "committed", ("Rust",), (), "rust-lang/rust")],
        [],
    ]
    cp.mentor_labels = [frozenset({"python"}), frozenset({"rust"})]
    assert evidence_fact(cp, 0, 0) == {"count": 2, "pull_requests": True, "label": "Python", "repository": "numpy"}
    assert evidence_sentence(evidence_fact(cp, 0, 0)) == "2 merged PRs in Python to numpy"
    assert evidence_sentence(evidence_fact(cp, 0, 1)) == "1 merged contribution in Rust to rust"
    assert evidence_fact(cp, 1, 0) is None
    facts = pair_components(cp, [(0, 0), (1, 0)])
    assert "2 merged PRs in Python to numpy" in reasons_for(facts[0]["facts"])
    assert not any("merged" in r for r in reasons_for(facts[1]["facts"]))
