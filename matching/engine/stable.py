"""Mentee-proposing capacitated deferred acceptance (Gale-Shapley), ties broken by stable
key ranks, and the extension of truncated preference lists."""

from __future__ import annotations

import numpy as np

from .pairs import units_and_eligible

Q_CLIP = (1 << 24) - 1  # |q| bound used when packing sort keys


class GaleShapley:
    """Round-based (McVitie-Wilson) mentee-proposing capacitated deferred acceptance.

    Mentees propose along their lists (edges grouped per mentee, best first); a mentor holds
    its best ``cap`` proposals by (score desc, mentee rank asc).  Proposal order does not
    change the mentee-optimal stable matching, so all free mentees propose at once each round.
    """

    def __init__(self, n: int, m: int, cap: np.ndarray, rank_i: np.ndarray):
        self.n, self.m = n, m
        self.cap = cap.astype(np.int64)
        self.rank_i = rank_i
        self.ei = self.ej = self.eq = np.zeros(0, np.int64)
        self.pos = np.zeros(n, np.int64)
        self.end = np.zeros(n, np.int64)
        self.held_edge = np.full(n, -1, np.int64)
        self.held = np.zeros(0, np.int64)  # edges currently held by mentors
        self.rounds = 0
        self.bits_i = max(1, int(n).bit_length())

    def add_lists(self, ei, ej, eq):
        """Append preference lists (edges grouped by mentee, best first) for mentees whose
        current list is exhausted.  Returns the mentees that got new edges."""
        if len(ei) == 0:
            return np.zeros(0, np.int64)
        base = len(self.ei)
        self.ei = np.concatenate([self.ei, ei])
        self.ej = np.concatenate([self.ej, ej])
        self.eq = np.concatenate([self.eq, eq])
        who, start, cnt = np.unique(ei, return_index=True, return_counts=True)
        self.pos[who] = base + start
        self.end[who] = base + start + cnt
        return who

    def _accept(self, pool):
        """Per mentor, the best ``cap`` proposals of ``pool``: (accepted, rejected) edges."""
        pj = self.ej[pool]
        pq = np.clip(self.eq[pool], -Q_CLIP, Q_CLIP)
        pr = self.rank_i[self.ei[pool]]
        if self.bits_i + 26 + max(1, int(self.m).bit_length()) <= 63:
            order = np.argsort((pj << (26 + self.bits_i)) | ((Q_CLIP - pq) << self.bits_i) | pr, kind="stable")
        else:
            order = np.lexsort((pr, -pq, pj))
        pool, pj = pool[order], pj[order]
        first = np.r_[True, pj[1:] != pj[:-1]]
        gstart = np.maximum.accumulate(np.where(first, np.arange(len(pj)), 0))
        acc = (np.arange(len(pj)) - gstart) < self.cap[pj]
        return pool[acc], pool[~acc]

    def run(self, free: np.ndarray):
        ej, ei = self.ej, self.ei
        free = free[(self.held_edge[free] < 0) & (self.pos[free] < self.end[free])]
        touched = np.zeros(self.m, dtype=bool)
        while len(free):
            self.rounds += 1
            e = self.pos[free]
            self.pos[free] += 1
            touched[ej[e]] = True
            hmask = touched[ej[self.held]]
            touched[ej[e]] = False
            accepted, rejected = self._accept(np.concatenate([self.held[hmask], e]))
            self.held = np.concatenate([self.held[~hmask], accepted])
            self.held_edge[ei[accepted]] = accepted
            rej_i = ei[rejected]
            self.held_edge[rej_i] = -1
            free = rej_i[self.pos[rej_i] < self.end[rej_i]]

    def mentor_cutoff(self):
        """Per mentor: number held, and (q, mentee rank) of its worst held proposal."""
        h = self.held
        count = np.bincount(self.ej[h], minlength=self.m)
        worst_q = np.full(self.m, np.iinfo(np.int64).max, dtype=np.int64)
        worst_r = np.full(self.m, -1, dtype=np.int64)
        if len(h):
            hr = self.rank_i[self.ei[h]]
            o = np.lexsort((-hr, self.eq[h], self.ej[h]))  # per mentor: lowest q, then highest rank
            hj = self.ej[h][o]
            first = np.r_[True, hj[1:] != hj[:-1]]
            worst_q[hj[first]] = self.eq[h][o][first]
            worst_r[hj[first]] = hr[o][first]
        return count, worst_q, worst_r


def extend_lists(p, wn, gs: GaleShapley, rows, floor_q, cap, min_q, chunk: int = 1 << 21):
    """Next proposals for mentees that exhausted their top-k list: every mentor that would still
    accept them, best first (ties: mentor key).  A mentor outside i's top-k scores <= floor_q[i]
    (the k-th score), and accepts only if the score beats its current cutoff, so only mentors
    with cutoff <= floor_q[i] are scored (pair by pair), not whole rows."""
    cnt, wq, wr = gs.mentor_cutoff()
    full = cnt >= cap
    big = np.iinfo(np.int64).max // 4
    cut = np.where(cap <= 0, big, np.where(full, wq, -big))
    order = np.argsort(cut, kind="stable")
    per_row = np.searchsorted(cut[order], floor_q, side="right")
    out = []
    start = 0
    while start < len(rows):  # chunks of rows bounded by the number of pairs to score
        stop = start + max(1, int(np.searchsorted(np.cumsum(per_row[start:]), chunk, side="right")))
        r, k = rows[start:stop], per_row[start:stop]
        start = stop
        tot = int(k.sum())
        if tot == 0:
            continue
        pi = np.repeat(r, k)
        pj = order[np.arange(tot) - np.repeat(np.cumsum(k) - k, k)]
        if p.require_shared_language:  # cheap pre-filter before exact scoring
            compat = p.langset_shared[p.mentee_langset[pi], p.mentor_langset[pj]]
            pi, pj = pi[compat], pj[compat]
        q, ok = units_and_eligible(p, wn, pi, pj)
        if min_q is not None:
            ok &= q >= min_q
        ri = gs.rank_i[pi]
        acc = ok & ((~full[pj]) | (q > wq[pj]) | ((q == wq[pj]) & (ri < wr[pj])))
        out.append((pi[acc], pj[acc], q[acc]))
    if not out:
        z = np.zeros(0, np.int64)
        return z, z, z, int(per_row.sum())
    xi, xj, xq = (np.concatenate(x) for x in zip(*out, strict=True))
    o = np.lexsort((p.mentor_rank[xj], -xq, xi))
    return xi[o], xj[o], xq[o], int(per_row.sum())
