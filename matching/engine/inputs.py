"""Input validation and small array helpers shared by the engine modules (pure numpy/scipy)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp


def overlap_minutes(off_a, off_b, start: int = 9 * 60, end: int = 21 * 60) -> np.ndarray:
    """Minutes of overlap of the local [start, end) windows of two people (UTC offsets in minutes).

    Vectorised (broadcasts).  Works on the 24 h circle, e.g. UTC-5 vs UTC+9 with a
    09:00-21:00 window -> 120 minutes.
    """
    length = end - start
    d = np.abs(np.asarray(off_a, dtype=np.int64) - np.asarray(off_b, dtype=np.int64)) % 1440
    d = np.minimum(d, 1440 - d)
    ov = np.maximum(0, length - d) + np.maximum(0, length - (1440 - d))
    return np.minimum(ov, length)


def hours_ratio(a, b) -> np.ndarray:
    """min / max of weekly hours (0 when either is 0)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    hi = np.maximum(a, b)
    lo = np.minimum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), 0.0)


def multi_hot(lists: Sequence[Iterable], index: dict, n: int) -> sp.csr_matrix:
    """0/1 CSR (n, len(index)) with sorted column indices per row (vectorised)."""
    lists = [x if x is not None else () for x in lists]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    cols = np.fromiter(map(index.__getitem__, chain.from_iterable(lists)), dtype=np.int64, count=int(counts.sum()))
    width = max(len(index), 1)
    key = unique_sorted(np.repeat(np.arange(len(lists), dtype=np.int64), counts) * width + cols)
    rows, cols = key // width, key % width
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(n, len(index)))


def unique_sorted(key: np.ndarray, return_counts: bool = False):
    """np.unique for int64 keys by sorting (numpy's hash-based unique is slower here)."""
    key = np.sort(key)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    if not return_counts:
        return key[first]
    return key[first], np.diff(np.r_[first, len(key)])


def sorted_labels(lists_a: Sequence[Iterable], lists_b: Sequence[Iterable]) -> list:
    """Every label used on either side, in a canonical order (type name, value)."""
    seen = set(chain.from_iterable(x for x in lists_a if x is not None))
    seen |= set(chain.from_iterable(x for x in lists_b if x is not None))
    return sorted(seen, key=lambda v: (str(type(v)), v))


def row_scale(x: sp.csr_matrix, s: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix(sp.diags(s) @ x)


def pair_array(pairs, n: int, m: int, what: str) -> np.ndarray:
    """(P, 2) int64 pairs, validated against the problem size."""
    arr = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    arr = arr.reshape(-1, 2)
    bad = (arr[:, 0] < 0) | (arr[:, 0] >= n) | (arr[:, 1] < 0) | (arr[:, 1] >= m)
    if bad.any():
        raise ValueError(f"{what}: pair {tuple(arr[np.argmax(bad)])} out of range ({n} mentees, {m} mentors)")
    return arr


def lookup(keys_sorted: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key in keys_sorted, -1 when absent."""
    keys = np.asarray(keys, dtype=np.int64)
    if len(keys_sorted) == 0 or len(keys) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys_sorted, keys), len(keys_sorted) - 1)
    return np.where(keys_sorted[pos] == keys, pos, -1)


def csr_of(rows: np.ndarray, n: int) -> np.ndarray:
    """indptr over ``n`` rows for entries whose (sorted) row ids are ``rows``."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr


def ranks_of(keys, count: int, what: str) -> np.ndarray:
    """Rank (0..count-1) of each position by its stable key; positions when keys is None."""
    if keys is None:
        return np.arange(count, dtype=np.int64)
    arr = np.asarray(keys)
    if arr.ndim != 1 or len(arr) != count:
        raise ValueError(f"{what} has length {len(arr)}, expected {count}")
    order = np.argsort(arr, kind="stable")
    s = arr[order]
    if count > 1 and (s[1:] == s[:-1]).any():
        dup = s[1:][s[1:] == s[:-1]][0]
        raise ValueError(f"{what} must be unique; {dup!r} appears twice")
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    return rank


def logistic_z(x: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """z-score (cohort-wide, or per group when it has >= 2 distinct values) then logistic -> (0, 1).

    Means and deviations are summed over *sorted* values, so the result does not depend on the
    order of the input."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return x

    def _z(v):
        s = np.sort(v)
        mu = s.mean()
        sd = np.sqrt(np.sort((s - mu) ** 2).mean())
        return (v - mu) / sd if sd > 0 else np.zeros_like(v)

    z = _z(x)
    if groups is not None:
        order = np.argsort(groups, kind="stable")
        g = groups[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        ends = np.r_[starts[1:], len(g)]
        for s, e in zip(starts, ends, strict=True):  # loop over mentors (groups), not pairs
            if e - s >= 2 and np.ptp(x[order[s:e]]) > 0:
                z[order[s:e]] = _z(x[order[s:e]])
    return 1.0 / (1.0 + np.exp(-z))


def check_lengths(n: int, m: int, named: dict) -> None:
    for name, seq in named.items():
        want = n if name.startswith("mentee") else m
        if len(seq) != want:
            side = "mentees" if name.startswith("mentee") else "mentors"
            raise ValueError(f"{name} has length {len(seq)}, expected {want} ({side})")
