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
def _first_at_least(arr, lo, hi, value):
    """First position in sorted arr[lo:hi] whose value is >= value (binary search)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _fill_tile(i, acc, t0, t1, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
               b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j):
    """acc[j - t0] = score of (i, j) for the mentors t0 <= j < t1 (float32 integers)."""
    trow = th[a_th[i]]
    lrow = lang[a_lang[i]]
    c = const[i]
    for j in range(t0, t1):
        acc[j - t0] = trow[m_th[j]] + lrow[m_lang[j]] + c
    for p in range(a_ptr[i], a_ptr[i + 1]):
        t = a_term[p]
        v = a_val[p]
        d = dense_id[t]
        if d >= 0:
            drow = dense[d]
            for j in range(t0, t1):
                acc[j - t0] += v * drow[j]
        else:
            q = _first_at_least(b_j, b_ptr[t], b_ptr[t + 1], t0)
            while q < b_ptr[t + 1] and b_j[q] < t1:
                acc[b_j[q] - t0] += v * b_val[q]
                q += 1
    for p in range(x_ptr[i], x_ptr[i + 1]):
        if t0 <= x_j[p] < t1:
            acc[x_j[p] - t0] += x_val[p]
    for p in range(f_ptr[i], f_ptr[i + 1]):
        if t0 <= f_j[p] < t1:
            acc[f_j[p] - t0] = _NEG


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


_BLOCK = 16
_ROWS = 32  # rows scored against one column tile before moving to the next


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _block_max(acc, gm, m):
    """Maximum of every block of _BLOCK of the first m cells; returns the overall maximum."""
    row_best = _NEG
    for g in range((m + _BLOCK - 1) // _BLOCK):
        lo = g * _BLOCK
        best = _NEG
        for j in range(lo, min(lo + _BLOCK, m)):
            best = max(best, acc[j])
        gm[g] = best
        row_best = max(row_best, best)
    return row_best


_SHIFT = 12  # histogram buckets of 2**12 units (0.1 point): scores < 2**22 -> at most 1024


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _bucket_bound(gm, n_groups, k, hist):
    """A lower bound on the k-th largest cell: the floor of the bucket where, counted from the
    top, k block maxima have been seen (each such block holds a cell >= its maximum)."""
    hist[:] = 0
    top = hist.shape[0] - 1
    for g in range(n_groups):
        v = gm[g]
        if v > _FLOOR:
            b = min(max(np.int64(v) >> _SHIFT, 0), top)
            hist[b] += 1
    seen = 0
    for b in range(top, -1, -1):
        seen += hist[b]
        if seen >= k:
            return np.float64(b << _SHIFT) if b > 0 else np.float64(_FLOOR)
    return np.float64(_FLOOR)


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def _shift_keys(acc, kb, n, t0, shiftf, min_q, use_min):
    """kb = acc - shift (exact: integers below 2**24); ineligible cells and cells below min_q
    get a hugely negative key."""
    lo = np.float32(min_q) if use_min else _FLOOR
    for j in range(n):
        kb[j] = acc[j] - shiftf[t0 + j] if acc[j] >= lo else _NEG


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _select(kb, acc, n, t0, shifted, k, heap, size, gm, hist, mrank, thr):
    """Offer the tile's cells (mentors t0 .. t0 + n) to a row's top k by (key kb desc, mentor
    rank asc), keeping eligible cells with key >= thr (``min_q`` is already in ``thr``, or in
    ``kb`` when ``shifted``).  Blocks whose maximum key is below the running threshold are
    skipped with one compare; equal keys take the exact path, so ties go to the lower mentor
    rank.  Returns (size, thr, best eligible score in the tile)."""
    tile_best = _block_max(acc, gm, n)
    if shifted:
        _block_max(kb, gm, n)
    n_groups = (n + _BLOCK - 1) // _BLOCK
    if size < k and n_groups >= 4 * k:  # start at a key that k blocks reach: few cells pass it
        thr = max(thr, _bucket_bound(gm, n_groups, k, hist))
    for g in range(n_groups):
        if gm[g] < thr:
            continue
        for jj in range(g * _BLOCK, min(g * _BLOCK + _BLOCK, n)):
            key = kb[jj]
            if key < thr or acc[jj] <= _FLOOR:
                continue
            packed = ((np.int64(key) + _OFF) << 32) | (_LOW32 - mrank[t0 + jj])
            if size < k or packed > heap[0]:
                size = _push(heap, size, k, packed)
                if size == k:
                    thr = max(thr, np.float64((heap[0] >> 32) - _OFF))
    return size, thr, tile_best


@nb.njit(cache=True, parallel=True, boundscheck=False)
def scan_rows(rows, k, m, tile, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val, dense_id, dense,
              b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j,
              mrank, by_rank, shift, use_shift, row_floor, use_floor, col_ok, use_ok, min_q, use_min):
    """For each row: its top k mentors (mentor, q) ordered best first, and its best eligible q.

    Rows are taken in groups of _ROWS and mentors in column tiles, so a tile of the dense
    mentor columns stays in cache while every row of the group is scored against it."""
    n_rows = rows.shape[0]
    out_j = np.empty((n_rows, k), dtype=np.int64)
    out_q = np.empty((n_rows, k), dtype=np.int64)
    out_n = np.zeros(n_rows, dtype=np.int64)
    best = np.empty(n_rows, dtype=np.int64)
    shifted = use_shift or use_ok
    shiftf = np.empty(m if shifted else 1, dtype=np.float32)
    if shifted:
        for j in range(m):
            sh = np.float32(shift[j]) if use_shift else np.float32(0.0)
            shiftf[j] = sh if (not use_ok or col_ok[j]) else np.float32(2.0**30)
    n_groups = (n_rows + _ROWS - 1) // _ROWS
    for grp in nb.prange(n_groups):
        r0, r1 = grp * _ROWS, min(n_rows, grp * _ROWS + _ROWS)
        acc = np.empty(tile, dtype=np.float32)
        kb = np.empty(tile, dtype=np.float32) if shifted else acc
        heaps = np.empty((_ROWS, k), dtype=np.int64)
        sizes = np.zeros(_ROWS, dtype=np.int64)
        thrs = np.empty(_ROWS, dtype=np.float64)
        bests = np.full(_ROWS, _NEG, dtype=np.float32)
        gm = np.empty((tile + _BLOCK - 1) // _BLOCK, dtype=np.float32)
        hist = np.zeros((1 << 22 >> _SHIFT) + 1, dtype=np.int64)
        for r in range(r0, r1):
            thr = max(np.float64(_FLOOR), np.float64(row_floor[r])) if use_floor else np.float64(_FLOOR)
            thrs[r - r0] = max(thr, np.float64(min_q)) if use_min and not shifted else thr
        for t0 in range(0, m, tile):
            t1 = min(m, t0 + tile)
            for r in range(r0, r1):
                _fill_tile(rows[r], acc, t0, t1, th, a_th, m_th, lang, a_lang, m_lang, const, a_ptr, a_term, a_val,
                           dense_id, dense, b_ptr, b_j, b_val, x_ptr, x_j, x_val, f_ptr, f_j)
                if shifted:
                    _shift_keys(acc, kb, t1 - t0, t0, shiftf, min_q, use_min)
                size, thr, tb = _select(kb, acc, t1 - t0, t0, shifted, k, heaps[r - r0], sizes[r - r0], gm, hist,
                                        mrank, thrs[r - r0])
                sizes[r - r0], thrs[r - r0] = size, thr
                bests[r - r0] = max(bests[r - r0], tb)
        for r in range(r0, r1):
            size = sizes[r - r0]
            best[r] = np.int64(bests[r - r0]) if bests[r - r0] > _FLOOR else np.int64(-(1 << 62))
            keys = np.sort(heaps[r - r0, :size])
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
