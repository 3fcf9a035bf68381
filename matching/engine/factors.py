"""Integer factors of every score component, for one (problem, weights).

Every component contribution is an *integer* number of score units (``SCORE_SCALE`` per
point, 100 points = 2**22 units; factors are rounded down, so a component never exceeds its
weight).  A pair's score is

    table_timezone_hours[mentee combo, mentor combo] + language[mentee set, mentor set]
    + review[mentee] + sum over the mentee's terms t of a[i, t] * b[t, j]
    + preference / per-pair review extras          (forbidden pairs: ineligible)

where the terms are the wanted skills (a = idf share, b = 0/1 expertise), interests (Ochiai:
a = sqrt(w)/sqrt(count) on both sides) and the shared TF-IDF terms (a, b = sqrt(w) * tf-idf).
All of these are integers below 2**24, so float32 sums are exact in any order: the row
kernel, the pair kernel and every solver see the same integer for a pair.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from .evidence import evidence_extras
from .inputs import csr_of, hours_ratio, overlap_minutes
from .problem import COMPONENTS, SCORE_SCALE, Problem

NEG = np.float32(-(2.0**30))  # ineligible (no common language when required, forbidden)
ELIGIBLE_FLOOR = -1.0e8  # eligible scores are far above (>= -2**24)


def units(x) -> np.ndarray:
    """Integer units, rounded down (never above the unrounded value)."""
    return np.floor(np.asarray(x, dtype=np.float64) + 1e-9)


def pref_value(rank) -> np.ndarray:
    """Rank 1..3 -> 1, 2/3, 1/3; anything else (0 = not ranked) -> 0."""
    rank = np.asarray(rank)
    return np.where((rank >= 1) & (rank <= 3), (4 - rank) / 3.0, 0.0)


def _levels(*cols):
    """Unique combinations of integer level columns -> (combo id per row, level columns per combo)."""
    stacked = np.stack(cols, axis=1) if len(cols[0]) else np.zeros((0, len(cols)), np.int64)
    uniq, inv = np.unique(stacked, axis=0, return_inverse=True)
    return inv.reshape(-1).astype(np.int64), uniq


class Factors:
    """Arrays the kernels read (float32 integers), plus the per-component tables."""

    def __init__(self, p: Problem, wn: dict, dense_fraction: float = 1 / 16):
        self.p, self.wn = p, wn
        f = {c: wn[c] * SCORE_SCALE for c in COMPONENTS}
        n, m = p.n_mentees, p.n_mentors
        self._terms(p, f)
        self._times(p, f)
        lang_units = float(units(f["language"]))
        shared = p.langset_shared
        if p.require_shared_language:
            self.lang_table = np.where(shared, 0.0, NEG).astype(np.float32)
        else:
            self.lang_table = np.where(shared, lang_units, 0.0).astype(np.float32)
        self.lang_units = 0.0 if p.require_shared_language else lang_units
        if p.review_mode == "mentee":
            self.rev_a = units(p.review_mentee * f["review"])
        else:
            self.rev_a = np.full(n, float(units(p.review_missing * f["review"])))
        self.rev_pair_delta = units(p.review_val * f["review"]) - units(p.review_missing * f["review"])
        self.pref_units = units(pref_value(p.pref_rank) * f["preference"])
        # evidence: per-pair units, sorted by key (evidence.py)
        ev_i, ev_j, self.ev_units = evidence_extras(p, f["evidence"], units)
        self.ev_key = ev_i * m + ev_j
        # extras per mentee (CSR): preferences, per-pair review deltas and evidence; forbidden pairs
        xi = np.concatenate([p.pref_i, p.review_i, ev_i])
        o = np.argsort(xi, kind="stable")
        self.x_ptr = csr_of(xi[o], n)
        self.x_j = np.concatenate([p.pref_j, p.review_j, ev_j])[o].astype(np.int64)
        self.x_val = np.concatenate([self.pref_units, self.rev_pair_delta, self.ev_units])[o].astype(np.float32)
        self.f_ptr = csr_of(p.forbid_i, n)
        self.f_j = p.forbid_j.astype(np.int64)
        self.const = self.rev_a.astype(np.float32)
        # mentor-side columns: dense rows for common terms, posting lists for the rest
        df = np.diff(self.b_ptr)
        dense_terms = np.flatnonzero(df >= max(1.0, dense_fraction * m)) if m else np.zeros(0, np.int64)
        self.dense_id = np.full(len(df), -1, dtype=np.int64)
        self.dense_id[dense_terms] = np.arange(len(dense_terms))
        self.dense = np.zeros((len(dense_terms), m), dtype=np.float32)
        for r, t in enumerate(dense_terms.tolist()):  # loop over common terms (a few hundred)
            lo, hi = self.b_ptr[t], self.b_ptr[t + 1]
            self.dense[r, self.b_j[lo:hi]] = self.b_val[lo:hi]

    def _terms(self, p: Problem, f: dict) -> None:
        """Mentee rows a[i, t] (CSR) and mentor columns b[t, j] (CSC) over every term block."""
        blocks = self._term_blocks(p, f)
        self.block_names = tuple(name for name, _, _ in blocks)
        self.term_block = np.repeat(np.arange(len(blocks), dtype=np.int64), [x.shape[1] for _, x, _ in blocks])
        a = sp.hstack([x for _, x, _ in blocks], format="csr", dtype=np.float64)
        a.eliminate_zeros()
        a.sort_indices()
        b = sp.hstack([y for _, _, y in blocks], format="csc", dtype=np.float64)
        b.eliminate_zeros()
        b.sort_indices()
        self.a_ptr, self.a_term, self.a_val = a.indptr.astype(np.int64), a.indices.astype(np.int64), a.data.astype(np.float32)
        self.b_ptr, self.b_j, self.b_val = b.indptr.astype(np.int64), b.indices.astype(np.int64), b.data.astype(np.float32)

    def _term_blocks(self, p: Problem, f: dict) -> list:
        """The score components that are sums over shared terms, as (component, a, b): a pair's
        units are sum_t a[i, t] * b[j, t] (a: (N, T), b: (M, T), integer units, products and
        sums below 2**24).  A new term component adds one block here (and its name to
        COMPONENTS); the kernels need no change."""
        ws = p.wanted_w.tocsr(copy=True)
        ws.data = units(ws.data * f["skills"])
        sq_i = math.sqrt(f["interests"])
        na = np.diff(p.mentee_interests.indptr)
        nb_ = np.diff(p.mentor_interests.indptr)
        self.int_a = units(np.where(na > 0, sq_i / np.sqrt(np.maximum(na, 1)), 0.0))
        self.int_b = units(np.where(nb_ > 0, sq_i / np.sqrt(np.maximum(nb_, 1)), 0.0))
        ia = sp.csr_matrix(p.mentee_interests.multiply(self.int_a[:, None]))
        ib = sp.csr_matrix(p.mentor_interests.multiply(self.int_b[:, None]))
        sq_t = math.sqrt(f["text"])
        ta = p.text.mentee_tfidf.copy()
        ta.data = units(ta.data * sq_t)
        tb = p.text.mentor_tfidf.copy()
        tb.data = units(tb.data * sq_t)
        return [("skills", ws, p.expertise), ("interests", ia, ib), ("text", ta, tb)]

    def _times(self, p: Problem, f: dict) -> None:
        """Time-zone and availability tables, and one combined table over level combinations."""
        mtz, self.mtz_idx = np.unique(p.mentee_tz, return_inverse=True)
        rtz, self.rtz_idx = np.unique(p.mentor_tz, return_inverse=True)
        mhr, self.mhr_idx = np.unique(p.mentee_hours, return_inverse=True)
        rhr, self.rhr_idx = np.unique(p.mentor_hours, return_inverse=True)
        ov = overlap_minutes(mtz[:, None], rtz[None, :], p.day_start_minute, p.day_end_minute)
        self.tz_table = units(ov * (f["timezone"] / p.window_minutes))
        self.hr_table = units(hours_ratio(mhr[:, None], rhr[None, :]) * f["availability"])
        self.a_th, ca = _levels(self.mtz_idx.reshape(-1), self.mhr_idx.reshape(-1))
        self.m_th, cb = _levels(self.rtz_idx.reshape(-1), self.rhr_idx.reshape(-1))
        if len(ca) and len(cb):
            th = self.tz_table[ca[:, 0]][:, cb[:, 0]] + self.hr_table[ca[:, 1]][:, cb[:, 1]]
        else:
            th = np.zeros((len(ca), len(cb)))
        self.th_table = np.ascontiguousarray(th, dtype=np.float32)

    def kernel_args(self):
        p = self.p
        return (
            self.th_table, self.a_th, self.m_th, self.lang_table, p.mentee_langset, p.mentor_langset, self.const,
            self.a_ptr, self.a_term, self.a_val, self.dense_id, self.dense, self.b_ptr, self.b_j, self.b_val,
            self.x_ptr, self.x_j, self.x_val, self.f_ptr, self.f_j,
        )


def factors(p: Problem, wn: dict) -> Factors:
    """Factors for (problem, weights), cached on the problem for the latest weights."""
    key = tuple(round(wn[c], 12) for c in COMPONENTS)
    cached = p._cache.get("factors")
    if cached is not None and cached[0] == key:
        return cached[1]
    fac = Factors(p, wn)
    p._cache["factors"] = (key, fac)
    return fac
