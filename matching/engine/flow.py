"""Exact capacitated assignment on an edge list: OR-Tools SimpleMinCostFlow, fed in a
canonical order (nodes and arcs numbered by stable key ranks) so that ties resolve the
same way whatever the order of the input rows."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from .inputs import lookup


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
    Returns a bool mask over the edges.  Deterministic for a given edge list.  Arc arrays are
    written once, in their final dtype (the graph is the largest object of a run).
    """
    chosen = np.zeros(len(ei), dtype=bool)
    idx = np.flatnonzero(cap[ej] > 0)
    if len(idx) == 0:
        return chosen
    all_usable = len(idx) == len(ei)
    ui, inv_i = _compress(ei if all_usable else ei[idx])
    uj, inv_j = _compress(ej if all_usable else ej[idx])
    nu, nv, ne = len(ui), len(uj), len(idx)
    supply = nu if max_pairs is None else max(0, min(nu, int(max_pairs)))
    if supply == 0:
        return chosen
    src, sink = 0, nu + nv + 1
    n_arcs = ne + nu + nv + (1 if objective == "total" else 0)
    tails = np.empty(n_arcs, np.int32)
    heads = np.empty(n_arcs, np.int32)
    caps = np.ones(n_arcs, np.int64)
    costs = np.zeros(n_arcs, np.int64)
    tails[:ne] = inv_i + 1
    heads[:ne] = inv_j + nu + 1
    del inv_i, inv_j
    np.negative(eq if all_usable else eq[idx], out=costs[:ne])
    tails[ne : ne + nu], heads[ne : ne + nu] = src, np.arange(1, nu + 1)
    tails[ne + nu : ne + nu + nv], heads[ne + nu : ne + nu + nv] = np.arange(nu + 1, nu + nv + 1), sink
    caps[ne + nu : ne + nu + nv] = cap[uj]
    if objective == "total":  # a bypass arc lets mentees stay unmatched
        tails[-1], heads[-1], caps[-1] = src, sink, nu
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    del tails, heads, caps, costs
    smcf.set_nodes_supplies(np.array([src, sink], np.int32), np.array([supply, -supply], np.int64))
    status = smcf.solve() if objective == "total" else smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(smcf.flows(np.arange(ne, dtype=np.int32)))
    chosen[idx[flows > 0]] = True
    return chosen


def _swap_round(ei, ej, eq, chosen, matched, span, qoff):
    """One round of tie swaps; returns (unmatched edges in, held edges out)."""
    ce = np.flatnonzero(chosen)
    slot = ej[ce] * span + (eq[ce] - qoff)
    o = np.lexsort((ei[ce], slot))  # per (mentor, score) slot: the held edge of the highest rank
    slot_s, ce_s = slot[o], ce[o]
    last = np.r_[slot_s[1:] != slot_s[:-1], True]
    slot_key, slot_edge = slot_s[last], ce_s[last]
    ue = np.flatnonzero(~matched[ei])
    pos = lookup(slot_key, ej[ue] * span + (eq[ue] - qoff))
    ok = pos >= 0
    ue, held = ue[ok], slot_edge[pos[ok]]
    better = ei[ue] < ei[held]
    ue, held = ue[better], held[better]
    o = np.lexsort((ue, ei[ue], held))  # one swap per held edge (lowest incoming rank) ...
    ue, held = ue[o], held[o]
    first = np.r_[True, held[1:] != held[:-1]] if len(held) else np.zeros(0, bool)
    ue, held = ue[first], held[first]
    o = np.lexsort((held, ei[ue]))  # ... and per incoming mentee
    ue, held = ue[o], held[o]
    first = np.r_[True, ei[ue][1:] != ei[ue][:-1]] if len(ue) else np.zeros(0, bool)
    return ue[first], held[first]


def prefer_lower_rank(ei, ej, eq, chosen, max_rounds: int = 50) -> np.ndarray:
    """Canonicalise ties between matched and unmatched mentees (ei are ranks): when an unmatched
    mentee has an edge to mentor j with exactly the score of a higher-ranked mentee j holds,
    swap them (the total is unchanged).  Repeats until no swap applies."""
    chosen = chosen.copy()
    if not chosen.any():
        return chosen
    n = int(ei.max()) + 1
    qoff = int(eq.min())
    span = int(eq.max()) - qoff + 1
    for _ in range(max_rounds):
        matched = np.zeros(n, dtype=bool)
        matched[ei[chosen]] = True
        ue, held = _swap_round(ei, ej, eq, chosen, matched, span, qoff)
        if len(ue) == 0:
            break
        chosen[held] = False
        chosen[ue] = True
    return chosen


def solve_canonical(mentee_rank, mentor_rank, ei, ej, eq, cap, objective="total", max_pairs=None) -> np.ndarray:
    """``solve_flow`` + ``prefer_lower_rank`` on the graph renumbered by stable key ranks, arcs
    sorted by (mentee rank, mentor rank): the same graph in any input order gives the same
    matching.  Returns a bool mask over the given edges."""
    m = len(mentor_rank)
    o = np.argsort(mentee_rank[ei] * m + mentor_rank[ej], kind="stable")
    cap_r = np.empty_like(cap)
    cap_r[mentor_rank] = cap
    ri, rj, eq_o = mentee_rank[ei[o]], mentor_rank[ej[o]], np.asarray(eq, dtype=np.int64)[o]
    sub = prefer_lower_rank(ri, rj, eq_o, solve_flow(ri, rj, eq_o, cap_r, objective, max_pairs))
    chosen = np.zeros(len(ei), dtype=bool)
    chosen[o] = sub
    return chosen
