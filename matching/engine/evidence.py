"""The "evidence" score component: a mentee's verified work in what the mentor knows (pure NumPy/SciPy).

Each mentee brings verified contributions as ``(weight, labels)`` items (weight: 1 for merged work,
less for open work; labels: the repository's languages and topics). A mentor knows a set of labels
(their skills and interests by name). Labels are compared lower-cased. The component is

    evidence(i, j) = (weight of i's contributions with a label j knows) / max(total weight of i's work, SATURATION)

in 0..1: all of a mentee's work in what the mentor knows, and at least SATURATION merged
contributions of it, is a perfect fit. Mentees without evidence score 0, and the component is
active only when some mentee has evidence.

Scoring adds it as per-pair extras (integer units, like preferences), so the kernels need no change.
Every number is row-local and the labels and items are sorted, so row order changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

SATURATION = 3.0


def _rows(mentee_evidence, n: int) -> list[list[tuple[float, tuple[str, ...]]]]:
    if mentee_evidence is None:
        return [[] for _ in range(n)]
    if len(mentee_evidence) != n:
        raise ValueError(f"mentee_evidence has length {len(mentee_evidence)}, expected {n} (mentees)")
    rows = []
    for i, items in enumerate(mentee_evidence):
        row = []
        for weight, labels in items or ():
            weight = float(weight)
            if not (np.isfinite(weight) and weight >= 0):
                raise ValueError(f"mentee_evidence[{i}] has a weight that is not a finite non-negative number")
            labels = tuple(sorted({str(x).lower() for x in labels}))
            if weight > 0 and labels:
                row.append((weight, labels))
        rows.append(sorted(row))  # a fixed order: the same sums whatever order the work was read in
    return rows


def build_evidence(mentee_evidence, mentor_evidence: Sequence[Iterable[str]] | None, n: int, m: int) -> dict:
    """Problem fields: ``evidence_labels`` (sorted), ``evidence_mentee`` (N, M) the component's value
    for every pair with some (sparse; empty without evidence)."""
    rows = _rows(mentee_evidence, n)
    mentor_sets = [{str(x).lower() for x in s or ()} for s in (mentor_evidence if mentor_evidence is not None else [()] * m)]
    if len(mentor_sets) != m:
        raise ValueError(f"mentor_evidence has length {len(mentor_sets)}, expected {m} (mentors)")
    labels = sorted({x for row in rows for _w, ls in row for x in ls})
    index = {x: c for c, x in enumerate(labels)}
    # work (contributions x labels, 0/1), owner (mentees x contributions, saturated weights), known (mentors x labels)
    wi, wc, oi, oc, ov = [], [], [], [], []
    for i, row in enumerate(rows):
        total = sum(w for w, _ls in row)
        for w, ls in row:
            c = len(oc)
            oi.append(i)
            oc.append(c)
            ov.append(w / max(total, SATURATION))
            wi.extend([c] * len(ls))
            wc.extend(index[x] for x in ls)
    n_work, n_labels = len(oc), len(labels)
    work = sp.csr_matrix((np.ones(len(wi)), (np.asarray(wi, np.int64), np.asarray(wc, np.int64))), shape=(n_work, n_labels))
    owner = sp.csr_matrix((np.asarray(ov, np.float64), (np.asarray(oi, np.int64), np.asarray(oc, np.int64))),
                          shape=(n, n_work))
    ki = [j for j, s in enumerate(mentor_sets) for x in sorted(s) if x in index]
    kc = [index[x] for s in mentor_sets for x in sorted(s) if x in index]
    known = sp.csr_matrix((np.ones(len(ki)), (np.asarray(ki, np.int64), np.asarray(kc, np.int64))), shape=(m, n_labels))
    hits = (work @ known.T).tocsr()  # (contributions, mentors): shared labels
    hits.data = (hits.data > 0).astype(np.float64)
    hits.eliminate_zeros()
    hits.sort_indices()
    value = (owner @ hits).tocsr()
    value.sort_indices()
    return dict(evidence_labels=labels, evidence_mentee=value, evidence_mentor=known)


def evidence_values(p, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The component's raw value (0..1) for pairs."""
    if len(i) == 0 or p.evidence_mentee.nnz == 0:
        return np.zeros(len(i))
    return np.asarray(p.evidence_mentee[i, j]).ravel().astype(np.float64)


def evidence_extras(p, factor: float, units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, integer units) of every pair with a positive evidence contribution, sorted by (i, j)."""
    z = np.zeros(0, np.int64)
    if p.evidence_mentee.nnz == 0 or factor <= 0:
        return z, z, np.zeros(0)
    coo = p.evidence_mentee.tocoo()
    val = units(coo.data * factor)
    keep = val > 0
    i, j, val = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), val[keep]
    o = np.lexsort((j, i))
    return i[o], j[o], val[o]


def evidence_units(p, fac, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The units the scorer added for pairs (0 where none): a lookup in the extras built by ``Factors``."""
    if len(fac.ev_key) == 0 or len(i) == 0:
        return np.zeros(len(i))
    key = i * p.n_mentors + j
    pos = np.searchsorted(fac.ev_key, key)
    pos = np.minimum(pos, len(fac.ev_key) - 1)
    return np.where(fac.ev_key[pos] == key, fac.ev_units[pos], 0.0)
