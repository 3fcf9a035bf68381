"""numba kernels: score mentee rows against every mentor and keep each row's top k (no N x M
matrix), and score given pairs component by component.  Both add the same float32 integers,
so they agree exactly.  Compiled once and cached on disk (``cache=True``); ``warm()`` loads them.

Scoring a row against a tile of mentors: the table part (time zone and hours combination +
language set) is gathered once for a run of rows with the same combination (rows are sorted
by it), the common terms are fused multiply-adds over dense mentor rows, four at a time, and
the rare terms add their posting lists, cut by tile in advance.  Every value is a float32
integer and every sum stays below 2**24, so any order of additions gives the same exact
integer.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .topk import FLOOR, HIST, LANES, NEG, select, shift_keys, unpack

ROWS = 64  # rows scored against one column tile before moving to the next


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _gather(out, n, row, idx):
    for jj in range(n):
        out[jj] = row[idx[jj]]


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _gather_add(out, n, row, idx):
    for jj in range(n):
        out[jj] += row[idx[jj]]


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _add_const(acc, n, base, c):
    for jj in range(n):
        acc[jj] = base[jj] + c


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _axpy(acc, n, v, row):
    for jj in range(n):
        acc[jj] += v * row[jj]


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _axpy4(acc, n, v0, r0, v1, r1, v2, r2, v3, r3):
    for jj in range(n):
        acc[jj] += (v0 * r0[jj] + v1 * r1[jj]) + (v2 * r2[jj] + v3 * r3[jj])


@nb.njit(cache=True, nogil=True, boundscheck=False)
def tile_ptr(b_ptr, b_j, m, tile):
    """(terms, tiles + 1): where each term's posting list (sorted by mentor) enters each tile."""
    n_terms = b_ptr.shape[0] - 1
    n_tiles = (m + tile - 1) // tile
    out = np.empty((n_terms, n_tiles + 1), dtype=np.int64)
    for t in range(n_terms):
        q = b_ptr[t]
        for ti in range(n_tiles):
            while q < b_ptr[t + 1] and b_j[q] < ti * tile:
                q += 1
            out[t, ti] = q
        out[t, n_tiles] = b_ptr[t + 1]
    return out


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _row_terms(i, a_ptr, a_term, a_val, dense_id, dd, dv, st, sv):
    """Split row i's terms into dense rows (dd, dv) and rare terms (st, sv); returns the counts."""
    nd = 0
    ns = 0
    for p in range(a_ptr[i], a_ptr[i + 1]):
        d = dense_id[a_term[p]]
        if d >= 0:
            dd[nd], dv[nd] = d, a_val[p]
            nd += 1
        else:
            st[ns], sv[ns] = a_term[p], a_val[p]
            ns += 1
    return nd, ns


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _fill_tile(i, acc, base, c, t0, t1, ti, nd, dd, dv, ns, st, sv, dense, tptr, b_j, b_val,
               x_ptr, x_j, x_val, f_ptr, f_j):
    """acc[j - t0] = score of (i, j) for the mentors t0 <= j < t1 (float32 integers)."""
    n = t1 - t0
    _add_const(acc, n, base, c)
    q = 0
    while q + 4 <= nd:
        _axpy4(acc, n, dv[q], dense[dd[q], t0:t1], dv[q + 1], dense[dd[q + 1], t0:t1],
               dv[q + 2], dense[dd[q + 2], t0:t1], dv[q + 3], dense[dd[q + 3], t0:t1])
        q += 4
    while q < nd:
        _axpy(acc, n, dv[q], dense[dd[q], t0:t1])
        q += 1
    for s in range(ns):
        t, v = st[s], sv[s]
        for p in range(tptr[t, ti], tptr[t, ti + 1]):
            acc[b_j[p] - t0] += v * b_val[p]
    for p in range(x_ptr[i], x_ptr[i + 1]):
        if t0 <= x_j[p] < t1:
            acc[x_j[p] - t0] += x_val[p]
    for p in range(f_ptr[i], f_ptr[i + 1]):
        if t0 <= f_j[p] < t1:
            acc[f_j[p] - t0] = NEG


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _scan_group(rows, order, r0, r1, k, m, tile, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term,
                a_val, dense_id, dense, tptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j, mrank, shiftf, shifted,
                thrs, min_q, use_min, heaps, sizes, bests):
    """Score rows order[r0:r1] against every tile and keep their top k in ``heaps``."""
    width = 1
    for r in range(r0, r1):
        width = max(width, a_ptr[rows[order[r]] + 1] - a_ptr[rows[order[r]]])
    acc = np.empty(tile, dtype=np.float32)
    base = np.empty(tile, dtype=np.float32)
    kb = np.empty(tile, dtype=np.float32) if shifted else acc
    gm = np.empty((tile + LANES - 1) // LANES, dtype=np.float32)
    gm2 = np.empty(gm.shape[0] if shifted else 1, dtype=np.float32)
    hist = np.zeros(HIST, dtype=np.int64)
    dd, st = np.empty((r1 - r0, width), np.int64), np.empty((r1 - r0, width), np.int64)
    dv, sv = np.empty((r1 - r0, width), np.float32), np.empty((r1 - r0, width), np.float32)
    nd, ns = np.empty(r1 - r0, np.int64), np.empty(r1 - r0, np.int64)
    for r in range(r0, r1):
        nd[r - r0], ns[r - r0] = _row_terms(rows[order[r]], a_ptr, a_term, a_val, dense_id, dd[r - r0], dv[r - r0],
                                            st[r - r0], sv[r - r0])
    for ti in range((m + tile - 1) // tile):
        t0 = ti * tile
        t1 = min(m, t0 + tile)
        n = t1 - t0
        prev = np.int64(-1)
        for r in range(r0, r1):
            i = rows[order[r]]
            combo = a_th[i] * np.int64(lang.shape[0]) + a_lang[i]
            if combo != prev:  # rows are sorted by this combination: few refills
                _gather(base, n, th[a_th[i]], m_th[t0:t1])
                _gather_add(base, n, lang[a_lang[i]], m_lang[t0:t1])
                prev = combo
            g = r - r0
            _fill_tile(i, acc, base, const[i], t0, t1, ti, nd[g], dd[g], dv[g], ns[g], st[g], sv[g], dense, tptr,
                       b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j)
            if shifted:
                shift_keys(acc, kb, n, t0, shiftf, min_q, use_min)
            sizes[g], thrs[g], tb = select(kb, acc, n, t0, shifted, k, heaps[g], sizes[g], gm, gm2, hist, mrank,
                                           thrs[g])
            bests[g] = max(bests[g], tb)


@nb.njit(cache=True, parallel=True, boundscheck=False)
def scan_rows(rows, k, m, tile, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
              b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j,
              mrank, by_rank, shift, use_shift, row_floor, use_floor, col_ok, use_ok, min_q, use_min):
    """For each row: its top k mentors (mentor, q) ordered best first, and its best eligible q.

    Rows are taken in groups of ROWS (sorted by their time/hours and language combination)
    and mentors in column tiles, so a tile of the dense mentor rows stays in cache while
    every row of the group is scored against it.  Groups run in parallel."""
    n_rows = rows.shape[0]
    out_j = np.empty((n_rows, k), dtype=np.int64)
    out_q = np.empty((n_rows, k), dtype=np.int64)
    out_n = np.zeros(n_rows, dtype=np.int64)
    best = np.empty(n_rows, dtype=np.int64)
    order = np.argsort(a_th[rows] * np.int64(lang.shape[0]) + a_lang[rows], kind="mergesort")
    tptr = tile_ptr(b_ptr, b_j, m, tile)
    shifted = use_shift or use_ok
    shiftf = np.empty(m if shifted else 1, dtype=np.float32)
    if shifted:
        for j in range(m):
            sh = np.float32(shift[j]) if use_shift else np.float32(0.0)
            shiftf[j] = sh if (not use_ok or col_ok[j]) else np.float32(2.0**30)
    for grp in nb.prange((n_rows + ROWS - 1) // ROWS):
        r0, r1 = grp * ROWS, min(n_rows, grp * ROWS + ROWS)
        heaps = np.empty((r1 - r0, k), dtype=np.int64)
        sizes = np.zeros(r1 - r0, dtype=np.int64)
        thrs = np.full(r1 - r0, np.float64(FLOOR))
        bests = np.full(r1 - r0, NEG, dtype=np.float32)
        for r in range(r0, r1):
            if use_floor:
                thrs[r - r0] = max(thrs[r - r0], np.float64(row_floor[order[r]]))
            if use_min and not shifted:
                thrs[r - r0] = max(thrs[r - r0], np.float64(min_q))
        _scan_group(rows, order, r0, r1, k, m, tile, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term,
                    a_val, dense_id, dense, tptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j, mrank, shiftf, shifted,
                    thrs, min_q, use_min, heaps, sizes, bests)
        for r in range(r0, r1):
            o, g = order[r], r - r0
            best[o] = np.int64(bests[g]) if bests[g] > FLOOR else np.int64(-(1 << 62))
            unpack(heaps[g], sizes[g], by_rank, shift, use_shift, out_j[o], out_q[o])
            out_n[o] = sizes[g]
    return out_j, out_q, out_n, best


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _mentor_value(t, j, b_ptr, b_j, b_val):
    lo, hi = b_ptr[t], b_ptr[t + 1]
    while lo < hi:  # binary search: posting lists are sorted by mentor
        mid = (lo + hi) // 2
        if b_j[mid] < j:
            lo = mid + 1
        else:
            hi = mid
    if lo < b_ptr[t + 1] and b_j[lo] == j:
        return b_val[lo]
    return np.float32(0.0)


@nb.njit(cache=True, parallel=True, boundscheck=False)
def pair_terms(pi, pj, term_block, n_blocks, a_ptr, a_term, a_val, b_ptr, b_j, b_val):
    """(P, n_blocks) units of each term block (skills, interests, text, ...) for given pairs."""
    n_pairs = pi.shape[0]
    out = np.zeros((n_pairs, n_blocks), dtype=np.float64)
    for chunk in nb.prange((n_pairs + 1023) // 1024):
        acc = np.empty(n_blocks, dtype=np.float32)
        for r in range(chunk * 1024, min(n_pairs, chunk * 1024 + 1024)):
            i, j = pi[r], pj[r]
            acc[:] = 0
            for p in range(a_ptr[i], a_ptr[i + 1]):
                t = a_term[p]
                acc[term_block[t]] += a_val[p] * _mentor_value(t, j, b_ptr, b_j, b_val)
            for c in range(n_blocks):
                out[r, c] = acc[c]
    return out


def warm() -> None:
    """Compile (or load from the on-disk cache) every kernel on a tiny input."""
    from .candidates import candidates
    from .problem import Problem

    p = Problem.build(
        mentee_skills_wanted=[[1]], mentee_goals_text=["warm"], mentee_languages=[["en"]], mentee_tz_offset_minutes=[0],
        mentee_hours=[1], mentor_skills=[[1]], mentor_text=["warm"], mentor_languages=[["en"]],
        mentor_tz_offset_minutes=[0], mentor_hours=[1], mentor_capacity=[1],
    )
    candidates(p)
    from .pairs import pair_scores

    pair_scores(p, [(0, 0)])
