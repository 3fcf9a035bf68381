"""Assignment solvers for the matching engine (min-cost flow, Gale-Shapley, greedy).

Imported by (and re-exported from) ``matching.engine``; see ``assign``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from .engine_problem import SCORE_SCALE, Problem, Weights, _lookup
from .engine_score import (
    _Q_CLIP,
    _Q_NONE,
    Candidates,
    _min_q,
    _pair_units,
    _scan,
    breakdown,
    pair_scores,
)
from .engine_score import candidates as _build_candidates

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


# --------------------------------------------------------------------------- min-cost flow


def _compress(x: np.ndarray):
    """Sorted unique values of non-negative ints and the inverse map (O(n + max))."""
    if len(x) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    present = np.zeros(int(x.max()) + 1, dtype=bool)
    present[x] = True
    uniq = np.flatnonzero(present)
    pos = np.zeros(len(present), dtype=np.int64)
    pos[uniq] = np.arange(len(uniq))
    return uniq, pos[x]


def solve_flow(ei, ej, eq, cap, objective: str = "total", max_pairs: int | None = None) -> np.ndarray:
    """Max-weight capacitated assignment on the edge list (mentee ei, mentor ej, integer score eq).

    Every mentee takes at most one edge, mentor j at most cap[j].  objective="total" maximises
    the sum of eq (mentees may stay unmatched); "most_matched" maximises the number matched, then
    the sum.  ``max_pairs`` caps the number of chosen edges (the flow out of the source).
    Returns a bool mask over the edges.  OR-Tools SimpleMinCostFlow, deterministic.
    """
    ei = np.asarray(ei, dtype=np.int64)
    ej = np.asarray(ej, dtype=np.int64)
    eq = np.asarray(eq, dtype=np.int64)
    chosen = np.zeros(len(ei), dtype=bool)
    usable = cap[ej] > 0
    if not usable.any():
        return chosen
    idx = np.flatnonzero(usable)
    ui, inv_i = _compress(ei[idx])
    uj, inv_j = _compress(ej[idx])
    nu, nv = len(ui), len(uj)
    supply = nu if max_pairs is None else max(0, min(nu, int(max_pairs)))
    if supply == 0:
        return chosen
    src, sink = 0, nu + nv + 1
    tails = [inv_i + 1, np.zeros(nu, np.int64), np.arange(nv) + nu + 1]
    heads = [inv_j + nu + 1, np.arange(nu) + 1, np.full(nv, sink)]
    caps = [np.ones(len(idx), np.int64), np.ones(nu, np.int64), cap[uj].astype(np.int64)]
    costs = [-eq[idx], np.zeros(nu, np.int64), np.zeros(nv, np.int64)]
    if objective == "total":
        tails.append(np.array([src]))
        heads.append(np.array([sink]))
        caps.append(np.array([nu], np.int64))
        costs.append(np.zeros(1, np.int64))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    smcf.set_nodes_supplies(np.array([src, sink], np.int32), np.array([supply, -supply], np.int64))
    status = smcf.solve() if objective == "total" else smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(smcf.flows(np.arange(len(idx), dtype=np.int32)))
    chosen[idx[flows > 0]] = True
    return chosen


def prefer_lower_index(ei, ej, eq, chosen, max_rounds: int = 50) -> np.ndarray:
    """Canonicalise ties between matched and unmatched mentees: when an unmatched mentee i' has
    an edge to mentor j with exactly the score of a mentee i > i' that j holds, swap them (the
    total is unchanged).  Repeats until no swap applies.  Returns the new ``chosen`` mask."""
    chosen = chosen.copy()
    if not chosen.any():
        return chosen
    n = int(ei.max()) + 1
    qoff = int(eq.min()) if len(eq) else 0
    span = int(eq.max()) - qoff + 1 if len(eq) else 1
    for _ in range(max_rounds):
        matched = np.zeros(n, dtype=bool)
        matched[ei[chosen]] = True
        ce = np.flatnonzero(chosen)
        slot = ej[ce] * span + (eq[ce] - qoff)
        # per (mentor, score) slot: the assigned edge with the highest mentee index
        o = np.lexsort((ei[ce], slot))
        slot_s, ce_s = slot[o], ce[o]
        last = np.r_[slot_s[1:] != slot_s[:-1], True]
        slot_key, slot_edge = slot_s[last], ce_s[last]
        ue = np.flatnonzero(~matched[ei])
        if len(ue) == 0:
            break
        pos = _lookup(slot_key, ej[ue] * span + (eq[ue] - qoff))
        ok = pos >= 0
        ue, pos = ue[ok], pos[ok]
        held = slot_edge[pos]
        better = ei[ue] < ei[held]
        ue, held = ue[better], held[better]
        if len(ue) == 0:
            break
        # one swap per held edge (smallest incoming mentee) and per incoming mentee
        o = np.lexsort((ue, ei[ue], held))
        ue, held = ue[o], held[o]
        first = np.r_[True, held[1:] != held[:-1]]
        ue, held = ue[first], held[first]
        o = np.lexsort((held, ei[ue]))
        ue, held = ue[o], held[o]
        first = np.r_[True, ei[ue][1:] != ei[ue][:-1]]
        ue, held = ue[first], held[first]
        chosen[held] = False
        chosen[ue] = True
    return chosen


# --------------------------------------------------------------------------- Gale-Shapley


class _GS:
    """Round-based (McVitie-Wilson) mentee-proposing capacitated deferred acceptance.

    Mentees propose along their lists (edges grouped per mentee, best first); a mentor holds
    its best ``cap`` proposals by (score desc, mentee index asc).  Proposal order does not
    change the mentee-optimal stable matching, so all free mentees propose at once each round.
    """

    def __init__(self, n: int, m: int, cap: np.ndarray):
        self.n, self.m = n, m
        self.cap = cap.astype(np.int64)
        self.ei = np.zeros(0, np.int64)
        self.ej = np.zeros(0, np.int64)
        self.eq = np.zeros(0, np.int64)
        self.pos = np.zeros(n, np.int64)
        self.end = np.zeros(n, np.int64)
        self.held_edge = np.full(n, -1, np.int64)
        self.held = np.zeros(0, np.int64)  # edges currently held by mentors
        self.rounds = 0
        self.bits_i = max(1, int(n).bit_length())
        self.bits_q = 26
        self.use_keys = self.bits_i + self.bits_q + max(1, int(m).bit_length()) <= 63

    def add_lists(self, ei, ej, eq):
        """Append preference lists (edges sorted by mentee, best first) for mentees whose
        current list is exhausted.  Returns the mentees that got new edges."""
        if len(ei) == 0:
            return np.zeros(0, np.int64)
        base = len(self.ei)
        self.ei = np.concatenate([self.ei, ei])
        self.ej = np.concatenate([self.ej, ej])
        self.eq = np.concatenate([self.eq, eq])
        who, start, cnt = np.unique(ei, return_index=True, return_counts=True)
        self.pos[who] = base + start
        self.end[who] = base + start + cnt
        return who

    def run(self, free: np.ndarray):
        ej, eq, ei = self.ej, self.eq, self.ei
        free = free[(self.held_edge[free] < 0) & (self.pos[free] < self.end[free])]
        touched = np.zeros(self.m, dtype=bool)
        while len(free):
            self.rounds += 1
            e = self.pos[free]
            self.pos[free] += 1
            tj = ej[e]
            touched[tj] = True
            hmask = touched[ej[self.held]]
            pool = np.concatenate([self.held[hmask], e])
            keep_old = self.held[~hmask]
            touched[tj] = False
            pj, pq, pi = ej[pool], np.clip(eq[pool], -_Q_CLIP, _Q_CLIP), ei[pool]
            if self.use_keys:
                key = (pj << (self.bits_q + self.bits_i)) | ((_Q_CLIP - pq) << self.bits_i) | pi
                order = np.argsort(key, kind="stable")
            else:
                order = np.lexsort((pi, -pq, pj))
            pool = pool[order]
            pj = pj[order]
            first = np.r_[True, pj[1:] != pj[:-1]]
            gstart = np.maximum.accumulate(np.where(first, np.arange(len(pj)), 0))
            rank = np.arange(len(pj)) - gstart
            acc = rank < self.cap[pj]
            accepted, rejected = pool[acc], pool[~acc]
            self.held = np.concatenate([keep_old, accepted])
            self.held_edge[ei[accepted]] = accepted
            rej_i = ei[rejected]
            self.held_edge[rej_i] = -1
            free = rej_i[self.pos[rej_i] < self.end[rej_i]]

    def mentor_cutoff(self):
        """Per mentor: number held, and (q, mentee) of its worst held proposal."""
        h = self.held
        count = np.bincount(self.ej[h], minlength=self.m)
        worst_q = np.full(self.m, np.iinfo(np.int64).max, dtype=np.int64)
        worst_i = np.full(self.m, -1, dtype=np.int64)
        if len(h):
            o = np.lexsort((-self.ei[h], self.eq[h], self.ej[h]))  # per mentor: lowest q, then highest index
            hj = self.ej[h][o]
            first = np.r_[True, hj[1:] != hj[:-1]]
            worst_q[hj[first]] = self.eq[h][o][first]
            worst_i[hj[first]] = self.ei[h][o][first]
        return count, worst_q, worst_i


# --------------------------------------------------------------------------- duals / certificate


def _shortest_from(n_nodes: int, tail, head, w, source: int, max_iter: int | None = None) -> np.ndarray:
    """Bellman-Ford with a frontier (vectorised SPFA); raises on a negative cycle."""
    order = np.argsort(tail, kind="stable")
    tail, head, w = tail[order], head[order], w[order]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n_nodes), out=indptr[1:])
    inf = np.iinfo(np.int64).max // 4
    dist = np.full(n_nodes, inf, dtype=np.int64)
    dist[source] = 0
    frontier = np.array([source])
    it = 0
    max_iter = max_iter or (n_nodes + 2)
    while len(frontier):
        it += 1
        if it > max_iter:
            raise RuntimeError("negative cycle in dual constraint graph")
        lo, hi = indptr[frontier], indptr[frontier + 1]
        cnt = hi - lo
        tot = int(cnt.sum())
        if tot == 0:
            break
        eidx = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(tot)
        cand = dist[tail[eidx]] + w[eidx]
        hd = head[eidx]
        better = cand < dist[hd]
        if not better.any():
            break
        hd, cand = hd[better], cand[better]
        before = dist.copy()
        np.minimum.at(dist, hd, cand)
        frontier = np.flatnonzero(dist < before)
    return dist


def mentor_prices(ei, ej, eq, chosen, cap_free) -> np.ndarray:
    """Optimal dual prices v_j >= 0 (integer units) for the pruned problem, consistent with the
    optimal matching ``chosen`` (complementary slackness).  ``cap_free`` marks mentors with spare
    capacity (their price is 0).  Mentee utilities are then u_i = q(i, m(i)) - v_m(i) (0 if
    unmatched) and any pair with q_ij - v_j > u_i could improve the total."""
    m = len(cap_free)
    g = m  # ground node
    mi, mj, mq = ei[chosen], ej[chosen], eq[chosen]
    n_guess = int(ei.max()) + 1 if len(ei) else 0
    mj_of = np.full(n_guess, -1, np.int64)
    mq_of = np.zeros(n_guess, np.int64)
    mj_of[mi] = mj
    mq_of[mi] = mq
    matched_edge = mj_of[ei] >= 0
    # (a) matched mentee: v_j - v_j' <= q_ij - q_ij'   (edge j' -> j)
    a = matched_edge & (mj_of[ei] != ej)
    t_a, h_a, w_a = ej[a], mj_of[ei[a]], mq_of[ei[a]] - eq[a]
    # (c) unmatched mentee: v_j' >= q_ij'   (edge j' -> g, weight -q)
    c = ~matched_edge
    t_c, h_c, w_c = ej[c], np.full(int(c.sum()), g), -eq[c]
    # (b) v_j <= q_ij for the matched edge (edge g -> j);  (d) v_j >= 0 (j -> g, 0);  (e) free -> 0
    t_b, h_b, w_b = np.full(len(mj), g), mj, mq
    allj = np.arange(m)
    t_d, h_d, w_d = allj, np.full(m, g), np.zeros(m, np.int64)
    fj = np.flatnonzero(cap_free)
    t_e, h_e, w_e = np.full(len(fj), g), fj, np.zeros(len(fj), np.int64)
    # (f) big upper bound keeps every node reachable
    t_f, h_f, w_f = np.full(m, g), allj, np.full(m, int(4 * SCORE_SCALE * 100), np.int64)
    tail = np.concatenate([t_a, t_c, t_b, t_d, t_e, t_f]).astype(np.int64)
    head = np.concatenate([h_a, h_c, h_b, h_d, h_e, h_f]).astype(np.int64)
    w = np.concatenate([w_a, w_c, w_b, w_d, w_e, w_f]).astype(np.int64)
    # keep the tightest constraint per (tail, head)
    key = tail * (m + 1) + head
    o = np.lexsort((w, key))
    key, tail, head, w = key[o], tail[o], head[o], w[o]
    first = np.r_[True, key[1:] != key[:-1]]
    dist = _shortest_from(m + 1, tail[first], head[first], w[first], g)
    return dist[:m]


# --------------------------------------------------------------------------- assign


def _locked_scores(p: Problem, weights: Weights, lk: np.ndarray) -> np.ndarray:
    """Quantised scores of locked pairs (same scorer as everything else).  A pair locked despite
    having no common language gets its plain component total."""
    q = pair_scores(p, lk, weights)
    bad = q == _Q_NONE
    if bad.any():
        q[bad] = np.rint(breakdown(p, lk[bad], weights)["total"] * SCORE_SCALE).astype(np.int64)
    return q


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
    """Assign mentees to mentors under capacities.

    mode="optimal": exact max-total (or ``objective="most_matched"``: max matched, then max total)
    on the top-k graph with OR-Tools SimpleMinCostFlow.  ``prove_optimal=True`` (objective
    "total") derives dual prices, rescans every pair for one that would improve the total, adds
    those and re-solves until none is left -> optimal over *all* pairs (``certified``).
    mode="stable": mentee-proposing capacitated Gale-Shapley; both sides rank by score (ties:
    lower index).  With ``stable_complete`` mentees that exhaust their top-k list keep proposing
    to mentors that would still accept them, so there is no blocking pair over all pairs.
    mode="greedy": take pairs by descending score (ties: lower mentee, then mentor index) while
    capacity lasts, on the top-k graph.  Computed as mentee-proposing deferred acceptance on
    the pruned lists, which with both sides ranking by the same score is the same matching
    (the unique stable one; tests compare it with a literal greedy loop).
    Locked pairs are kept (their mentors' capacity is reduced); forbidden, ruled-out,
    language-incompatible and below-``min_score`` pairs never appear.  Deterministic.
    ``candidates`` (from ``candidates()`` with the same weights and min_score) lets several
    modes reuse one scoring pass; ``top_k`` is then ignored.
    ``max_pairs`` limits the total number of pairs, locked ones included (the cohort's maximum
    mentees minus places already held).  Locks are always kept; the other pairs are capped at
    ``max_pairs - len(locked)``: mode="optimal" caps the flow from the source (the best total
    with at most that many pairs; the certificate proves it over all pairs), "stable" and
    "greedy" keep their best pairs (by score, ties by lower mentee then mentor index).
    Mentees left out by the cap are unmatched with reason "cohort_full".
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    t_start = time.perf_counter()
    p = problem
    weights = weights or Weights()
    wn = weights.normalised(p)
    n, m = p.n_mentees, p.n_mentors
    timings: dict[str, float] = {}
    if candidates is None:
        cand = _build_candidates(p, weights, top_k=top_k, min_score=min_score)
    else:
        cand = candidates
        if cand.min_q != _min_q(min_score):
            raise ValueError("candidates were computed with a different min_score")
    timings["candidates"] = cand.seconds
    min_q = cand.min_q

    lk = p.locked
    is_locked = np.zeros(n, dtype=bool)
    is_locked[lk[:, 0]] = True
    cap = p.capacity - np.bincount(lk[:, 1], minlength=m)
    keep = ~is_locked[cand.mentee]
    ei, ej, eq = cand.mentee[keep], cand.mentor[keep], cand.q[keep]
    info: dict = {"n_candidates": int(len(cand.q)), "top_k": cand.top_k}
    certified = None
    if max_pairs is not None and max_pairs < 0:
        raise ValueError("max_pairs must be >= 0")
    max_new = None if max_pairs is None else max(0, int(max_pairs) - len(lk))

    t0 = time.perf_counter()
    if mode == "optimal":
        chosen = prefer_lower_index(ei, ej, eq, solve_flow(ei, ej, eq, cap, objective, max_new))
        timings["solve"] = time.perf_counter() - t0
        if prove_optimal:
            if objective != "total":
                raise ValueError("prove_optimal is only available for objective='total'")
            t1 = time.perf_counter()
            certified = False
            rows_all = np.flatnonzero(~is_locked & (cand.row_status == 0))
            for rnd in range(max_certify_rounds):
                v, u = _prices(ei, ej, eq, chosen, cap, n, rows_all, max_new)
                ok_col = cap > 0
                ai, aj, aq, _ = _scan(
                    p,
                    wn,
                    rows_all,
                    max(5, cand.top_k // 5),
                    min_q,
                    col_shift=v.astype(np.float64),
                    row_floor=u[rows_all] + 0.5,
                    col_ok=ok_col,
                )
                viol = aq - v[aj] > u[ai]
                have = _lookup(np.sort(ei * m + ej), ai * m + aj) >= 0
                viol &= ~have
                info[f"certify_round_{rnd}_added"] = int(viol.sum())
                if not viol.any():
                    certified = True
                    break
                ei = np.concatenate([ei, ai[viol]])
                ej = np.concatenate([ej, aj[viol]])
                eq = np.concatenate([eq, aq[viol]])
                chosen = prefer_lower_index(ei, ej, eq, solve_flow(ei, ej, eq, cap, objective, max_new))
            info["certify_rounds"] = rnd + 1
            timings["certify"] = time.perf_counter() - t1
    else:
        gs = _GS(n, m, cap)
        who = gs.add_lists(ei, ej, eq)
        gs.run(who)
        timings["solve"] = time.perf_counter() - t0
        if mode == "stable" and stable_complete:
            t1 = time.perf_counter()
            passes = 0
            truncated = np.bincount(ei, minlength=n) >= cand.top_k
            floor_q = np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
            last = cand.indptr[1:] - 1
            has = np.diff(cand.indptr) > 0
            floor_q[has] = cand.q[last[has]]
            while True:
                ex = np.flatnonzero((gs.held_edge < 0) & (gs.pos >= gs.end) & truncated & ~is_locked)
                if len(ex) == 0:
                    break
                truncated[ex] = False  # one extension makes a mentee's list complete
                xi, xj, xq, n_pairs = _extend_lists(p, wn, gs, ex, floor_q[ex], cap, min_q)
                passes += 1
                info.setdefault("extension_rows", []).append(int(len(ex)))
                info.setdefault("extension_pairs_scored", []).append(int(n_pairs))
                info.setdefault("extension_edges", []).append(int(len(xi)))
                if len(xi):
                    gs.run(gs.add_lists(xi, xj, xq))
            info["extension_passes"] = passes
            timings["extend"] = time.perf_counter() - t1
        info["rounds"] = gs.rounds
        chosen_edges = gs.held
        if max_new is not None and len(chosen_edges) > max_new:  # keep the best max_new pairs
            o = np.lexsort((gs.ej[chosen_edges], gs.ei[chosen_edges], -gs.eq[chosen_edges]))
            chosen_edges = chosen_edges[o[:max_new]]
        ei, ej, eq = gs.ei[chosen_edges], gs.ej[chosen_edges], gs.eq[chosen_edges]
        chosen = np.ones(len(ei), dtype=bool)

    mi, mj, mq = ei[chosen], ej[chosen], eq[chosen]
    lq = _locked_scores(p, weights, lk)
    pi = np.concatenate([lk[:, 0], mi])
    pj = np.concatenate([lk[:, 1], mj])
    pq = np.concatenate([lq, mq])
    plock = np.concatenate([np.ones(len(lk), bool), np.zeros(len(mi), bool)])
    o = np.argsort(pi, kind="stable")
    pi, pj, pq, plock = pi[o], pj[o], pq[o], plock[o]
    matched = np.zeros(n, dtype=bool)
    matched[pi] = True
    unmatched: dict[int, str] = {}
    status = cand.row_status
    has_spare = np.zeros(n, dtype=bool)
    if max_new is not None and len(mi) >= max_new:  # the cap was reached: who else had a free mentor?
        load = np.bincount(pj, minlength=m)
        spare_edge = load[cand.mentor] < p.capacity[cand.mentor]
        has_spare = np.bincount(cand.mentee[spare_edge], minlength=n) > 0
    for i in np.flatnonzero(~matched):  # loop over unmatched mentees (not pairs)
        s = status[i]
        if s == 1:
            unmatched[int(i)] = "no_eligible_mentor"
        elif s == 2:
            unmatched[int(i)] = "below_min_score"
        elif cand.row_best_q[i] != _Q_NONE and cand.row_best_q[i] <= 0 and mode == "optimal":
            unmatched[int(i)] = "below_min_score"
        elif has_spare[i]:
            unmatched[int(i)] = "cohort_full"
        else:
            unmatched[int(i)] = "capacity_full"
    scores = pq / SCORE_SCALE
    timings["total"] = time.perf_counter() - t_start
    return Assignment(
        pairs=np.stack([pi, pj], axis=1).astype(np.int64) if len(pi) else np.zeros((0, 2), np.int64),
        scores=scores,
        total=float(pq.sum()) / SCORE_SCALE,
        locked=plock,
        unmatched=unmatched,
        mentor_load=np.bincount(pj, minlength=m),
        mode=mode,
        objective=objective,
        timings=timings,
        score_units=pq.astype(np.int64),
        total_units=int(pq.sum()),
        certified=certified,
        info=info,
    )


def _prices(ei, ej, eq, chosen, cap, n: int, rows_all, max_new: int | None):
    """Dual prices (v per mentor, u per mentee) certifying ``chosen`` on the pruned graph.

    A binding ``max_pairs`` cap is modelled exactly as a dummy mentor D that every eligible
    mentee can take at a score B above any real score, with room for all but ``max_new`` of
    them: the best real total with at most ``max_new`` pairs is then the plain optimum of the
    dummy problem, whose D edges are all present, so the usual scan over real pairs proves it."""
    m = len(cap)
    load = np.bincount(ej[chosen], minlength=m)
    if max_new is None or len(rows_all) <= max_new:
        v = mentor_prices(ei, ej, eq, chosen, load < cap)
        u = np.zeros(n, np.int64)
        u[ei[chosen]] = eq[chosen] - v[ej[chosen]]
        return v, u
    big_b = 2 * int(round(100 * SCORE_SCALE)) + 1
    matched = np.zeros(n, dtype=bool)
    matched[ei[chosen]] = True
    free_rows = rows_all[~matched[rows_all]]
    on_d = np.zeros(len(rows_all), dtype=bool)
    on_d[np.searchsorted(rows_all, free_rows[: len(rows_all) - max_new])] = True
    xi = np.concatenate([ei, rows_all])
    xj = np.concatenate([ej, np.full(len(rows_all), m, np.int64)])
    xq = np.concatenate([eq, np.full(len(rows_all), big_b, np.int64)])
    xc = np.concatenate([chosen, on_d])
    vx = mentor_prices(xi, xj, xq, xc, np.r_[load < cap, False])
    v = vx[:m]
    u = np.zeros(n, np.int64)
    u[ei[chosen]] = eq[chosen] - v[ej[chosen]]
    u[rows_all[on_d]] = big_b - vx[m]
    return v, u


def _extend_lists(p, wn, gs: _GS, rows, floor_q, cap, min_q, margin: int = 0, chunk: int = 1 << 21):
    """Next proposals for mentees that exhausted their top-k list: every mentor that would still
    accept them, best first.  A mentor outside i's top-k scores <= floor_q[i] (the k-th score;
    scores are exact integers), and accepts only if the score beats its current cutoff, so
    only mentors with cutoff <= floor_q[i] are scored (pair by pair), not whole rows."""
    cnt, wq, wi = gs.mentor_cutoff()
    full = cnt >= cap
    big = np.iinfo(np.int64).max // 4
    cut = np.where(cap <= 0, big, np.where(full, wq, -big))
    order = np.argsort(cut, kind="stable")
    cs = cut[order]
    per_row = np.searchsorted(cs, floor_q + margin, side="right")
    out_i, out_j, out_q = [], [], []
    n_pairs = int(per_row.sum())
    start = 0
    while start < len(rows):  # chunks of rows bounded by the number of pairs to score
        csum = np.cumsum(per_row[start:])
        stop = start + max(1, int(np.searchsorted(csum, chunk, side="right")))
        r, k = rows[start:stop], per_row[start:stop]
        start = stop
        tot = int(k.sum())
        if tot == 0:
            continue
        pi = np.repeat(r, k)
        pj = order[np.arange(tot) - np.repeat(np.cumsum(k) - k, k)]
        if p.require_shared_language:  # cheap pre-filter before exact scoring
            compat = p.langset_shared[p.mentee_langset[pi], p.mentor_langset[pj]]
            pi, pj = pi[compat], pj[compat]
        q, ok = _pair_units(p, wn, pi, pj)
        if min_q is not None:
            ok &= q >= min_q
        acc = ok & ((~full[pj]) | (q > wq[pj]) | ((q == wq[pj]) & (pi < wi[pj])))
        out_i.append(pi[acc])
        out_j.append(pj[acc])
        out_q.append(q[acc])
    if not out_i:
        z = np.zeros(0, np.int64)
        return z, z, z, n_pairs
    xi, xj, xq = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_q)
    o = np.lexsort((xj, -xq, xi))
    return xi[o], xj[o], xq[o], n_pairs
