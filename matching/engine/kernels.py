"""numba kernels: score a mentee row against every mentor and keep its top k (no N x M matrix),
and score given pairs component by component.  Both add the same float32 integers, so they
agree exactly.  Compiled once and cached on disk (``cache=True``); ``warm()`` loads them.
"""

from __future__ import annotations

import numba as nb
import numpy as np

_NEG = np.float32(-(2.0**30))
_FLOOR = np.float32(-1.0e8)
_OFF = np.int64(1 << 30)
_LOW32 = np.int64(0xFFFFFFFF)


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _fill_row(i, acc, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
              b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j):
    trow = th[a_th[i]]
    lrow = lang[a_lang[i]]
    c = const[i]
    for j in range(acc.shape[0]):
        acc[j] = trow[m_th[j]] + lrow[m_lang[j]] + c
    for p in range(a_ptr[i], a_ptr[i + 1]):
        t = a_term[p]
        v = a_val[p]
        d = dense_id[t]
        if d >= 0:
            drow = dense[d]
            for j in range(acc.shape[0]):
                acc[j] += v * drow[j]
        else:
            for q in range(b_ptr[t], b_ptr[t + 1]):
                acc[b_j[q]] += v * b_val[q]
    for p in range(x_ptr[i], x_ptr[i + 1]):
        acc[x_j[p]] += x_val[p]
    for p in range(f_ptr[i], f_ptr[i + 1]):
        acc[f_j[p]] = _NEG


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _sift_down(heap, size, pos):
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        small = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            small = left + 1
        if heap[small] >= heap[pos]:
            return
        heap[small], heap[pos] = heap[pos], heap[small]
        pos = small


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _push(heap, size, k, packed):
    """Keep the k largest packed keys in a min-heap; returns the new size."""
    if size < k:
        pos = size
        heap[pos] = packed
        while pos > 0:
            parent = (pos - 1) // 2
            if heap[parent] <= heap[pos]:
                break
            heap[parent], heap[pos] = heap[pos], heap[parent]
            pos = parent
        return size + 1
    if packed > heap[0]:
        heap[0] = packed
        _sift_down(heap, size, 0)
    return size


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _select(acc, k, heap, mrank, shift, use_shift, floor_i, use_floor, col_ok, use_ok, min_q, use_min):
    """Top k of one scored row by (key desc, mentor rank asc); returns (size, best eligible q)."""
    size = 0
    best = np.int64(-(1 << 62))
    for j in range(acc.shape[0]):
        s = acc[j]
        if s <= _FLOOR:
            continue
        q = np.int64(s)
        if q > best:
            best = q
        if use_ok and not col_ok[j]:
            continue
        if use_min and q < min_q:
            continue
        key = q - shift[j] if use_shift else q
        if use_floor and key < floor_i:
            continue
        packed = ((key + _OFF) << 32) | (_LOW32 - mrank[j])
        if size < k or packed > heap[0]:
            size = _push(heap, size, k, packed)
    return size, best


@nb.njit(cache=True, parallel=True, boundscheck=False)
def scan_rows(rows, k, m, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
              b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j,
              mrank, by_rank, shift, use_shift, row_floor, use_floor, col_ok, use_ok, min_q, use_min):
    """For each row: its top k mentors (mentor, q) ordered best first, and its best eligible q."""
    n_rows = rows.shape[0]
    out_j = np.empty((n_rows, k), dtype=np.int64)
    out_q = np.empty((n_rows, k), dtype=np.int64)
    out_n = np.zeros(n_rows, dtype=np.int64)
    best = np.empty(n_rows, dtype=np.int64)
    n_chunks = min(n_rows, 256)
    for c in nb.prange(n_chunks):
        acc = np.empty(m, dtype=np.float32)
        heap = np.empty(k, dtype=np.int64)
        for r in range(c * n_rows // n_chunks, (c + 1) * n_rows // n_chunks):
            i = rows[r]
            _fill_row(i, acc, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
                      b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j)
            fl = row_floor[r] if use_floor else 0
            size, best[r] = _select(acc, k, heap, mrank, shift, use_shift, fl, use_floor, col_ok, use_ok, min_q, use_min)
            keys = np.sort(heap[:size])
            for s in range(size):
                packed = keys[size - 1 - s]
                j = by_rank[_LOW32 - (packed & _LOW32)]
                out_j[r, s] = j
                out_q[r, s] = ((packed >> 32) - _OFF) + (shift[j] if use_shift else 0)
            out_n[r] = size
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
def pair_terms(pi, pj, n_skills, n_interests, a_ptr, a_term, a_val, b_ptr, b_j, b_val):
    """(P, 3) units of skills, interests and text for given pairs."""
    out = np.zeros((pi.shape[0], 3), dtype=np.float64)
    for r in nb.prange(pi.shape[0]):
        i, j = pi[r], pj[r]
        s0 = np.float32(0.0)
        s1 = np.float32(0.0)
        s2 = np.float32(0.0)
        for p in range(a_ptr[i], a_ptr[i + 1]):
            t = a_term[p]
            prod = a_val[p] * _mentor_value(t, j, b_ptr, b_j, b_val)
            if t < n_skills:
                s0 += prod
            elif t < n_skills + n_interests:
                s1 += prod
            else:
                s2 += prod
        out[r, 0], out[r, 1], out[r, 2] = s0, s1, s2
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
