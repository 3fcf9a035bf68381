"""``assign``: mentees to mentors under capacities (optimal, stable or greedy)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .candidates import Q_NONE, Candidates, min_q_of
from .candidates import candidates as build_candidates
from .certificate import certify
from .flow import solve_canonical
from .pairs import breakdown, pair_scores
from .problem import SCORE_SCALE, Problem, Weights
from .stable import GaleShapley, extend_lists

MODES = ("optimal", "stable", "greedy")
OBJECTIVES = ("total", "most_matched")
UNMATCHED_REASONS = ("no_eligible_mentor", "below_min_score", "capacity_full", "cohort_full")


@dataclass
class Assignment:
    """Result of ``assign``.

    pairs      (P, 2) int64 (mentee, mentor), sorted by mentee; includes locked pairs.
    scores     (P,) float64 score in points (0..100; exact multiples of 1/SCORE_SCALE).
    total      sum of scores (points).
    score_units / total_units  the same as exact integers (points * SCORE_SCALE).
    locked     (P,) bool, True for pairs that came from ``Problem.locked``.
    unmatched  {mentee: reason} with reason in "no_eligible_mentor" (every mentor forbidden,
               e.g. no common language), "below_min_score", "capacity_full", "cohort_full"
               (a mentor would have taken them but ``max_pairs`` was reached).
    mentor_load (M,) number of mentees assigned to each mentor (locks included).
    timings    seconds: "candidates", "solve", "extend" (stable), "certify" (optimal proof), "total".
    certified  True if ``prove_optimal`` proved optimality over *all* pairs (None if not asked).
    info       extra numbers (n_candidates, rounds, ...).
    """

    pairs: np.ndarray
    scores: np.ndarray
    total: float
    locked: np.ndarray
    unmatched: dict[int, str]
    mentor_load: np.ndarray
    mode: str
    objective: str
    timings: dict[str, float]
    score_units: np.ndarray
    total_units: int
    certified: bool | None = None
    info: dict = field(default_factory=dict)

    @property
    def n_matched(self) -> int:
        return len(self.pairs)

    def mentor_of(self, n_mentees: int) -> np.ndarray:
        """(N,) mentor index per mentee, -1 when unmatched."""
        out = np.full(n_mentees, -1, dtype=np.int64)
        out[self.pairs[:, 0]] = self.pairs[:, 1]
        return out


@dataclass
class _Job:
    """What every mode needs: the problem, its normalised weights, the free edges and capacity."""

    p: Problem
    weights: Weights
    wn: dict
    cand: Candidates
    edges: tuple
    cap: np.ndarray
    is_locked: np.ndarray
    max_new: int | None
    info: dict
    timings: dict


def assign(
    problem: Problem,
    weights: Weights | None = None,
    *,
    min_score: float | None = None,
    top_k: int = 50,
    mode: str = "optimal",
    objective: str = "total",
    candidates: Candidates | None = None,
    prove_optimal: bool = False,
    stable_complete: bool = True,
    max_certify_rounds: int = 8,
    max_pairs: int | None = None,
) -> Assignment:
    """Assign mentees to mentors under capacities.  Deterministic, and the same (permuted)
    result for the same cohort in any order: every tie goes to the lower stable key.

    mode="optimal": exact max-total (or ``objective="most_matched"``: max matched, then max total)
    on the top-k graph with OR-Tools SimpleMinCostFlow.  ``prove_optimal=True`` (objective
    "total") derives dual prices, rescans every pair for one that would improve the total, adds
    those and re-solves until none is left -> optimal over *all* pairs (``certified``).
    mode="stable": mentee-proposing capacitated Gale-Shapley; both sides rank by score (ties:
    lower key).  With ``stable_complete`` mentees that exhaust their top-k list keep proposing
    to mentors that would still accept them, so there is no blocking pair over all pairs.
    mode="greedy": take pairs by descending score (ties: lower mentee, then mentor key) while
    capacity lasts; computed as deferred acceptance on the pruned lists, which with both sides
    ranking by the same score is the same matching (tests compare it with a literal greedy loop).
    Locked pairs are kept (their mentors' capacity is reduced); forbidden, ruled-out,
    language-incompatible and below-``min_score`` pairs never appear.
    ``candidates`` (from ``candidates()`` with the same weights and min_score) lets several
    modes reuse one scoring pass; ``top_k`` is then ignored.
    ``max_pairs`` limits the total number of pairs, locked ones included (the cohort's maximum
    mentees minus places already held).  Locks are always kept; the other pairs are capped at
    ``max_pairs - len(locked)``: mode="optimal" caps the flow from the source (the best total
    with at most that many pairs; the certificate proves it over all pairs), "stable" and
    "greedy" keep their best pairs (by score, ties by lower mentee then mentor key).
    Mentees left out by the cap are unmatched with reason "cohort_full".
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    if max_pairs is not None and max_pairs < 0:
        raise ValueError("max_pairs must be >= 0")
    if prove_optimal and objective != "total":
        raise ValueError("prove_optimal is only available for objective='total'")
    t_start = time.perf_counter()
    job = _prepare(problem, weights or Weights(), candidates, top_k, min_score, max_pairs)
    if mode == "optimal":
        mi, mj, mq, certified = _optimal(job, objective, prove_optimal, max_certify_rounds)
    else:
        mi, mj, mq = _deferred_acceptance(job, mode == "stable" and stable_complete)
        certified = None
    return _result(job, mi, mj, mq, mode, objective, certified, t_start)


def _prepare(p: Problem, weights: Weights, cand, top_k, min_score, max_pairs) -> _Job:
    if cand is None:
        cand = build_candidates(p, weights, top_k=top_k, min_score=min_score)
    elif cand.min_q != min_q_of(min_score):
        raise ValueError("candidates were computed with a different min_score")
    lk = p.locked
    is_locked = np.zeros(p.n_mentees, dtype=bool)
    is_locked[lk[:, 0]] = True
    keep = ~is_locked[cand.mentee]
    return _Job(
        p=p, weights=weights, wn=weights.normalised(p), cand=cand,
        edges=(cand.mentee[keep], cand.mentor[keep], cand.q[keep]),
        cap=p.capacity - np.bincount(lk[:, 1], minlength=p.n_mentors), is_locked=is_locked,
        max_new=None if max_pairs is None else max(0, int(max_pairs) - len(lk)),
        info={"n_candidates": int(len(cand.q)), "top_k": cand.top_k},
        timings={"candidates": cand.seconds},
    )


def _optimal(job: _Job, objective: str, prove_optimal: bool, max_rounds: int):
    p = job.p

    def solve(ei, ej, eq):
        return solve_canonical(p.mentee_rank, p.mentor_rank, ei, ej, eq, job.cap, objective, job.max_new)

    t0 = time.perf_counter()
    edges = job.edges
    chosen = solve(*edges)
    job.timings["solve"] = time.perf_counter() - t0
    certified = None
    if prove_optimal:
        t1 = time.perf_counter()
        rows_all = np.flatnonzero(~job.is_locked & (job.cand.row_status == 0))
        edges, chosen, certified = certify(
            p, job.wn, edges, chosen, job.cap, rows_all, job.max_new, solve, job.cand.top_k, job.cand.min_q,
            max_rounds, job.info, row_bound=outside_bound(job.cand),
        )
        job.timings["certify"] = time.perf_counter() - t1
    ei, ej, eq = edges
    return ei[chosen], ej[chosen], eq[chosen], certified


def outside_bound(cand: Candidates) -> np.ndarray:
    """Per mentee, the highest score a pair *outside* its candidate list can have: its last
    listed score when the list was cut at top_k, else none (the list holds every eligible mentor)."""
    count = np.diff(cand.indptr)
    out = np.full(cand.n_mentees, -(1 << 62), dtype=np.int64)
    full = count >= cand.top_k
    out[full] = cand.q[cand.indptr[1:][full] - 1]
    return out


def _deferred_acceptance(job: _Job, complete: bool):
    p, cand, info = job.p, job.cand, job.info
    n = p.n_mentees
    t0 = time.perf_counter()
    gs = GaleShapley(n, p.n_mentors, job.cap, p.mentee_rank)
    ei, ej, eq = job.edges
    gs.run(gs.add_lists(ei, ej, eq))
    job.timings["solve"] = time.perf_counter() - t0
    if complete:
        t1 = time.perf_counter()
        truncated = (np.bincount(ei, minlength=n) >= cand.top_k) & ~job.is_locked
        floor_q = np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
        has = np.diff(cand.indptr) > 0
        floor_q[has] = cand.q[cand.indptr[1:][has] - 1]
        passes = 0
        while True:
            ex = np.flatnonzero((gs.held_edge < 0) & (gs.pos >= gs.end) & truncated)
            if len(ex) == 0:
                break
            truncated[ex] = False  # one extension makes a mentee's list complete
            xi, xj, xq, n_pairs = extend_lists(p, job.wn, gs, ex, floor_q[ex], job.cap, cand.min_q)
            passes += 1
            info.setdefault("extension_rows", []).append(int(len(ex)))
            info.setdefault("extension_pairs_scored", []).append(n_pairs)
            info.setdefault("extension_edges", []).append(int(len(xi)))
            if len(xi):
                gs.run(gs.add_lists(xi, xj, xq))
        info["extension_passes"] = passes
        job.timings["extend"] = time.perf_counter() - t1
    info["rounds"] = gs.rounds
    held = gs.held
    if job.max_new is not None and len(held) > job.max_new:  # keep the best max_new pairs
        o = np.lexsort((p.mentor_rank[gs.ej[held]], p.mentee_rank[gs.ei[held]], -gs.eq[held]))
        held = held[o[: job.max_new]]
    return gs.ei[held], gs.ej[held], gs.eq[held]


def _locked_scores(p: Problem, weights: Weights, lk: np.ndarray) -> np.ndarray:
    """Scores of locked pairs (same scorer as everything else).  A pair locked despite having
    no common language gets its plain component total."""
    q = pair_scores(p, lk, weights)
    bad = q == Q_NONE
    if bad.any():
        q[bad] = np.rint(breakdown(p, lk[bad], weights)["total"] * SCORE_SCALE).astype(np.int64)
    return q


def _unmatched(job: _Job, pi, pj, n_new: int, mode: str) -> dict[int, str]:
    p, cand = job.p, job.cand
    n = p.n_mentees
    matched = np.zeros(n, dtype=bool)
    matched[pi] = True
    has_spare = np.zeros(n, dtype=bool)
    if job.max_new is not None and n_new >= job.max_new:  # the cap was reached: who else had a free mentor?
        load = np.bincount(pj, minlength=p.n_mentors)
        spare_edge = load[cand.mentor] < p.capacity[cand.mentor]
        has_spare = np.bincount(cand.mentee[spare_edge], minlength=n) > 0
    out: dict[int, str] = {}
    for i in np.flatnonzero(~matched).tolist():  # loop over unmatched mentees (not pairs)
        s = cand.row_status[i]
        best = cand.row_best_q[i]
        if s == 1:
            out[i] = "no_eligible_mentor"
        elif s == 2 or (best != Q_NONE and best <= 0 and mode == "optimal"):
            out[i] = "below_min_score"
        elif has_spare[i]:
            out[i] = "cohort_full"
        else:
            out[i] = "capacity_full"
    return out


def _result(job: _Job, mi, mj, mq, mode, objective, certified, t_start) -> Assignment:
    p, lk = job.p, job.p.locked
    pi = np.concatenate([lk[:, 0], mi])
    pj = np.concatenate([lk[:, 1], mj])
    pq = np.concatenate([_locked_scores(p, job.weights, lk), mq]).astype(np.int64)
    plock = np.concatenate([np.ones(len(lk), bool), np.zeros(len(mi), bool)])
    o = np.argsort(pi, kind="stable")
    pi, pj, pq, plock = pi[o], pj[o], pq[o], plock[o]
    unmatched = _unmatched(job, pi, pj, len(mi), mode)
    job.timings["total"] = time.perf_counter() - t_start
    return Assignment(
        pairs=np.stack([pi, pj], axis=1).astype(np.int64) if len(pi) else np.zeros((0, 2), np.int64),
        scores=pq / SCORE_SCALE, total=float(pq.sum()) / SCORE_SCALE, locked=plock, unmatched=unmatched,
        mentor_load=np.bincount(pj, minlength=p.n_mentors), mode=mode, objective=objective, timings=job.timings,
        score_units=pq, total_units=int(pq.sum()), certified=certified, info=job.info,
    )
