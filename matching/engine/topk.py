"""numba helpers that keep a row's top k while its scores are computed tile by tile.

Keys are packed into one int64 ``(key + 2**30) << 32 | (2**32 - 1 - mentor rank)``, so the
k largest packed keys are the k best cells by (key desc, mentor rank asc) whatever the order
in which cells are offered: the kept set never depends on the order of the input columns.
"""

from __future__ import annotations

import numba as nb
import numpy as np

NEG = np.float32(-(2.0**30))  # ineligible cell
FLOOR = np.float32(-1.0e8)  # eligible keys are far above
OFF = np.int64(1 << 30)
LOW32 = np.int64(0xFFFFFFFF)
LANES = 16  # a tile of n cells is cut into ceil(n / 16) strided blocks {g, g + nb, g + 2 nb, ...}
SHIFT = 15  # histogram buckets of 2**15 units (0.78 point): scores < 2**22 -> at most 128 buckets
HIST = (1 << 22 >> SHIFT) + 1


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
def push(heap, size, k, packed):
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


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def strided_max(x, n, n_blocks, gm):
    """gm[g] = max of x[g + q * n_blocks] (q = 0..LANES-1, index < n): contiguous, vectorised
    passes instead of a short loop per block."""
    lim = min(n_blocks, n)
    for g in range(lim):
        gm[g] = x[g]
    for q in range(1, LANES):
        lo = q * n_blocks
        lim = min(n_blocks, n - lo)
        for g in range(lim):
            v = x[lo + g]
            gm[g] = v if v > gm[g] else gm[g]  # (builtin max does not vectorise)


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def row_max(x, n):
    best = NEG
    for jj in range(n):
        best = x[jj] if x[jj] > best else best
    return best


@nb.njit(cache=True, nogil=True, boundscheck=False)
def bucket_bound(gm, n_blocks, k, hist):
    """A lower bound on the k-th largest cell: the floor of the bucket where, counted from the
    top, k block maxima have been seen (each such block holds a cell >= its maximum)."""
    hist[:] = 0
    top = hist.shape[0] - 1
    for g in range(n_blocks):
        v = gm[g]
        if v > FLOOR:
            b = min(max(np.int64(v) >> SHIFT, 0), top)
            hist[b] += 1
    seen = 0
    for b in range(top, -1, -1):
        seen += hist[b]
        if seen >= k:
            return np.float64(b << SHIFT) if b > 0 else np.float64(FLOOR)
    return np.float64(FLOOR)


@nb.njit(cache=True, nogil=True, boundscheck=False, fastmath=True)
def shift_keys(acc, kb, n, t0, shiftf, min_q, use_min):
    """kb = acc - shift (exact: integers below 2**24); ineligible cells and cells below min_q
    get a hugely negative key."""
    lo = np.float32(min_q) if use_min else FLOOR
    for j in range(n):
        kb[j] = acc[j] - shiftf[t0 + j] if acc[j] >= lo else NEG


@nb.njit(cache=True, nogil=True, boundscheck=False)
def select(kb, acc, n, t0, shifted, k, heap, size, gm, gm2, hist, mrank, thr):
    """Offer the tile's cells (mentors t0 .. t0 + n) to a row's top k by (key kb desc, mentor
    rank asc), keeping eligible cells with key >= thr (``min_q`` is already in ``thr``, or in
    ``kb`` when ``shifted``).  Blocks whose maximum key is below the running threshold are
    skipped with one compare; equal keys take the exact path, so ties go to the lower mentor
    rank.  Returns (size, thr, best eligible score in the tile)."""
    n_blocks = (n + LANES - 1) // LANES
    strided_max(kb, n, n_blocks, gm)
    if shifted:
        strided_max(acc, n, n_blocks, gm2)
        tile_best = row_max(gm2, n_blocks)
    else:
        tile_best = row_max(gm, n_blocks)
    if size < k and n_blocks >= k:  # start at a key that k blocks reach: few cells pass it
        thr = max(thr, bucket_bound(gm, n_blocks, k, hist))
    for g in range(n_blocks):
        if gm[g] < thr:
            continue
        for jj in range(g, n, n_blocks):
            key = kb[jj]
            if key < thr or acc[jj] <= FLOOR:
                continue
            packed = ((np.int64(key) + OFF) << 32) | (LOW32 - mrank[t0 + jj])
            if size < k or packed > heap[0]:
                size = push(heap, size, k, packed)
                if size == k:
                    thr = max(thr, np.float64((heap[0] >> 32) - OFF))
    return size, thr, tile_best


@nb.njit(cache=True, nogil=True, boundscheck=False)
def unpack(heap, size, by_rank, shift, use_shift, out_j, out_q):
    """Write a row's kept cells best first: mentor index and score (key + shift).  An in-place
    heap sort: the min-heap's smallest key goes to the end, so the heap ends best first."""
    for last in range(size - 1, 0, -1):
        heap[0], heap[last] = heap[last], heap[0]
        _sift_down(heap, last, 0)
    for s in range(size):
        packed = heap[s]
        j = by_rank[LOW32 - (packed & LOW32)]
        out_j[s] = j
        out_q[s] = ((packed >> 32) - OFF) + (shift[j] if use_shift else 0)
