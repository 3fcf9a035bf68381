"""Solvers against brute force, SciPy and literal definitions; the max_pairs cap; top-k candidates."""

from __future__ import annotations

import importlib
import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from matching import engine as E
from matching.tests.test_engine import random_problem, units

candidates_module = importlib.import_module("matching.engine.candidates")  # the module, not the function

# --------------------------------------------------------------------------- solvers vs brute force


def brute_force(s, cap, locked=(), min_score=None, most_matched=False, max_pairs=None):
    """Best assignment by enumeration on a dense score matrix (units); returns (matched, total)."""
    n, m = s.shape
    lock = dict(locked)
    options = []
    for i in range(n):
        if i in lock:
            options.append([lock[i]])
            continue
        ok = [j for j in range(m) if np.isfinite(s[i, j]) and (min_score is None or s[i, j] >= min_score)]
        options.append([-1] + ok)
    best = None
    for choice in itertools.product(*options):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if (load > cap).any():
            continue
        if max_pairs is not None and sum(j >= 0 for j in choice) > max(max_pairs, len(lock)):
            continue
        tot = sum(int(units(s[i, j])) for i, j in enumerate(choice) if j >= 0)
        key = (sum(j >= 0 for j in choice), tot) if most_matched else (tot,)
        if best is None or key > best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimal_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    p = random_problem(seed, n, 3, n_locks=int(seed % 3 == 0), review=seed % 2 == 0)
    s = E.score_matrix(p)
    cap = p.capacity
    locks = [tuple(x) for x in p.locked.tolist()]
    a = E.assign(p)
    assert a.total_units == brute_force(s, cap, locks)[0]
    ms = float(np.nanpercentile(np.where(np.isfinite(s), s, np.nan), 50)) if np.isfinite(s).any() else None
    a = E.assign(p, min_score=ms)
    assert a.total_units == brute_force(s, cap, locks, min_score=ms)[0]
    a = E.assign(p, objective="most_matched")
    assert (len(a.pairs), a.total_units) == brute_force(s, cap, locks, most_matched=True)


@pytest.mark.parametrize("seed", range(10))
def test_max_pairs_caps_every_mode_and_the_certificate(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 7))
    p = random_problem(seed, n, 3, max_cap=3, n_locks=int(seed % 3 == 0), review=seed % 2 == 0)
    s = E.score_matrix(p)
    locks = [tuple(x) for x in p.locked.tolist()]
    full = E.assign(p)
    for cap in range(0, n + 1):
        a = E.assign(p, max_pairs=cap)
        assert len(a.pairs) <= max(cap, len(locks))
        assert {tuple(x) for x in locks} <= {tuple(x) for x in a.pairs.tolist()}
        assert (a.total_units,) == brute_force(s, p.capacity, locks, max_pairs=cap)
        mm = E.assign(p, objective="most_matched", max_pairs=cap)
        assert (len(mm.pairs), mm.total_units) == brute_force(s, p.capacity, locks, most_matched=True, max_pairs=cap)
        proved = E.assign(p, top_k=1, prove_optimal=True, max_pairs=cap)
        assert proved.certified is True and proved.total_units == a.total_units
        # greedy stops at the cap: its first picks, in order
        free = max(0, cap - len(locks))
        want = literal_greedy(s, p.capacity, locks)
        q = {(i, j): int(units(s[i, j])) for i, j in want}
        best = sorted(sorted(want, key=lambda t: (-q[t], t[0], t[1]))[:free])
        g = E.assign(p, mode="greedy", max_pairs=cap)
        assert sorted({tuple(x) for x in g.pairs.tolist()} - set(locks)) == best
        st_ = E.assign(p, mode="stable", max_pairs=cap)
        assert np.array_equal(st_.pairs, g.pairs)
        for res in (a, g):
            lost = set(range(n)) - set(res.pairs[:, 0].tolist())
            assert set(res.unmatched) == lost
            load = np.bincount(res.pairs[:, 1], minlength=p.n_mentors)
            for i, why in res.unmatched.items():
                room = [j for j in np.flatnonzero(np.isfinite(s[i])) if load[j] < p.capacity[j]]
                if why == "cohort_full":
                    assert room and len(res.pairs) >= cap
                elif why == "capacity_full":
                    assert not room
    assert E.assign(p, max_pairs=n + 5).total_units == full.total_units
    with pytest.raises(ValueError):
        E.assign(p, max_pairs=-1)


def test_max_pairs_certificate_on_a_wider_cohort(tiles):
    p = random_problem(42, 60, 15, max_cap=3, text=False)
    s = E.score_matrix(p)
    for cap in (5, 20, 35):
        best = slot_lsa_optimum(s, p.capacity, max_pairs=cap)
        a = E.assign(p, top_k=15, max_pairs=cap)
        assert a.total_units == best and len(a.pairs) <= cap
        small = E.assign(p, top_k=2, prove_optimal=True, max_pairs=cap)
        assert small.certified is True and small.total_units == best


def slot_lsa_optimum(s, cap, max_pairs=None):
    """Max total via scipy linear_sum_assignment on the slot-expanded matrix (+ 'unmatched')."""
    n, m = s.shape
    slot_of = np.repeat(np.arange(m), cap)
    big = -1e9
    w = np.where(np.isfinite(s), units(np.where(np.isfinite(s), s, 0)), big)[:, slot_of].astype(np.float64)
    w = np.hstack([w, np.zeros((n, n))])  # one "stay unmatched" column per mentee
    if max_pairs is not None:  # at most max_pairs real slots used: n - max_pairs forced "unmatched" rows
        w = np.hstack([w[:, : len(slot_of)], np.full((n, n - max_pairs), 2e8)])
        w = np.hstack([w, np.zeros((n, max_pairs))])
    r, c = linear_sum_assignment(w, maximize=True)
    vals = w[r, c]
    return int(vals[(vals > big / 2) & (vals < 1e8)].sum())


@pytest.mark.parametrize("seed", range(3))
def test_optimal_equals_linear_sum_assignment_on_slots(seed, tiles):
    p = random_problem(100 + seed, 60, 15, max_cap=3, text=False)
    s = E.score_matrix(p)
    assert (s[np.isfinite(s)] >= 0).all()
    best = slot_lsa_optimum(s, p.capacity)
    a = E.assign(p, top_k=15)
    assert a.total_units == best
    # pruned graph + certificate over all pairs reaches the same optimum
    small = E.assign(p, top_k=2, prove_optimal=True)
    assert small.certified is True
    assert small.total_units == best
    assert E.assign(p, top_k=2).total_units <= best


@pytest.fixture(params=[None, 16], ids=["one-tile", "tiles-of-16"])
def tiles(request, monkeypatch):
    """Run with the default column tile and with tiles of 16 mentors (several tiles per row)."""
    monkeypatch.setattr(candidates_module, "TILE", request.param)
    return request.param


def test_candidates_are_exact_top_k_with_languages_and_forbidden_pairs(tiles):
    rng = np.random.default_rng(7)
    n, m, k = 400, 60, 7
    langs_a = [["es"] if i < 300 else ["en", "fr"] if i % 2 else ["en"] for i in range(n)]
    langs_b = [["es", "en"] if j < 8 else ["fr"] if j % 3 == 0 else ["en"] for j in range(m)]
    p = E.Problem.build(
        mentee_skills_wanted=[rng.choice(30, 3, replace=False).tolist() for _ in range(n)],
        mentee_goals_text=[""] * n,
        mentee_languages=langs_a,
        mentee_tz_offset_minutes=rng.choice([-300, 0, 330], n),
        mentee_hours=rng.integers(1, 6, n),
        mentee_preferences=[rng.permutation(m)[:2].tolist() for _ in range(n)],
        mentor_skills=[rng.choice(30, 5, replace=False).tolist() for _ in range(m)],
        mentor_text=[""] * m,
        mentor_languages=langs_b,
        mentor_tz_offset_minutes=rng.choice([-300, 0, 330], m),
        mentor_hours=rng.integers(1, 6, m),
        mentor_capacity=rng.integers(1, 4, m),
        forbidden=[(int(i), int(j)) for i, j in zip(rng.integers(0, n, 200), rng.integers(0, m, 200), strict=True)],
    )
    s = E.score_matrix(p)
    c = E.candidates(p, top_k=k)
    for i in range(n):
        el = np.flatnonzero(np.isfinite(s[i]))
        want = el[np.lexsort((el, -s[i, el]))][:k]
        lo, hi = c.indptr[i], c.indptr[i + 1]
        assert c.mentor[lo:hi].tolist() == want.tolist()
        assert np.array_equal(c.q[lo:hi], units(s[i, want]))


def literal_greedy(s, cap, locked=(), min_score=None):
    n, m = s.shape
    load = np.bincount([j for _, j in locked], minlength=m).astype(int)
    done = {i for i, _ in locked}
    pairs = [
        (units(s[i, j]), i, j)
        for i in range(n)
        for j in range(m)
        if i not in done and np.isfinite(s[i, j]) and (min_score is None or s[i, j] >= min_score)
    ]
    out = []
    for _q, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if i not in done and load[j] < cap[j]:
            done.add(i)
            load[j] += 1
            out.append((i, j))
    return sorted(out)


def blocking_pairs(s, a, cap, locked=(), min_score=None):
    """Pairs (i, j) that both prefer each other to their assignment (ties: lower index)."""
    n, m = s.shape
    q = np.where(np.isfinite(s), units(np.where(np.isfinite(s), s, 0)), np.iinfo(np.int64).min)
    mentor_of = a.mentor_of(n)
    locked_i = {i for i, _ in locked}
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)
    out = []
    for i in range(n):
        if i in locked_i:
            continue
        cur = mentor_of[i]
        for j in range(m):
            if j == cur or q[i, j] == np.iinfo(np.int64).min or (min_score is not None and s[i, j] < min_score):
                continue
            if cur >= 0 and (q[i, j], -j) <= (q[i, cur], -cur):
                continue  # i does not prefer j
            holders = [h for h in np.flatnonzero(mentor_of == j) if h not in locked_i]
            if load[j] < cap[j] or any((q[i, j], -i) > (q[h, j], -h) for h in holders):
                out.append((i, j))
    return out
