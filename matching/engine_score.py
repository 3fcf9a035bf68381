"""Vectorised scoring for the matching engine: fused block products, top-k candidates,
score matrix, per-pair breakdown and explanations.  Public names are re-exported by
``matching.engine``.

Exact integer scores
--------------------
Every component contribution is an *integer* number of score units (``SCORE_SCALE`` units
per point, 100 points = 2**22 units).  Per pair, a component is a product of a mentee-side
and a mentor-side integer factor (one-hot / 0-1 mentor factors for skills, time zone,
availability, language and review; for the interests overlap and the text cosine both sides
carry ``round(sqrt(weight_units) * x)``), so

* the fused float32 product ``A_rows @ B`` (+ the sparse skills product, + the scattered
  preferences / per-pair reviews) only ever adds integers whose partial sums stay below 2**24:
  float32 arithmetic is exact, in any order, on any BLAS and any number of threads;
* the score a solver uses, ``score_matrix``, ``pair_scores``, ``breakdown`` and ``explain``
  are therefore the same integer for a pair, and totals compare exactly.

How a block of mentee rows is scored
------------------------------------
When a shared language is required, mentees are partitioned by their language set: a large
partition is scored only against the mentors it shares a language with (the product skips
incompatible columns entirely); small partitions share one "misc" group where incompatible
cells are masked.  Each block keeps its rows' top-k cells by a group-maximum threshold (one
pass over the block instead of an ``argpartition`` per row).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .engine_problem import (
    COMPONENTS,
    FORBIDDEN_REASONS,
    SCORE_SCALE,
    Problem,
    Weights,
    _hours_ratio,
    _lookup,
    _rows_entries,
    overlap_minutes,
)

try:  # in-place sparse x dense accumulate (private but long-stable SciPy kernel)
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover
    _csr_matvecs = None

_FORBID = np.float32(-1.0e9)  # scattered into forbidden / ruled-out pairs
_ELIGIBLE_FLOOR = -1.0e8  # anything below is an ineligible pair (eligible >= -2**23)
_Q_NONE = np.iinfo(np.int64).min  # "no eligible mentor" / ineligible marker
_Q_CLIP = (1 << 24) - 1  # |q| bound used when packing sort keys
_BLOCK_ELEMS = 1 << 23  # target float32 elements per block (32 MiB)


def _roundup(x: int, k: int) -> int:
    return -(-int(x) // k) * k


def _pref_value(rank) -> np.ndarray:
    """Rank 1..3 -> 1, 2/3, 1/3; anything else (0 = not ranked) -> 0."""
    rank = np.asarray(rank)
    return np.where((rank >= 1) & (rank <= 3), (4 - rank) / 3.0, 0.0)


def _units(x) -> np.ndarray:
    """Integer units, rounded down: a component worth value v <= 1 never exceeds its weight,
    so totals stay <= 100 points (at most ~0.05 points below the unrounded value)."""
    return np.floor(np.asarray(x, dtype=np.float64) + 1e-9)


# --------------------------------------------------------------------------- integer factors


class _Factors:
    """Integer (float32-stored) factors of every component for one (problem, weights)."""

    def __init__(self, p: Problem, wn: dict):
        self.p, self.wn = p, wn
        f = {c: wn[c] * SCORE_SCALE for c in COMPONENTS}  # units for a component value of 1
        self.f = f
        m = p.n_mentors
        # skills: A = round(f * idf share of each wanted skill); B = expertise (0/1)
        ww = p.wanted_w.tocsr(copy=True)
        ww.data = _units(ww.data * f["skills"])
        self.skills_a = sp.csr_matrix(ww, dtype=np.float32)
        self.skills_a.eliminate_zeros()
        # interests (Ochiai): per-person integer factor round(sqrt(f) / sqrt(count))
        sq = math.sqrt(f["interests"])
        na = np.diff(p.mentee_interests.indptr)
        nb = np.diff(p.mentor_interests.indptr)
        self.int_a = _units(np.where(na > 0, sq / np.sqrt(np.maximum(na, 1)), 0.0))
        self.int_b = _units(np.where(nb > 0, sq / np.sqrt(np.maximum(nb, 1)), 0.0))
        # text: round(sqrt(f) * dense vector) on both sides (|x| <= 1 -> |sum| <= f)
        st = math.sqrt(f["text"])
        rnd = _units if p.text.exact else np.rint  # LSA vectors are signed: round to nearest
        self.text_a = rnd(p.text.mentee_dense.astype(np.float64) * st).astype(np.float32)
        self.text_b = rnd(p.text.mentor_dense.astype(np.float64) * st).astype(np.float32)
        # time zones / availability: tables over (mentee level, mentor level)
        self.mtz_levels, self.mtz_idx = np.unique(p.mentee_tz, return_inverse=True)
        ov = overlap_minutes(self.mtz_levels[:, None], p.tz_levels[None, :], p.day_start_minute, p.day_end_minute)
        self.tz_table = _units(ov * (f["timezone"] / p.window_minutes))
        self.mhr_levels, self.mhr_idx = np.unique(p.mentee_hours, return_inverse=True)
        self.hr_table = _units(_hours_ratio(self.mhr_levels[:, None], p.hour_levels[None, :]) * f["availability"])
        self.lang_units = float(_units(f["language"])) if not p.require_shared_language else 0.0
        # review
        if p.review_mode == "mentee":
            self.rev_a = _units(p.review_mentee * f["review"])
        else:
            self.rev_a = np.full(p.n_mentees, _units(p.review_missing * f["review"]))
        self.rev_pair_delta = _units(p.review_val * f["review"]) - _units(p.review_missing * f["review"])
        self.pref_units = _units(_pref_value(p.pref_rank) * f["preference"])
        # mentor-side dense factor B (K, M)
        names = [("interests", p.mentee_interests.shape[1]), ("text", self.text_b.shape[1])]
        names += [("timezone", len(p.tz_levels)), ("availability", len(p.hour_levels))]
        if not p.require_shared_language:
            names.append(("language", p.langset_shared.shape[1]))
        names.append(("review", 1))
        self.sections, k = {}, 0
        for name, width in names:
            self.sections[name] = slice(k, k + width)
            k += width
        b = np.zeros((k, m), dtype=np.float32)
        b[self.sections["interests"]] = (p.mentor_interests.T.multiply(self.int_b[None, :])).toarray()
        b[self.sections["text"]] = self.text_b.T
        b[self.sections["timezone"].start + p.mentor_tz_idx, np.arange(m)] = 1
        b[self.sections["availability"].start + p.mentor_hour_idx, np.arange(m)] = 1
        if "language" in self.sections:
            b[self.sections["language"].start + p.mentor_langset, np.arange(m)] = 1
        b[self.sections["review"]] = 1
        self.b = b
        self.b_sk = np.ascontiguousarray(p.expertise.T.toarray(), dtype=np.float32)
        self._group_cache: dict = {}

    def fill_a(self, rows: np.ndarray, a: np.ndarray) -> None:
        """Mentee-side dense factor of ``rows`` into a (pre-zeroed, len(rows) x K)."""
        p, sec = self.p, self.sections
        a[:, sec["interests"]] = p.mentee_interests[rows].toarray() * self.int_a[rows][:, None]
        a[:, sec["text"]] = self.text_a[rows]
        a[:, sec["timezone"]] = self.tz_table[self.mtz_idx[rows]]
        a[:, sec["availability"]] = self.hr_table[self.mhr_idx[rows]]
        if "language" in sec:
            a[:, sec["language"]] = p.langset_shared[p.mentee_langset[rows]] * self.lang_units
        a[:, sec["review"]] = self.rev_a[rows][:, None]

    def group(self, grp):
        """(B, B_skills) restricted/padded to the group's columns (misc group cached)."""
        if grp.gid in self._group_cache:
            return self._group_cache[grp.gid]
        bg = np.zeros((self.b.shape[0], grp.mp), dtype=np.float32)
        sg = np.zeros((self.b_sk.shape[0], grp.mp), dtype=np.float32)
        if grp.cols is None:
            bg[:, : grp.mg] = self.b
            sg[:, : grp.mg] = self.b_sk
            self._group_cache[grp.gid] = (bg, sg)
        else:
            bg[:, : grp.mg] = self.b[:, grp.cols]
            sg[:, : grp.mg] = self.b_sk[:, grp.cols]
        return bg, sg


def _factors(p: Problem, wn: dict) -> _Factors:
    key = tuple(round(wn[c], 12) for c in COMPONENTS)
    cached = p._cache.get("factors")
    if cached is not None and cached[0] == key:
        return cached[1]
    fac = _Factors(p, wn)
    p._cache["factors"] = (key, fac)  # keep only the latest weights
    return fac


# --------------------------------------------------------------------------- layout


@dataclass
class _Group:
    gid: int
    cols: np.ndarray | None  # global mentor ids (ascending); None = all mentors
    mg: int  # real columns
    mp: int  # padded columns (multiple of 16)
    rows_per_block: int
    colpos: np.ndarray | None  # (M,) global -> local column, -1 if absent
    mask_cols: dict  # misc group, hard language: mentee langset -> incompatible columns


def _layout(p: Problem):
    """Partition mentees into scoring groups (depends only on the problem; cached)."""
    if "layout" in p._cache:
        return p._cache["layout"]
    n, m = p.n_mentees, p.n_mentors
    width = (
        p.mentee_interests.shape[1] + p.text.mentor_dense.shape[1] + len(p.tz_levels) + len(p.hour_levels) + 1 + len(p.skill_ids)
    )
    mentee_group = np.zeros(n, dtype=np.int64)
    specs = []  # (cols or None, member mask)
    misc_mask: dict[int, np.ndarray] = {}
    if p.require_shared_language and n:
        sets, counts = np.unique(p.mentee_langset, return_counts=True)
        misc_sets = []
        for a, na in zip(sets.tolist(), counts.tolist(), strict=True):
            compat = p.langset_shared[a][p.mentor_langset] if m else np.zeros(0, bool)
            mg = int(compat.sum())
            if mg == 0:
                mentee_group[p.mentee_langset == a] = -1
            elif mg < m and 2 * na * (m - mg) >= width * mg:  # skipped work > cost of gathering B
                specs.append((np.flatnonzero(compat), p.mentee_langset == a))
            else:
                misc_sets.append(a)
                if mg < m:
                    misc_mask[a] = np.flatnonzero(~compat)
        misc_rows = np.isin(p.mentee_langset, misc_sets)
    else:
        misc_rows = np.ones(n, dtype=bool)
    groups = []
    if m:
        for cols, members in [(None, misc_rows)] + specs:
            gid = len(groups)
            mentee_group[members] = gid
            mg = m if cols is None else len(cols)
            mp = _roundup(max(mg, 1), 16)
            rmax = max(64, min(8192, (_BLOCK_ELEMS // mp) // 64 * 64))
            rows_per_block = min(rmax, _roundup(max(int(members.sum()), 1), 64))
            colpos = None
            if cols is not None:
                colpos = np.full(m, -1, dtype=np.int64)
                colpos[cols] = np.arange(len(cols))
            groups.append(_Group(gid, cols, mg, mp, rows_per_block, colpos, misc_mask if cols is None else {}))
    else:
        mentee_group[:] = -1
    p._cache["layout"] = (groups, mentee_group)
    return p._cache["layout"]


# --------------------------------------------------------------------------- block scoring


def _add_sparse_product(a: sp.csr_matrix, b: np.ndarray, c: np.ndarray) -> None:
    """c += a @ b in place (a sparse float32, b and c C-contiguous float32)."""
    if _csr_matvecs is not None and c.flags.c_contiguous and b.flags.c_contiguous:
        idx_dtype = np.int64 if max(a.nnz, a.shape[1]) >= 2**31 - 1 else np.int32
        _csr_matvecs(
            a.shape[0],
            a.shape[1],
            b.shape[1],
            a.indptr.astype(idx_dtype, copy=False),
            a.indices.astype(idx_dtype, copy=False),
            a.data.astype(np.float32, copy=False),
            b.ravel(),
            c.ravel(),
        )
    else:  # pragma: no cover - public-API fallback
        c += np.asarray(a @ b, dtype=np.float32)


class _Scorer:
    """Scores blocks of mentee rows against their group's mentors (exact integer float32)."""

    def __init__(self, p: Problem, wn: dict):
        self.p, self.wn = p, wn
        self.fac = _factors(p, wn)
        self.groups, self.mentee_group = _layout(p)
        self._buf: dict = {}

    def blocks(self, rows: np.ndarray):
        """Yield (group, rows_blk, C) for the requested mentees (grouped, ascending within a
        group).  C is (len(rows_blk), group.mp) float32 holding integer score units; padded
        columns are -inf and ineligible pairs <= _ELIGIBLE_FLOOR.  C is a reused buffer."""
        fac = self.fac
        rows = np.asarray(rows, dtype=np.int64)
        g_of = self.mentee_group[rows]
        k = fac.b.shape[0]
        for grp in self.groups:
            rg = np.sort(rows[g_of == grp.gid])
            if len(rg) == 0:
                continue
            b, b_sk = fac.group(grp)
            r = grp.rows_per_block
            if self._buf.get("shape") != (r, grp.mp, k):
                self._buf = {
                    "shape": (r, grp.mp, k),
                    "c": np.empty((r, grp.mp), dtype=np.float32),
                    "a": np.zeros((r, k), dtype=np.float32),
                }
            cbuf, abuf = self._buf["c"], self._buf["a"]
            for s in range(0, len(rg), r):
                rb = rg[s : s + r]
                nb = len(rb)
                a = abuf[:nb]
                fac.fill_a(rb, a)
                c = cbuf[:nb]
                np.matmul(a, b, out=c)
                if b_sk.shape[0]:
                    _add_sparse_product(fac.skills_a[rb], b_sk, c)
                self._scatter(grp, rb, c)
                if grp.mp != grp.mg:
                    c[:, grp.mg :] = -np.inf
                yield grp, rb, c

    @staticmethod
    def _local(grp, idx, loc, j):
        if grp.colpos is None:
            return idx, loc, j
        lc = grp.colpos[j]
        ok = lc >= 0
        return idx[ok], loc[ok], lc[ok]

    def _scatter(self, grp, rb: np.ndarray, c: np.ndarray) -> None:
        p, fac = self.p, self.fac
        if len(p.pref_i):
            idx, loc = _rows_entries(p.pref_i, rb)
            idx, loc, lc = self._local(grp, idx, loc, p.pref_j[idx])
            if len(idx):
                c[loc, lc] += fac.pref_units[idx].astype(np.float32)
        if p.review_mode == "pair" and len(p.review_i):
            idx, loc = _rows_entries(p.review_i, rb)
            idx, loc, lc = self._local(grp, idx, loc, p.review_j[idx])
            if len(idx):
                c[loc, lc] += fac.rev_pair_delta[idx].astype(np.float32)
        if len(p.forbid_i):
            idx, loc = _rows_entries(p.forbid_i, rb)
            idx, loc, lc = self._local(grp, idx, loc, p.forbid_j[idx])
            if len(idx):
                c[loc, lc] = _FORBID
        if grp.mask_cols:
            sets = p.mentee_langset[rb]
            for a in np.unique(sets).tolist():  # loop over the language sets present in the block
                cols = grp.mask_cols.get(a)
                if cols is not None:
                    c[np.ix_(np.flatnonzero(sets == a), cols)] = -np.inf


def score_matrix(problem: Problem, weights: Weights | None = None, *, max_pairs: int = 50_000_000) -> np.ndarray:
    """Dense (N, M) float64 matrix of the exact scores (points) every solver uses; -inf marks
    ineligible pairs (forbidden, ruled out, or no common language when required).  For small
    cohorts, tests and brute-force checks."""
    p = problem
    if p.n_mentees * p.n_mentors > max_pairs:
        raise ValueError(f"{p.n_mentees} x {p.n_mentors} pairs exceed max_pairs={max_pairs}; use candidates()")
    wn = (weights or Weights()).normalised(p)
    out = np.full((p.n_mentees, p.n_mentors), -np.inf)
    for grp, rb, c in _Scorer(p, wn).blocks(np.arange(p.n_mentees)):
        vals = c[:, : grp.mg].astype(np.float64)
        vals = np.where(vals <= _ELIGIBLE_FLOOR, -np.inf, vals / SCORE_SCALE)
        if grp.cols is None:
            out[rb] = vals
        else:
            out[np.ix_(rb, grp.cols)] = vals
    return out


# --------------------------------------------------------------------------- pairs (canonical)


def _padded_rows(p: Problem, name: str, x: sp.csr_matrix):
    """(n, L) column ids (-1 padded) and values of a CSR matrix's rows, cached."""
    key = ("padded", name, id(x))
    if key not in p._cache:
        counts = np.diff(x.indptr)
        width = max(1, int(counts.max()) if len(counts) else 1)
        cols = np.full((x.shape[0], width), -1, dtype=np.int64)
        vals = np.zeros((x.shape[0], width), dtype=np.float64)
        r = np.repeat(np.arange(x.shape[0]), counts)
        pos = np.arange(x.nnz) - np.repeat(x.indptr[:-1], counts)
        cols[r, pos] = x.indices
        vals[r, pos] = x.data
        p._cache[key] = (cols, vals)
    return p._cache[key]


def _membership(p: Problem, name: str, x: sp.csr_matrix):
    """Mentor-row membership: dense (M, S) bool, or sorted keys when that would be too large."""
    key = ("member", name)
    if key not in p._cache:
        r = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        if x.shape[0] * max(x.shape[1], 1) <= 300_000_000:
            dense = np.zeros(x.shape, dtype=bool)
            dense[r, x.indices] = True
            p._cache[key] = ("dense", dense)
        else:
            p._cache[key] = ("keys", np.sort(r.astype(np.int64) * x.shape[1] + x.indices))
    return p._cache[key]


def _overlap(p: Problem, name: str, cols_vals, mentor_x: sp.csr_matrix, i, j):
    """(hits, values) of mentee i's padded entries that mentor j also has -> (n, L) arrays."""
    cols, vals = cols_vals
    ci = cols[i]
    valid = ci >= 0
    if mentor_x.shape[1] == 0:
        return np.zeros(ci.shape, dtype=bool), vals[i]
    kind, mem = _membership(p, name, mentor_x)
    if kind == "dense":
        hit = mem[j[:, None], np.maximum(ci, 0)] & valid
    else:
        keys = j[:, None] * mentor_x.shape[1] + np.maximum(ci, 0)
        pos = np.minimum(np.searchsorted(mem, keys), max(len(mem) - 1, 0))
        hit = ((mem[pos] == keys) & valid) if len(mem) else np.zeros(keys.shape, bool)
    return hit, vals[i]


_CHUNK = 1 << 14  # pairs per chunk: keeps temporaries small (reused heap, no page faults)


def _pair_core(p: Problem, wn: dict, i: np.ndarray, j: np.ndarray, facts: bool = False) -> dict:
    """Per-pair integer units of every component (exactly what the block product adds up),
    eligibility data and, with ``facts``, the raw component values and human facts."""
    fac = _factors(p, wn)
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    sk_cv = _padded_rows(p, "skills_a", fac.skills_a)
    in_cv = _padded_rows(p, "interests", p.mentee_interests)
    parts: dict[str, list] = {}
    for s in range(0, len(i), _CHUNK):
        ii, jj = i[s : s + _CHUNK], j[s : s + _CHUNK]
        key = ii * p.n_mentors + jj
        c: dict[str, np.ndarray] = {}
        hit_sk, val_sk = _overlap(p, "skills", sk_cv, p.expertise, ii, jj)
        c["u_skills"] = (hit_sk * val_sk).sum(axis=1)
        hit_in, _ = _overlap(p, "interests", in_cv, p.mentor_interests, ii, jj)
        n_int = hit_in.sum(axis=1)
        c["u_interests"] = n_int * fac.int_a[ii] * fac.int_b[jj]
        ta, tb = fac.text_a[ii], fac.text_b[jj]
        # float32 is exact here: integer terms, every partial sum below 2**24
        c["u_text"] = np.einsum("ij,ij->i", ta, tb).astype(np.float64) if ta.shape[1] else np.zeros(len(ii))
        tzu = fac.tz_table[fac.mtz_idx[ii], p.mentor_tz_idx[jj]]
        c["u_timezone"] = tzu
        c["u_availability"] = fac.hr_table[fac.mhr_idx[ii], p.mentor_hour_idx[jj]]
        shared = p.langset_shared[p.mentee_langset[ii], p.mentor_langset[jj]]
        c["u_language"] = shared * fac.lang_units
        hp = _lookup(p.pref_key, key)
        c["u_preference"] = np.where(hp >= 0, fac.pref_units[np.maximum(hp, 0)] if len(hp) and len(fac.pref_units) else 0, 0)
        rev = fac.rev_a[ii]
        hr = None
        if p.review_mode == "pair":
            hr = _lookup(p.review_key, key)
            rev = rev + np.where(hr >= 0, fac.rev_pair_delta[np.maximum(hr, 0)] if len(fac.rev_pair_delta) else 0, 0)
        c["u_review"] = rev
        fh = _lookup(p.forbid_key, key)
        c["freason"] = np.where(fh >= 0, p.forbid_reason[np.maximum(fh, 0)] if len(p.forbid_reason) else 0, 0)
        c["shared"] = shared
        if facts:
            ov = overlap_minutes(p.mentee_tz[ii], p.mentor_tz[jj], p.day_start_minute, p.day_end_minute)
            rank = np.where(hp >= 0, p.pref_rank[np.maximum(hp, 0)] if len(p.pref_rank) else 0, 0)
            na = np.diff(p.mentee_interests.indptr)[ii]
            nb = np.diff(p.mentor_interests.indptr)[jj]
            den = np.sqrt(na.astype(np.float64) * nb)
            c["skills"] = (hit_sk * _padded_rows(p, "wanted_w", p.wanted_w)[1][ii]).sum(axis=1)
            c["interests"] = np.where(den > 0, n_int / np.where(den > 0, den, 1.0), 0.0)
            c["text"] = p.text.dense_dot(ii, jj)
            c["language"] = shared.astype(np.float64)
            c["timezone"] = ov / p.window_minutes
            c["availability"] = _hours_ratio(p.mentee_hours[ii], p.mentor_hours[jj])
            c["preference"] = _pref_value(rank)
            if p.review_mode == "mentee":
                c["review"] = p.review_mentee[ii]
                c["review_raw"] = p.review_raw[ii]
            elif p.review_mode == "pair":
                c["review"] = np.where(hr >= 0, p.review_val[np.maximum(hr, 0)], p.review_missing)
                c["review_raw"] = np.where(hr >= 0, p.review_raw[np.maximum(hr, 0)], np.nan)
            else:
                c["review"] = np.full(len(ii), p.review_missing)
                c["review_raw"] = np.full(len(ii), np.nan)
            c["overlap_minutes"] = ov
            c["preference_rank"] = rank
            c["n_shared_skills"] = hit_sk.sum(axis=1)
            c["n_shared_interests"] = n_int
        for name, v in c.items():
            parts.setdefault(name, []).append(np.asarray(v))
    if not parts:
        return {}
    return {k: np.concatenate(v) for k, v in parts.items()}


def _pair_units(p: Problem, wn: dict, i, j) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer total (units) and eligibility of pairs."""
    i = np.asarray(i, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    core = _pair_core(p, wn, i, j)
    total = np.zeros(len(i))
    for c in COMPONENTS:
        total += core["u_" + c]
    eligible = (core["freason"] == 0) & (core["shared"] | (not p.require_shared_language))
    return np.rint(total).astype(np.int64), eligible


def pair_scores(problem: Problem, pairs, weights: Weights | None = None) -> np.ndarray:
    """Integer scores (units; points = units / SCORE_SCALE) of specific pairs -- exactly the
    numbers candidates()/assign()/score_matrix() use.  Ineligible pairs (forbidden, ruled
    out, no common language when required) get ``_Q_NONE``."""
    p = problem
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    wn = (weights or Weights()).normalised(p)
    q, ok = _pair_units(p, wn, arr[:, 0], arr[:, 1])
    return np.where(ok, q, _Q_NONE)


# --------------------------------------------------------------------------- top-k candidates


@dataclass
class Candidates:
    """Pruned bipartite graph: each mentee's best ``top_k`` eligible mentors.

    Edges are sorted by (mentee, score desc, mentor); ``indptr`` is CSR over mentees.
    ``q`` are integer scores (points * SCORE_SCALE).  ``row_best_q`` is each mentee's best
    eligible score over *all* mentors (``_Q_NONE`` if none); ``row_status``: 0 = has
    candidates, 1 = no eligible mentor, 2 = eligible mentors exist but all below ``min_score``.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    q: np.ndarray
    indptr: np.ndarray
    row_best_q: np.ndarray
    row_status: np.ndarray
    top_k: int
    min_q: int | None
    n_mentees: int
    n_mentors: int
    seconds: float = 0.0

    @property
    def scores(self) -> np.ndarray:
        return self.q / SCORE_SCALE

    def __len__(self) -> int:
        return len(self.q)


def _min_q(min_score: float | None) -> int | None:
    """Smallest eligible integer score for ``min_score`` points."""
    return None if min_score is None else int(math.ceil(min_score * SCORE_SCALE - 1e-6))


def _scan(
    p: Problem,
    wn: dict,
    rows: np.ndarray,
    top_k: int,
    min_q: int | None,
    *,
    col_shift: np.ndarray | None = None,
    row_floor: np.ndarray | None = None,
    col_ok: np.ndarray | None = None,
    col_min: np.ndarray | None = None,
):
    """Score ``rows`` x all mentors block by block and keep, per row, the top_k eligible pairs.

    Selection key: ``score - col_shift[j]`` (default: the score), restricted to ``col_ok``
    mentors, to pairs with score >= ``col_min[j]`` and to keys >= ``row_floor[row]`` (arrays
    indexed by global mentor / by position in ``rows``).  Returns (mentee, mentor, q, best)
    with edges sorted by (mentee, key desc, mentor) and ``best`` (aligned with ``rows``) the
    best eligible q of each row over all mentors (unshifted; ``_Q_NONE`` if none)."""
    rows = np.asarray(rows, dtype=np.int64)
    k = max(1, int(top_k))
    need_key = col_shift is not None or col_ok is not None or col_min is not None
    floor = _ELIGIBLE_FLOOR if min_q is None else max(_ELIGIBLE_FLOOR, min_q - 0.5)
    pos_of = np.full(p.n_mentees, -1, dtype=np.int64)
    pos_of[rows] = np.arange(len(rows))
    best = np.full(len(rows), _Q_NONE, dtype=np.int64)
    out_i, out_j, out_q, out_r = [], [], [], []
    sc = _Scorer(p, wn)
    kbuf = mbuf = None
    pads: dict = {}

    def _padded(name, arr, grp, fill):
        key = (name, grp.gid)
        if key not in pads:
            v = np.full(grp.mp, fill, dtype=np.float32)
            v[: grp.mg] = np.asarray(arr, dtype=np.float32)[np.arange(grp.mg) if grp.cols is None else grp.cols]
            pads[key] = v
        return pads[key]

    def shift_pad(grp):
        return _padded("shift", col_shift, grp, 0.0)[None, :]

    def min_pad(grp):
        return _padded("min", col_min, grp, np.inf)

    for grp, rb, c in sc.blocks(rows):
        nb, mp, mg = len(rb), grp.mp, grp.mg
        kk = min(k, mg)
        group = 16
        while group > 1 and mp // group < 4 * kk:
            group //= 2
        g = mp // group
        gm = None
        if need_key:
            rowmax = c[:, :mg].max(axis=1)
        else:
            gm = c.reshape(nb, group, g).max(axis=1)
            rowmax = gm.max(axis=1)
        pr = pos_of[rb]
        best[pr] = np.where(rowmax > _ELIGIBLE_FLOOR, rowmax.astype(np.int64), _Q_NONE)
        if col_shift is not None:  # separate key array: c keeps the plain scores
            if kbuf is None or kbuf.shape[1] != mp or kbuf.shape[0] < nb:
                kbuf = np.empty((max(nb, grp.rows_per_block), mp), dtype=np.float32)
            kb = kbuf[:nb]
            np.subtract(c, shift_pad(grp), out=kb)
            if min_q is not None:  # ineligible cells are already hugely negative
                kb[c < floor] = -np.inf
            lower = np.float32(-3.0e38)
        else:  # mask c in place: selected cells keep their plain score
            kb = c
            lower = np.float32(floor)
        if col_min is not None:
            cm = c[:, :mg]
            kb[:, :mg][cm < min_pad(grp)[:mg][None, :]] = -np.inf
        if col_ok is not None:
            bad_cols = ~col_ok[np.arange(mg) if grp.cols is None else grp.cols]
            if bad_cols.any():
                kb[:, :mg][:, bad_cols] = -np.inf
        if need_key:
            gm = kb.reshape(nb, group, g).max(axis=1)
        if g > kk:
            tau = np.partition(gm, g - kk, axis=1)[:, g - kk]
        else:
            tau = np.full(nb, -np.inf, dtype=np.float32)
        thr = np.maximum(tau, lower)
        if row_floor is not None:
            thr = np.maximum(thr, np.asarray(row_floor, dtype=np.float32)[pr])
        if mbuf is None or mbuf.size < kb.size:
            mbuf = np.empty(max(kb.size, grp.rows_per_block * mp), dtype=bool)
        mk = mbuf[: kb.size].reshape(kb.shape)
        np.greater_equal(kb, thr[:, None], out=mk)
        flat = np.flatnonzero(mk)
        if len(flat) == 0:
            continue
        li = flat // mp
        lj = flat - li * mp
        q = c.ravel()[flat].astype(np.int64)  # exact integer units
        keep = q > _ELIGIBLE_FLOOR
        if min_q is not None:
            keep &= q >= min_q
        kq = kb.ravel()[flat].astype(np.int64) if col_shift is not None else q
        li, lj, q, kq = li[keep], lj[keep], q[keep], kq[keep]
        if len(li) == 0:
            continue
        bits_c = max(1, int(mp).bit_length())
        kqc = np.clip(kq, -_Q_CLIP, _Q_CLIP)
        keys = (li.astype(np.int64) << (26 + bits_c)) | ((_Q_CLIP - kqc) << bits_c) | lj.astype(np.int64)
        order = np.argsort(keys)
        li, lj, q = li[order], lj[order], q[order]
        starts = np.searchsorted(li, np.arange(nb))
        rank = np.arange(len(li)) - starts[li]
        sel = rank < k
        out_i.append(rb[li[sel]])
        out_j.append(lj[sel] if grp.cols is None else grp.cols[lj[sel]])
        out_q.append(q[sel])
        out_r.append(rank[sel])
    if not out_i:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy(), z.copy(), best
    mi = np.concatenate(out_i)
    mj = np.concatenate(out_j).astype(np.int64)
    mq = np.concatenate(out_q)
    mr = np.concatenate(out_r)
    # place edges grouped by mentee (ascending), each mentee's edges in key order
    cnt = np.bincount(mi, minlength=p.n_mentees)
    start = np.concatenate(([0], np.cumsum(cnt)[:-1]))
    dest = start[mi] + mr
    ri = np.empty_like(mi)
    rj = np.empty_like(mj)
    rq = np.empty_like(mq)
    ri[dest], rj[dest], rq[dest] = mi, mj, mq
    return ri, rj, rq, best


def candidates(
    problem: Problem,
    weights: Weights | None = None,
    *,
    top_k: int = 50,
    min_score: float | None = None,
) -> Candidates:
    """Score every pair block by block and keep each mentee's ``top_k`` eligible mentors
    (all of them when M <= top_k).  Never materialises the N x M matrix."""
    t0 = time.perf_counter()
    p = problem
    wn = (weights or Weights()).normalised(p)
    mq_min = _min_q(min_score)
    rows = np.arange(p.n_mentees)
    mi, mj, mq, best = _scan(p, wn, rows, top_k, mq_min)
    indptr = np.zeros(p.n_mentees + 1, dtype=np.int64)
    np.cumsum(np.bincount(mi, minlength=p.n_mentees), out=indptr[1:])
    has = np.diff(indptr) > 0
    status = np.where(has, 0, np.where(best == _Q_NONE, 1, 2)).astype(np.int8)
    return Candidates(
        mentee=mi,
        mentor=mj,
        q=mq,
        indptr=indptr,
        row_best_q=best,
        row_status=status,
        top_k=int(top_k),
        min_q=mq_min,
        n_mentees=p.n_mentees,
        n_mentors=p.n_mentors,
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------- explanations


def breakdown(problem: Problem, pairs, weights: Weights | None = None) -> dict[str, np.ndarray]:
    """Vectorised component breakdown for (mentee, mentor) pairs, e.g. to write proposal rows.

    Returns arrays of length P: one per component with its raw value in 0..1 (``text`` is the
    cosine of the dense text representation: the exact TF-IDF cosine unless the LSA
    projection is in use, can then be slightly negative), ``points_<component>`` (its
    contribution in points, as scored), ``total`` (points, 0..100; *exactly* the score every
    solver uses for the pair), ``eligible`` (bool), ``forbidden_reason`` (0 none,
    1 forbidden, 2 ruled out), ``common_language`` (bool), ``overlap_minutes`` /
    ``overlap_hours`` (int), ``preference_rank`` (0 = not ranked), ``n_shared_skills``,
    ``n_shared_interests`` (int), ``text_similarity`` (exact TF-IDF cosine), ``review_raw``
    (NaN when missing).
    """
    p = problem
    wn = (weights or Weights()).normalised(p)
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    i, j = arr[:, 0], arr[:, 1]
    if len(arr) and (i.min() < 0 or i.max() >= p.n_mentees or j.min() < 0 or j.max() >= p.n_mentors):
        raise ValueError("pair index out of range")
    if len(arr) == 0:
        return {}
    core = _pair_core(p, wn, i, j, facts=True)
    out: dict[str, np.ndarray] = {c: core[c].astype(np.float64) for c in COMPONENTS}
    total = np.zeros(len(i))
    for c in COMPONENTS:
        out[f"points_{c}"] = core["u_" + c] / SCORE_SCALE
        total += core["u_" + c]
    shared = core["shared"].astype(bool)
    out["total"] = np.rint(total) / SCORE_SCALE
    out["eligible"] = (core["freason"] == 0) & (shared | (not p.require_shared_language))
    out["forbidden_reason"] = core["freason"].astype(np.int8)
    out["common_language"] = shared
    out["overlap_minutes"] = core["overlap_minutes"].astype(np.int64)
    out["overlap_hours"] = (core["overlap_minutes"] // 60).astype(np.int64)
    out["preference_rank"] = core["preference_rank"].astype(np.int64)
    out["n_shared_skills"] = core["n_shared_skills"].astype(np.int64)
    out["n_shared_interests"] = core["n_shared_interests"].astype(np.int64)
    out["text_similarity"] = p.text.cosine(i, j)
    out["review_raw"] = core["review_raw"].astype(np.float64)
    return out


def explain(problem: Problem, i: int, j: int, weights: Weights | None = None) -> dict:
    """Human-oriented explanation of pair (mentee i, mentor j).

    Keys: ``total`` (0..100), ``eligible``, ``blocked_by`` (list of "forbidden" /
    "ruled_out" / "no_common_language"), ``locked``, ``components`` (value 0..1 each),
    ``points`` (contribution of each component), ``weights`` (points per unit), and ``facts``:
    ``shared_skills`` (skill ids, rarest first), ``shared_skills_idf``, ``wanted_skills``
    (count), ``shared_interests``, ``overlap_hours`` (int), ``overlap_minutes``,
    ``preference_rank`` (int or None), ``common_languages`` (labels), ``text_similarity``
    (exact TF-IDF cosine), ``text_terms`` (top shared terms), ``mentee_hours``,
    ``mentor_hours``, ``review_raw`` (None when missing).
    """
    p = problem
    i, j = int(i), int(j)
    bd = breakdown(p, [(i, j)], weights)
    wn = (weights or Weights()).normalised(p)
    wcols = p.wanted.indices[p.wanted.indptr[i] : p.wanted.indptr[i + 1]]
    ecols = p.expertise.indices[p.expertise.indptr[j] : p.expertise.indptr[j + 1]]
    sh = np.intersect1d(wcols, ecols)
    sh = sh[np.lexsort((p.skill_ids[sh], -p.skill_idf[sh]))]
    mint = p.mentee_interests.indices[p.mentee_interests.indptr[i] : p.mentee_interests.indptr[i + 1]]
    rint_ = p.mentor_interests.indices[p.mentor_interests.indptr[j] : p.mentor_interests.indptr[j + 1]]
    shared_int = [p.interest_ids[c] for c in np.intersect1d(mint, rint_)]
    ml = p.mentee_lang.indices[p.mentee_lang.indptr[i] : p.mentee_lang.indptr[i + 1]]
    rl = p.mentor_lang.indices[p.mentor_lang.indptr[j] : p.mentor_lang.indptr[j + 1]]
    common = [p.language_labels[c] for c in np.intersect1d(ml, rl)]
    blocked = []
    if bd["forbidden_reason"][0]:
        blocked.append(FORBIDDEN_REASONS[int(bd["forbidden_reason"][0])])
    if p.require_shared_language and not common:
        blocked.append("no_common_language")
    rank = int(bd["preference_rank"][0])
    locked = bool(len(p.locked) and ((p.locked[:, 0] == i) & (p.locked[:, 1] == j)).any())
    rv = float(bd["review_raw"][0])
    return {
        "mentee": i,
        "mentor": j,
        "total": float(bd["total"][0]),
        "eligible": bool(bd["eligible"][0]),
        "blocked_by": blocked,
        "locked": locked,
        "components": {c: float(bd[c][0]) for c in COMPONENTS},
        "points": {c: float(bd[f"points_{c}"][0]) for c in COMPONENTS},
        "weights": wn,
        "facts": {
            "shared_skills": [int(x) for x in p.skill_ids[sh]],
            "shared_skills_idf": [float(x) for x in p.skill_idf[sh]],
            "wanted_skills": int(len(wcols)),
            "shared_interests": shared_int,
            "overlap_hours": int(bd["overlap_hours"][0]),
            "overlap_minutes": int(bd["overlap_minutes"][0]),
            "preference_rank": rank if rank > 0 else None,
            "common_languages": common,
            "text_similarity": float(bd["text_similarity"][0]),
            "text_terms": p.text.shared_terms(i, j),
            "mentee_hours": float(p.mentee_hours[i]),
            "mentor_hours": float(p.mentor_hours[j]),
            "review_raw": None if math.isnan(rv) else rv,
        },
    }
