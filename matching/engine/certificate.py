"""Optimality over *all* pairs without building them: dual prices of the pruned optimum, one
scoring pass for any pair that would improve the total, add those, re-solve, repeat."""

from __future__ import annotations

import numpy as np

from .candidates import scan
from .inputs import lookup
from .problem import SCORE_SCALE

_BIG_B = 2 * int(round(100 * SCORE_SCALE)) + 1  # score of the dummy "cohort full" mentor


def shortest_from(n_nodes: int, tail, head, w, source: int, max_iter: int | None = None) -> np.ndarray:
    """Bellman-Ford with a frontier (vectorised SPFA); raises on a negative cycle."""
    order = np.argsort(tail, kind="stable")
    tail, head, w = tail[order], head[order], w[order]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n_nodes), out=indptr[1:])
    dist = np.full(n_nodes, np.iinfo(np.int64).max // 4, dtype=np.int64)
    dist[source] = 0
    frontier = np.array([source])
    max_iter = max_iter or (n_nodes + 2)
    for _ in range(max_iter):
        lo, hi = indptr[frontier], indptr[frontier + 1]
        cnt = hi - lo
        tot = int(cnt.sum())
        if tot == 0:
            return dist
        eidx = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(tot)
        cand = dist[tail[eidx]] + w[eidx]
        better = cand < dist[head[eidx]]
        if not better.any():
            return dist
        before = dist.copy()
        np.minimum.at(dist, head[eidx][better], cand[better])
        frontier = np.flatnonzero(dist < before)
        if len(frontier) == 0:
            return dist
    raise RuntimeError("negative cycle in dual constraint graph")


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
    mj_of[mi], mq_of[mi] = mj, mq
    matched_edge = mj_of[ei] >= 0
    a = matched_edge & (mj_of[ei] != ej)  # matched mentee: v_j - v_j' <= q_ij - q_ij'
    c = ~matched_edge  # unmatched mentee: v_j' >= q_ij'
    allj, fj = np.arange(m), np.flatnonzero(cap_free)
    parts = [
        (ej[a], mj_of[ei[a]], mq_of[ei[a]] - eq[a]),
        (ej[c], np.full(int(c.sum()), g), -eq[c]),
        (np.full(len(mj), g), mj, mq),  # v_j <= q_ij for the matched edge
        (allj, np.full(m, g), np.zeros(m, np.int64)),  # v_j >= 0
        (np.full(len(fj), g), fj, np.zeros(len(fj), np.int64)),  # spare capacity -> 0
        (np.full(m, g), allj, np.full(m, 4 * _BIG_B, np.int64)),  # keeps every node reachable
    ]
    tail, head, w = (np.concatenate([np.asarray(x[k], dtype=np.int64) for x in parts]) for k in range(3))
    key = tail * (m + 1) + head  # keep the tightest constraint per (tail, head)
    o = np.lexsort((w, key))
    key, tail, head, w = key[o], tail[o], head[o], w[o]
    first = np.r_[True, key[1:] != key[:-1]]
    return shortest_from(m + 1, tail[first], head[first], w[first], g)[:m]


def prices(ei, ej, eq, chosen, cap, n: int, rows_all, max_new: int | None):
    """Dual prices (v per mentor, u per mentee) certifying ``chosen`` on the pruned graph.

    A binding ``max_pairs`` cap is modelled exactly as a dummy mentor D that every eligible
    mentee can take at a score B above any real score, with room for all but ``max_new`` of
    them: the best real total with at most ``max_new`` pairs is then the plain optimum of the
    dummy problem, whose D edges are all present, so the usual scan over real pairs proves it."""
    m = len(cap)
    load = np.bincount(ej[chosen], minlength=m)
    u = np.zeros(n, np.int64)
    if max_new is None or len(rows_all) <= max_new:
        v = mentor_prices(ei, ej, eq, chosen, load < cap)
        u[ei[chosen]] = eq[chosen] - v[ej[chosen]]
        return v, u
    matched = np.zeros(n, dtype=bool)
    matched[ei[chosen]] = True
    free_rows = rows_all[~matched[rows_all]]
    on_d = np.zeros(len(rows_all), dtype=bool)
    on_d[np.searchsorted(rows_all, free_rows[: len(rows_all) - max_new])] = True
    vx = mentor_prices(
        np.concatenate([ei, rows_all]),
        np.concatenate([ej, np.full(len(rows_all), m, np.int64)]),
        np.concatenate([eq, np.full(len(rows_all), _BIG_B, np.int64)]),
        np.concatenate([chosen, on_d]),
        np.r_[load < cap, False],
    )
    v = vx[:m]
    u[ei[chosen]] = eq[chosen] - v[ej[chosen]]
    u[rows_all[on_d]] = _BIG_B - vx[m]
    return v, u


def certify(p, wn, edges, chosen, cap, rows_all, max_new, solve, top_k: int, min_q, max_rounds: int, info: dict,
            row_bound=None):
    """Grow the edge list with every pair that could improve the total until none is left.

    ``solve(ei, ej, eq) -> chosen`` re-solves the pruned problem.  ``row_bound[i]`` (optional)
    is the highest score of any pair of mentee i outside the initial edge list: a pair (i, j)
    improves the total only if q_ij - v_j > u_i, so when row_bound[i] - u_i <= min v_j no pair
    outside the list can, and the row is not rescanned (pairs inside it are edges already).
    Returns (edges, chosen, certified)."""
    ei, ej, eq = edges
    m = len(cap)
    usable = cap > 0
    for rnd in range(max_rounds):
        v, u = prices(ei, ej, eq, chosen, cap, p.n_mentees, rows_all, max_new)
        rows = rows_all
        if row_bound is not None and usable.any():
            rows = rows_all[row_bound[rows_all] - u[rows_all] > v[usable].min()]
        info[f"certify_round_{rnd}_rows_scanned"] = int(len(rows))
        ai, aj, aq, _ = scan(p, wn, rows, max(5, top_k // 5), min_q, col_shift=v, row_floor=u[rows] + 1,
                             col_ok=usable)
        viol = (aq - v[aj] > u[ai]) & ~(lookup(np.sort(ei * m + ej), ai * m + aj) >= 0)
        info[f"certify_round_{rnd}_added"] = int(viol.sum())
        info["certify_rounds"] = rnd + 1
        if not viol.any():
            return (ei, ej, eq), chosen, True
        ei, ej, eq = (np.concatenate([x, y[viol]]) for x, y in ((ei, ai), (ej, aj), (eq, aq)))
        chosen = solve(ei, ej, eq)
    return (ei, ej, eq), chosen, False
