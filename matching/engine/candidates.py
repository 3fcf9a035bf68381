"""Top-k candidate graph (one kernel pass over all pairs, no N x M matrix) and the dense score
matrix for small cohorts."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from . import kernels
from .factors import factors
from .problem import SCORE_SCALE, Problem, Weights

Q_NONE = np.iinfo(np.int64).min  # "no eligible mentor" / ineligible marker
TILE = None  # mentors per column tile; None: DEFAULT_TILE (tests set it small)
DEFAULT_TILE = 2048  # 8 KiB of scores per row: the row, its table part and its keys stay in L1


@dataclass
class Candidates:
    """Pruned bipartite graph: each mentee's best ``top_k`` eligible mentors.

    Edges are sorted by (mentee, score desc, mentor key); ``indptr`` is CSR over mentees.
    ``q`` are integer scores (points * SCORE_SCALE).  ``row_best_q`` is each mentee's best
    eligible score over *all* mentors (``Q_NONE`` if none); ``row_status``: 0 = has
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


def min_q_of(min_score: float | None) -> int | None:
    """Smallest eligible integer score for ``min_score`` points."""
    return None if min_score is None else int(math.ceil(min_score * SCORE_SCALE - 1e-6))


def by_rank(p: Problem) -> np.ndarray:
    out = np.empty(p.n_mentors, dtype=np.int64)
    out[p.mentor_rank] = np.arange(p.n_mentors)
    return out


def scan(p: Problem, wn: dict, rows, top_k: int, min_q: int | None, *, col_shift=None, row_floor=None, col_ok=None):
    """Score ``rows`` x all mentors and keep, per row, the top_k eligible pairs.

    Selection key: ``score - col_shift[j]`` (default: the score), restricted to ``col_ok``
    mentors, scores >= ``min_q`` and keys >= ``row_floor[row]`` (aligned with ``rows``).
    Returns (mentee, mentor, q, best): edges grouped by row in the order of ``rows``, each row
    by (key desc, mentor key), and ``best`` (aligned with ``rows``) each row's best eligible
    q over all mentors (``Q_NONE`` if none)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    m = p.n_mentors
    k = max(1, min(int(top_k), max(m, 1)))
    if m == 0 or len(rows) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy(), z.copy(), np.full(len(rows), Q_NONE, dtype=np.int64)
    fac = factors(p, wn)
    z64 = np.zeros(1, dtype=np.int64)
    shift = z64 if col_shift is None else np.ascontiguousarray(col_shift, dtype=np.int64)
    floor = z64 if row_floor is None else np.ascontiguousarray(row_floor, dtype=np.int64)
    ok = np.ones(1, dtype=np.bool_) if col_ok is None else np.ascontiguousarray(col_ok, dtype=np.bool_)
    if "by_rank" not in p._cache:
        p._cache["by_rank"] = by_rank(p)
    tile = int(min(m, TILE or DEFAULT_TILE))
    oj, oq, on, best = kernels.scan_rows(
        rows, k, m, tile, *fac.kernel_args(), p.mentor_rank, p._cache["by_rank"], shift, col_shift is not None,
        floor, row_floor is not None, ok, col_ok is not None, np.int64(min_q or 0), min_q is not None,
    )
    keep = np.arange(k)[None, :] < on[:, None]
    best = np.where(best < -(1 << 61), Q_NONE, best)
    return np.repeat(rows, on), oj[keep], oq[keep], best


def candidates(
    problem: Problem, weights: Weights | None = None, *, top_k: int = 50, min_score: float | None = None
) -> Candidates:
    """Score every pair (numba kernel, row by row) and keep each mentee's ``top_k`` eligible
    mentors (all of them when M <= top_k).  Never materialises the N x M matrix."""
    t0 = time.perf_counter()
    p = problem
    wn = (weights or Weights()).normalised(p)
    mq_min = min_q_of(min_score)
    mi, mj, mq, best = scan(p, wn, np.arange(p.n_mentees), top_k, mq_min)
    indptr = np.zeros(p.n_mentees + 1, dtype=np.int64)
    np.cumsum(np.bincount(mi, minlength=p.n_mentees), out=indptr[1:])
    has = np.diff(indptr) > 0
    status = np.where(has, 0, np.where(best == Q_NONE, 1, 2)).astype(np.int8)
    return Candidates(
        mentee=mi, mentor=mj, q=mq, indptr=indptr, row_best_q=best, row_status=status, top_k=int(top_k),
        min_q=mq_min, n_mentees=p.n_mentees, n_mentors=p.n_mentors, seconds=time.perf_counter() - t0,
    )


def score_matrix(problem: Problem, weights: Weights | None = None, *, max_pairs: int = 50_000_000) -> np.ndarray:
    """Dense (N, M) float64 matrix of the exact scores (points) every solver uses; -inf marks
    ineligible pairs (forbidden, ruled out, or no common language when required).  For small
    cohorts, tests and brute-force checks."""
    p = problem
    if p.n_mentees * p.n_mentors > max_pairs:
        raise ValueError(f"{p.n_mentees} x {p.n_mentors} pairs exceed max_pairs={max_pairs}; use candidates()")
    wn = (weights or Weights()).normalised(p)
    out = np.full((p.n_mentees, p.n_mentors), -np.inf)
    mi, mj, mq, _ = scan(p, wn, np.arange(p.n_mentees), p.n_mentors, None)
    out[mi, mj] = mq / SCORE_SCALE
    return out
