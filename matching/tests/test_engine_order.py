"""The engine gives the same answer whatever the order of mentees and mentors.

Scores are compared bit for bit; assignments, candidate lists and unmatched reasons are
compared after mapping indices back through the permutation.  Ties are broken by the stable
keys (``mentee_keys`` / ``mentor_keys``), so tie-heavy cohorts are part of the test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import engine as E

WORDS = "python bayesian statistics design frontend react career leadership data cloud security ml".split()


def cohort(seed: int, n: int, m: int, *, ties: bool = False, review: str = "mentee") -> dict:
    """Plain Problem.build arguments; ``ties`` makes most pairs score the same."""
    rng = np.random.default_rng(seed)
    n_sk = 3 if ties else 40

    def pick(k_max, pool):
        return [sorted(rng.choice(pool, size=rng.integers(1, k_max + 1), replace=False).tolist()) for _ in range(n)]

    def text(count):
        if ties:
            return [""] * count
        return [" ".join(rng.choice(WORDS, size=rng.integers(2, 7))) for _ in range(count)]

    langs = [["en"], ["es"], ["en", "es"], ["fr", "en"]]
    tz = [0] if ties else [-300, 0, 60, 330, 540]
    cap = rng.integers(0, 4, m)
    d = dict(
        mentee_skills_wanted=pick(3, n_sk),
        mentee_interests=[rng.choice(8, size=rng.integers(0, 3), replace=False).tolist() for _ in range(n)],
        mentee_goals_text=text(n),
        mentee_languages=[langs[x] for x in rng.integers(0, 4, n)],
        mentee_tz_offset_minutes=rng.choice(tz, n).tolist(),
        mentee_hours=rng.integers(1, 3 if ties else 9, n).tolist(),
        mentee_preferences=[rng.permutation(m)[: rng.integers(0, 3)].tolist() for _ in range(n)],
        mentor_skills=[sorted(rng.choice(n_sk, size=rng.integers(1, 4), replace=False).tolist()) for _ in range(m)],
        mentor_interests=[rng.choice(8, size=rng.integers(0, 3), replace=False).tolist() for _ in range(m)],
        mentor_text=text(m),
        mentor_languages=[langs[x] for x in rng.integers(0, 4, m)],
        mentor_tz_offset_minutes=rng.choice(tz, m).tolist(),
        mentor_hours=rng.integers(1, 3 if ties else 9, m).tolist(),
        mentor_capacity=cap.tolist(),
        forbidden=sorted({(int(rng.integers(n)), int(rng.integers(m))) for _ in range(n // 4)}),
        mentee_keys=(rng.permutation(n) * 3 + 1000).tolist(),
        mentor_keys=[f"enrollment-{x:06d}" for x in rng.permutation(m)],
    )
    if review == "mentee":
        raw = rng.normal(3, 1, n)
        raw[rng.random(n) < 0.3] = np.nan
        d["review_score"] = raw.tolist()
    elif review == "pair":
        d["review_score"] = {(int(rng.integers(n)), int(rng.integers(m))): float(rng.normal(3, 1)) for _ in range(n)}
        d["review_by_mentor"] = True
    load = np.zeros(m, int)
    locks = []
    fset = set(d["forbidden"])
    for i in rng.permutation(n)[: max(1, n // 50)].tolist():
        j = int(rng.integers(m))
        if load[j] < cap[j] and (i, j) not in fset:
            load[j] += 1
            locks.append((i, j))
    d["locked"] = locks
    return d


def permute(d: dict, pa: np.ndarray, pb: np.ndarray) -> dict:
    """The same cohort with mentee row r = old row pa[r] and mentor column c = old column pb[c]."""
    ia, ib = np.argsort(pa), np.argsort(pb)  # old -> new
    out = {}
    for k, v in d.items():
        if k.startswith("mentee_") and k != "mentee_preferences":
            out[k] = [v[x] for x in pa]
        elif k.startswith("mentor_"):
            out[k] = [v[x] for x in pb]
        elif k in ("forbidden", "locked"):
            out[k] = [(int(ia[i]), int(ib[j])) for i, j in v]
        elif k == "review_score":
            out[k] = {(int(ia[i]), int(ib[j])): s for (i, j), s in v.items()} if isinstance(v, dict) else [v[x] for x in pa]
        else:
            out[k] = v
    out["mentee_preferences"] = [[int(ib[j]) for j in d["mentee_preferences"][x]] for x in pa]
    return out


def same_answer(d: dict, pa: np.ndarray, pb: np.ndarray, *, scores: bool = True, top_k: int = 50) -> None:
    p1 = E.Problem.build(**d)
    p2 = E.Problem.build(**permute(d, pa, pb))
    if scores:  # bit for bit: the shuffled matrix is the permuted matrix
        s1, s2 = E.score_matrix(p1), E.score_matrix(p2)
        assert np.array_equal(s2, s1[pa][:, pb])
    c1, c2 = E.candidates(p1, top_k=top_k), E.candidates(p2, top_k=top_k)
    for r in np.linspace(0, len(pa) - 1, min(len(pa), 50)).astype(int).tolist():  # candidate lists, row by row
        a = c1.mentor[c1.indptr[pa[r]] : c1.indptr[pa[r] + 1]]
        b = pb[c2.mentor[c2.indptr[r] : c2.indptr[r + 1]]]
        assert a.tolist() == b.tolist()
    for mode in E.MODES:
        a1 = E.assign(p1, mode=mode, candidates=c1)
        a2 = E.assign(p2, mode=mode, candidates=c2)
        back = np.stack([pa[a2.pairs[:, 0]], pb[a2.pairs[:, 1]]], axis=1)
        assert sorted(map(tuple, back.tolist())) == sorted(map(tuple, a1.pairs.tolist())), mode
        assert a1.total_units == a2.total_units
        assert {int(pa[i]): why for i, why in a2.unmatched.items()} == a1.unmatched


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 25),
    m=st.integers(1, 8),
    ties=st.booleans(),
    review=st.sampled_from(["none", "mentee", "pair"]),
    data=st.data(),
)
def test_permuting_rows_and_columns_permutes_the_result(seed, n, m, ties, review, data):
    d = cohort(seed, n, m, ties=ties, review=review)
    pa = np.asarray(data.draw(st.permutations(range(n))), dtype=np.int64)
    pb = np.asarray(data.draw(st.permutations(range(m))), dtype=np.int64)
    same_answer(d, pa, pb, top_k=data.draw(st.sampled_from([2, 50])))


def test_a_5k_by_1k_cohort_shuffled_gives_the_same_scores_and_pairs():
    d = cohort(16, 5000, 1000, ties=False, review="mentee")
    rng = np.random.default_rng(1)
    same_answer(d, rng.permutation(5000), rng.permutation(1000), scores=False)
    # scores bit for bit on the candidate graph (the dense matrix is 5 M cells; pair_scores is exact)
    p1 = E.Problem.build(**d)
    c1 = E.candidates(p1)
    pairs = np.stack([c1.mentee, c1.mentor], axis=1)
    assert np.array_equal(E.pair_scores(p1, pairs), c1.q)


def test_ties_go_to_the_lower_stable_key_not_the_first_row():
    d = cohort(3, 4, 1, ties=True, review="none")
    d.update(mentee_skills_wanted=[[1]] * 4, mentor_skills=[[1]], mentor_capacity=[1], mentee_preferences=[[]] * 4,
             mentee_languages=[["en"]] * 4, mentor_languages=[["en"]], mentee_hours=[2] * 4, mentor_hours=[2],
             mentee_interests=[[]] * 4, mentor_interests=[[]], forbidden=[], locked=[], mentee_keys=[40, 10, 30, 20])
    p = E.Problem.build(**d)
    assert len(set(E.score_matrix(p)[:, 0].tolist())) == 1  # a four-way tie
    for mode in E.MODES:
        assert E.assign(p, mode=mode).pairs.tolist() == [[1, 0]]  # key 10 wins, not row 0


def test_stable_keys_must_be_unique_and_one_per_row():
    d = cohort(4, 3, 2)
    with pytest.raises(ValueError, match="unique"):
        E.Problem.build(**{**d, "mentee_keys": [1, 2, 1]})
    with pytest.raises(ValueError, match="mentor_keys"):
        E.Problem.build(**{**d, "mentor_keys": ["a"]})
