"""Stable and greedy modes, locks, unmatched reasons, and properties of every mode."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import engine as E
from matching.tests.test_engine import build, random_problem, units
from matching.tests.test_engine_solvers import blocking_pairs, literal_greedy

# --------------------------------------------------------------------------- stability / greedy


def test_stable_complete_extends_truncated_lists():
    # top_k=2 on 12 mentors with scarce capacity: mentees exhaust their lists
    p = random_problem(5, 40, 12, max_cap=1, forbid=0.05)
    s = E.score_matrix(p)
    a = E.assign(p, mode="stable", top_k=2)
    assert a.info["extension_passes"] >= 1
    assert blocking_pairs(s, a, p.capacity, p.locked.tolist()) == []
    truncated = E.assign(p, mode="stable", top_k=2, stable_complete=False)
    assert blocking_pairs(s, truncated, p.capacity, p.locked.tolist()) != []


def test_locks_are_kept_and_override_language():
    p = build(
        mentee_skills_wanted=[[1], [1], [1]],
        mentee_languages=[["en"], ["en"], ["fr"]],
        mentor_skills=[[1], [1]],
        mentor_languages=[["en"], ["en"]],
        mentor_capacity=[1, 1],
        locked=[(2, 1)],
    )
    for mode in E.MODES:
        a = E.assign(p, mode=mode)
        assert a.pairs.tolist() == [[0, 0], [2, 1]]
        assert a.locked.tolist() == [False, True]
        assert a.unmatched == {1: "capacity_full"}
        assert a.scores[1] == pytest.approx(E.breakdown(p, [(2, 1)])["total"][0])
    assert E.explain(p, 2, 1)["locked"] is True


def test_unmatched_reasons():
    p = build(
        mentee_skills_wanted=[[1], [1], [2], [1]],
        mentee_languages=[["en"], ["en"], ["en"], ["zz"]],
        mentor_skills=[[1]],
        mentor_capacity=[1],
    )
    s = E.score_matrix(p)
    ms = float(s[2, 0]) + 0.01  # mentee 2 (skill mismatch) falls below the bar
    for mode in E.MODES:
        a = E.assign(p, mode=mode, min_score=ms)
        assert a.pairs.tolist() == [[0, 0]]
        assert a.unmatched == {1: "capacity_full", 2: "below_min_score", 3: "no_eligible_mentor"}


# --------------------------------------------------------------------------- properties


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 5))
    return random_problem(
        seed, n, m, forbid=draw(st.sampled_from([0.0, 0.2, 0.5])), n_locks=draw(st.integers(0, 2)), review=draw(st.booleans())
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from(E.MODES), st.sampled_from([None, 30.0]))
def test_assignment_invariants(p, mode, min_score):
    a = E.assign(p, mode=mode, min_score=min_score)
    b = E.assign(p, mode=mode, min_score=min_score)
    assert np.array_equal(a.pairs, b.pairs) and a.total_units == b.total_units  # deterministic
    n, m = p.n_mentees, p.n_mentors
    assert len(np.unique(a.pairs[:, 0])) == len(a.pairs)  # each mentee at most once
    assert (np.bincount(a.pairs[:, 1], minlength=m) <= p.capacity).all()
    assert np.array_equal(a.mentor_load, np.bincount(a.pairs[:, 1], minlength=m))
    s = E.score_matrix(p)
    got = {tuple(x) for x in a.pairs.tolist()}
    locks = {tuple(x) for x in p.locked.tolist()}
    assert locks <= got
    for i, j in got - locks:
        assert np.isfinite(s[i, j]) and (i, j) not in {tuple(x) for x in zip(p.forbid_i, p.forbid_j, strict=True)}
        if min_score is not None:
            assert s[i, j] >= min_score
    assert np.array_equal(a.score_units, units(s[a.pairs[:, 0], a.pairs[:, 1]])) or locks
    assert set(a.unmatched) == set(range(n)) - {i for i, _ in got}
    assert set(a.unmatched.values()) <= set(E.UNMATCHED_REASONS)
    if mode == "stable":
        assert blocking_pairs(s, a, p.capacity, sorted(locks), min_score) == []
    if mode == "greedy":
        assert sorted(got - locks) == literal_greedy(s, p.capacity, sorted(locks), min_score)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_optimal_dominates_and_stable_equals_greedy(p):
    opt = E.assign(p)
    gr = E.assign(p, mode="greedy")
    stb = E.assign(p, mode="stable")
    assert opt.total_units >= gr.total_units
    assert opt.total_units >= stb.total_units
    # both sides rank by the same score: the stable matching is unique and equals greedy
    assert np.array_equal(stb.pairs, gr.pairs)
