"""Problem / Weights construction for the matching engine (pure numpy/scipy, no Django).

Public names are re-exported by ``matching.engine``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import scipy.sparse as sp

from .engine_text import TextModel, build_text_model

SCORE_SCALE = 2**22 / 100  # integer score units per point: 100 points = 2**22 units (exact in float32)
COMPONENTS = ("skills", "interests", "text", "language", "timezone", "availability", "preference", "review")
FORBIDDEN_REASONS = {1: "forbidden", 2: "ruled_out"}


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class Weights:
    """Relative weight of each score component (any non-negative scale; normalised to 0..100).

    A component only counts when it is *active*: ``language`` only when the problem does
    not require a shared language (otherwise it is a hard constraint), ``preference`` only
    when some mentee ranked mentors, ``review`` only when some review score was given.
    """

    skills: float = 30.0
    interests: float = 10.0
    text: float = 15.0
    language: float = 10.0
    timezone: float = 15.0
    availability: float = 10.0
    preference: float = 15.0
    review: float = 5.0

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0):
                raise ValueError(f"weight {f.name!r} must be a finite non-negative number, got {v!r}")

    @classmethod
    def from_dict(cls, d: Mapping[str, float]) -> Weights:
        unknown = set(d) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown weight(s): {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in d.items()})

    def as_dict(self) -> dict[str, float]:
        return {c: float(getattr(self, c)) for c in COMPONENTS}

    def normalised(self, problem: Problem) -> dict[str, float]:
        """Points per unit of each component (sums to 100 over active components)."""
        active = problem.active_components()
        raw = {c: (float(getattr(self, c)) if c in active else 0.0) for c in COMPONENTS}
        s = sum(raw.values())
        if s <= 0:
            raise ValueError(f"all active components have weight 0 (active: {sorted(active)})")
        return {c: 100.0 * v / s for c, v in raw.items()}


# --------------------------------------------------------------------------- helpers


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


def _hours_ratio(a, b) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    hi = np.maximum(a, b)
    lo = np.minimum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), 0.0)
    return r


def _multi_hot(lists: Sequence[Iterable], index: dict, n: int) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for items in lists:
        cols = sorted({index[x] for x in (items or ())})
        indices.extend(cols)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(n, len(index)),
    )


def _row_scale(x: sp.csr_matrix, s: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix(sp.diags(s) @ x)


def _pair_keys(pairs, n: int, m: int, what: str) -> np.ndarray:
    arr = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    arr = arr.reshape(-1, 2)
    bad = (arr[:, 0] < 0) | (arr[:, 0] >= n) | (arr[:, 1] < 0) | (arr[:, 1] >= m)
    if bad.any():
        raise ValueError(f"{what}: pair {tuple(arr[np.argmax(bad)])} out of range ({n} mentees, {m} mentors)")
    return arr


def _lookup(keys_sorted: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key in keys_sorted, -1 when absent."""
    keys = np.asarray(keys, dtype=np.int64)
    if len(keys_sorted) == 0 or len(keys) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    # narrow to the keys' range first: clustered queries then search a small, cached slice
    lo = int(np.searchsorted(keys_sorted, keys.min()))
    hi = int(np.searchsorted(keys_sorted, keys.max(), side="right"))
    if hi <= lo:
        return np.full(len(keys), -1, dtype=np.int64)
    sub = keys_sorted[lo:hi]
    pos = np.minimum(np.searchsorted(sub, keys), len(sub) - 1)
    return np.where(sub[pos] == keys, pos + lo, -1)


def _rows_entries(entry_rows_sorted: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entries whose row is in ``rows`` (sorted unique): (entry indices, local row positions)."""
    if len(entry_rows_sorted) == 0 or len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = np.searchsorted(entry_rows_sorted, rows, "left")
    hi = np.searchsorted(entry_rows_sorted, rows, "right")
    cnt = hi - lo
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    local = np.repeat(np.arange(len(rows)), cnt)
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(cnt)[:-1])), cnt)
    idx = starts + np.arange(total)
    return idx, local


def _logistic_z(x: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """z-score (cohort-wide, or per group when it has >= 2 distinct values) then logistic -> (0, 1)."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0:
        return x
    mu, sd = x.mean(), x.std()
    z = (x - mu) / sd if sd > 0 else np.zeros_like(x)
    if groups is not None:
        order = np.argsort(groups, kind="stable")
        g = groups[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        ends = np.r_[starts[1:], len(g)]
        for s, e in zip(starts, ends, strict=True):  # loop over mentors (groups), not pairs
            if e - s >= 2:
                xs = x[order[s:e]]
                sds = xs.std()
                if sds > 0:
                    z[order[s:e]] = (xs - xs.mean()) / sds
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------- problem


@dataclass(eq=False)
class Problem:
    """Precomputed matching problem.  Build it with ``Problem.build(...)``."""

    n_mentees: int
    n_mentors: int
    # skills (columns = skill_ids)
    skill_ids: np.ndarray
    skill_idf: np.ndarray
    wanted: sp.csr_matrix  # (N, S) 0/1
    expertise: sp.csr_matrix  # (M, S) 0/1
    wanted_w: sp.csr_matrix  # (N, S) idf / sum(idf of wanted): coverage weights
    # interests
    interest_ids: np.ndarray
    mentee_interests: sp.csr_matrix  # (N, I) 0/1
    mentor_interests: sp.csr_matrix
    mentee_interests_n: sp.csr_matrix  # rows / sqrt(count)  -> cosine (Ochiai) overlap
    mentor_interests_n: sp.csr_matrix
    # text
    text: TextModel
    # languages
    language_labels: list
    mentee_lang: sp.csr_matrix
    mentor_lang: sp.csr_matrix
    mentee_langset: np.ndarray  # (N,) id into mentee language sets
    mentor_langset: np.ndarray  # (M,) id into mentor language sets
    langset_shared: np.ndarray  # (Cn, Cm) bool
    require_shared_language: bool
    # time zones / hours
    mentee_tz: np.ndarray
    mentor_tz: np.ndarray
    tz_levels: np.ndarray
    mentor_tz_idx: np.ndarray
    day_start_minute: int
    day_end_minute: int
    mentee_hours: np.ndarray  # rounded to 0.5 h
    mentor_hours: np.ndarray
    hour_levels: np.ndarray
    mentor_hour_idx: np.ndarray
    # preferences (sorted by key = i * M + j)
    pref_key: np.ndarray
    pref_i: np.ndarray
    pref_j: np.ndarray
    pref_rank: np.ndarray
    # reviews
    review_mode: str  # "none" | "mentee" | "pair"
    review_mentee: np.ndarray  # (N,) normalised 0..1 (mentee mode) else review_missing
    review_key: np.ndarray  # pair mode: sorted keys
    review_i: np.ndarray
    review_j: np.ndarray
    review_val: np.ndarray  # normalised 0..1
    review_raw: np.ndarray
    review_missing: float
    # constraints
    forbid_key: np.ndarray
    forbid_i: np.ndarray
    forbid_j: np.ndarray
    forbid_reason: np.ndarray  # 1 forbidden (conflict of interest), 2 ruled out
    locked: np.ndarray  # (L, 2) sorted by mentee
    capacity: np.ndarray  # (M,) int64
    _cache: dict = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- construction
    @classmethod
    def build(
        cls,
        *,
        mentee_skills_wanted: Sequence[Iterable[int]],
        mentee_goals_text: Sequence[str],
        mentee_languages: Sequence[Iterable],
        mentee_tz_offset_minutes,
        mentee_hours,
        mentor_skills: Sequence[Iterable[int]],
        mentor_text: Sequence[str],
        mentor_languages: Sequence[Iterable],
        mentor_tz_offset_minutes,
        mentor_hours,
        mentor_capacity,
        mentee_interests: Sequence[Iterable] | None = None,
        mentor_interests: Sequence[Iterable] | None = None,
        mentee_preferences: Sequence[Sequence[int]] | None = None,
        forbidden: Iterable[tuple[int, int]] = (),
        ruled_out: Iterable[tuple[int, int]] = (),
        locked: Iterable[tuple[int, int]] = (),
        review_score: Mapping[tuple[int, int], float] | Sequence[float] | np.ndarray | None = None,
        review_by_mentor: bool = False,
        review_missing: float = 0.5,
        require_shared_language: bool = True,
        day_start_minute: int = 9 * 60,
        day_end_minute: int = 21 * 60,
        text_dim: int = 128,
    ) -> Problem:
        """Validate plain data and precompute every matrix the scorer needs.

        Mentees (applications) are indexed 0..N-1 and mentors 0..M-1 in the order given.
        ``review_score`` is either a mapping ``(mentee, mentor) -> raw score`` or a per-mentee
        array (NaN = missing); raw scores are z-scored (cohort-wide, or per mentor with
        ``review_by_mentor``) and mapped to 0..1 by a logistic; missing = ``review_missing``.
        Raises ``ValueError`` on inconsistent input, including locks that exceed a mentor's
        capacity, a mentee locked twice, or a locked pair that is forbidden / ruled out.
        """
        n = len(mentee_skills_wanted)
        m = len(mentor_skills)
        if mentee_interests is None:
            mentee_interests = [()] * n
        if mentor_interests is None:
            mentor_interests = [()] * m
        if mentee_preferences is None:
            mentee_preferences = [()] * n
        for name, seq, want in (
            ("mentee_interests", mentee_interests, n),
            ("mentee_goals_text", mentee_goals_text, n),
            ("mentee_languages", mentee_languages, n),
            ("mentee_tz_offset_minutes", mentee_tz_offset_minutes, n),
            ("mentee_hours", mentee_hours, n),
            ("mentee_preferences", mentee_preferences, n),
            ("mentor_interests", mentor_interests, m),
            ("mentor_text", mentor_text, m),
            ("mentor_languages", mentor_languages, m),
            ("mentor_tz_offset_minutes", mentor_tz_offset_minutes, m),
            ("mentor_hours", mentor_hours, m),
            ("mentor_capacity", mentor_capacity, m),
        ):
            if len(seq) != want:
                side = "mentees" if name.startswith("mentee") else "mentors"
                raise ValueError(f"{name} has length {len(seq)}, expected {want} ({side})")
        if not (0 <= day_start_minute < day_end_minute <= day_start_minute + 1440):
            raise ValueError("need 0 <= day_start_minute < day_end_minute <= day_start_minute + 1440")

        # ---- skills (rarity-weighted coverage)
        all_sk = [s for lst in mentee_skills_wanted for s in lst] + [s for lst in mentor_skills for s in lst]
        skill_ids = np.unique(np.asarray(all_sk, dtype=np.int64)) if all_sk else np.zeros(0, dtype=np.int64)
        sk_index = {int(s): c for c, s in enumerate(skill_ids)}
        wanted = _multi_hot([[int(x) for x in lst] for lst in mentee_skills_wanted], sk_index, n)
        expertise = _multi_hot([[int(x) for x in lst] for lst in mentor_skills], sk_index, m)
        df = np.asarray(wanted.sum(axis=0)).ravel() + np.asarray(expertise.sum(axis=0)).ravel()
        idf = np.log((1.0 + n + m) / (1.0 + df)) + 1.0
        ww = sp.csr_matrix(wanted.multiply(idf[None, :]))
        rs = np.asarray(ww.sum(axis=1)).ravel()
        wanted_w = _row_scale(ww, np.where(rs > 0, 1.0 / np.where(rs > 0, rs, 1.0), 0.0))

        # ---- interests (Ochiai / cosine overlap of multi-hot sets)
        all_in = {x for lst in mentee_interests for x in (lst or ())}
        all_in |= {x for lst in mentor_interests for x in (lst or ())}
        interest_ids = np.asarray(sorted(all_in, key=lambda v: (str(type(v)), v)), dtype=object)
        in_index = {x: c for c, x in enumerate(interest_ids)}
        mi = _multi_hot(mentee_interests, in_index, n)
        ri = _multi_hot(mentor_interests, in_index, m)

        def _inv_sqrt_rows(x):
            c = np.asarray(x.sum(axis=1)).ravel()
            return _row_scale(x, np.where(c > 0, 1.0 / np.sqrt(np.where(c > 0, c, 1.0)), 0.0))

        # ---- text
        text = build_text_model(list(mentee_goals_text), list(mentor_text), text_dim=text_dim)

        # ---- languages
        labels = sorted(
            {x for lst in mentee_languages for x in (lst or ())} | {x for lst in mentor_languages for x in (lst or ())},
            key=lambda v: (str(type(v)), v),
        )
        lang_index = {x: c for c, x in enumerate(labels)}
        ml = _multi_hot(mentee_languages, lang_index, n)
        rl = _multi_hot(mentor_languages, lang_index, m)

        def _sets(x: sp.csr_matrix):
            keys = [tuple(x.indices[x.indptr[r] : x.indptr[r + 1]]) for r in range(x.shape[0])]
            uniq: dict[tuple, int] = {}
            ids = np.fromiter((uniq.setdefault(k, len(uniq)) for k in keys), dtype=np.int64, count=len(keys))
            mat = np.zeros((len(uniq), len(labels)), dtype=np.float64)
            for k, c in uniq.items():
                mat[c, list(k)] = 1.0
            return ids, mat

        mentee_langset, mset = _sets(ml)
        mentor_langset, rset = _sets(rl)
        langset_shared = (mset @ rset.T) > 0 if len(labels) else np.zeros((len(mset), len(rset)), dtype=bool)

        # ---- time zones and hours
        mtz = np.asarray(mentee_tz_offset_minutes, dtype=np.int64).reshape(-1)
        rtz = np.asarray(mentor_tz_offset_minutes, dtype=np.int64).reshape(-1)
        for name, a in (("mentee_tz_offset_minutes", mtz), ("mentor_tz_offset_minutes", rtz)):
            if len(a) and (np.abs(a) > 1440).any():
                raise ValueError(f"{name} must be within +-1440 minutes")
        tz_levels, mentor_tz_idx = np.unique(rtz, return_inverse=True)
        mh = np.round(np.asarray(mentee_hours, dtype=np.float64).reshape(-1) * 2) / 2
        rh = np.round(np.asarray(mentor_hours, dtype=np.float64).reshape(-1) * 2) / 2
        for name, a in (("mentee_hours", mh), ("mentor_hours", rh)):
            if len(a) and (~np.isfinite(a) | (a < 0)).any():
                raise ValueError(f"{name} must be finite and >= 0")
        hour_levels, mentor_hour_idx = np.unique(rh, return_inverse=True)

        cap = np.asarray(mentor_capacity).reshape(-1)
        if len(cap) and (not np.all(np.equal(np.mod(cap, 1), 0)) or (cap < 0).any()):
            raise ValueError("mentor_capacity must be non-negative integers")
        cap = cap.astype(np.int64)

        # ---- preferences
        pk, pi_, pj, pr = [], [], [], []
        for i, lst in enumerate(mentee_preferences):
            seen = set()
            rank = 0
            for j in lst or ():
                j = int(j)
                if not 0 <= j < m:
                    raise ValueError(f"mentee_preferences[{i}] refers to mentor {j}, out of range")
                if j in seen:
                    continue
                seen.add(j)
                rank += 1
                pi_.append(i)
                pj.append(j)
                pr.append(rank)
        pi_a = np.asarray(pi_, dtype=np.int64)
        pj_a = np.asarray(pj, dtype=np.int64)
        pr_a = np.asarray(pr, dtype=np.int64)
        pk = pi_a * m + pj_a
        o = np.argsort(pk, kind="stable")
        pk, pi_a, pj_a, pr_a = pk[o], pi_a[o], pj_a[o], pr_a[o]

        # ---- reviews
        review_mentee = np.full(n, float(review_missing))
        rv_key = rv_i = rv_j = rv_val = rv_raw = np.zeros(0)
        if review_score is None:
            review_mode = "none"
        elif isinstance(review_score, Mapping):
            review_mode = "pair" if len(review_score) else "none"
            items = sorted((int(i) * m + int(j), float(v)) for (i, j), v in review_score.items())
            arr = _pair_keys([(k // m, k % m) for k, _ in items], n, m, "review_score") if items else None
            rv_key = np.asarray([k for k, _ in items], dtype=np.int64)
            rv_raw = np.asarray([v for _, v in items], dtype=np.float64)
            if (~np.isfinite(rv_raw)).any():
                raise ValueError("review_score values must be finite")
            if items:
                rv_i, rv_j = arr[:, 0], arr[:, 1]
                rv_val = _logistic_z(rv_raw, rv_j if review_by_mentor else None)
            else:
                rv_i = rv_j = np.zeros(0, dtype=np.int64)
                rv_val = np.zeros(0)
        else:
            raw = np.asarray(review_score, dtype=np.float64).reshape(-1)
            if len(raw) != n:
                raise ValueError(f"review_score array has length {len(raw)}, expected {n} (mentees)")
            ok = np.isfinite(raw)
            review_mode = "mentee" if ok.any() else "none"
            review_mentee[ok] = _logistic_z(raw[ok])
            rv_raw = raw
        rv_key = np.asarray(rv_key, dtype=np.int64)

        # ---- forbidden / ruled out
        f1 = _pair_keys(forbidden, n, m, "forbidden")
        f2 = _pair_keys(ruled_out, n, m, "ruled_out")
        fk = np.concatenate([f1[:, 0] * m + f1[:, 1], f2[:, 0] * m + f2[:, 1]])
        fr = np.concatenate([np.ones(len(f1), np.int8), np.full(len(f2), 2, np.int8)])
        o = np.lexsort((fr, fk))
        fk, fr = fk[o], fr[o]
        first = np.r_[True, fk[1:] != fk[:-1]] if len(fk) else np.zeros(0, dtype=bool)
        fk, fr = fk[first], fr[first]

        # ---- locks
        lk = _pair_keys(locked, n, m, "locked")
        lk = np.unique(lk, axis=0) if len(lk) else lk
        if len(lk):
            vals, counts = np.unique(lk[:, 0], return_counts=True)
            if (counts > 1).any():
                bad = vals[counts > 1][0]
                raise ValueError(f"mentee {bad} is locked to more than one mentor: {lk[lk[:, 0] == bad, 1].tolist()}")
            per_mentor = np.bincount(lk[:, 1], minlength=m)
            over = np.flatnonzero(per_mentor > cap)
            if len(over):
                j = int(over[0])
                raise ValueError(
                    f"locked pairs exceed capacity: mentor {j} has {int(per_mentor[j])} locked mentees but capacity {int(cap[j])}"
                )
            hit = _lookup(fk, lk[:, 0] * m + lk[:, 1])
            if (hit >= 0).any():
                r = int(np.argmax(hit >= 0))
                reason = FORBIDDEN_REASONS[int(fr[hit[r]])]
                raise ValueError(f"locked pair {tuple(int(x) for x in lk[r])} is also {reason.replace('_', ' ')}")

        return cls(
            n_mentees=n,
            n_mentors=m,
            skill_ids=skill_ids,
            skill_idf=idf,
            wanted=wanted,
            expertise=expertise,
            wanted_w=wanted_w,
            interest_ids=interest_ids,
            mentee_interests=mi,
            mentor_interests=ri,
            mentee_interests_n=_inv_sqrt_rows(mi),
            mentor_interests_n=_inv_sqrt_rows(ri),
            text=text,
            language_labels=labels,
            mentee_lang=ml,
            mentor_lang=rl,
            mentee_langset=mentee_langset,
            mentor_langset=mentor_langset,
            langset_shared=langset_shared,
            require_shared_language=bool(require_shared_language),
            mentee_tz=mtz,
            mentor_tz=rtz,
            tz_levels=tz_levels,
            mentor_tz_idx=mentor_tz_idx.reshape(-1),
            day_start_minute=int(day_start_minute),
            day_end_minute=int(day_end_minute),
            mentee_hours=mh,
            mentor_hours=rh,
            hour_levels=hour_levels,
            mentor_hour_idx=mentor_hour_idx.reshape(-1),
            pref_key=pk,
            pref_i=pi_a,
            pref_j=pj_a,
            pref_rank=pr_a,
            review_mode=review_mode,
            review_mentee=review_mentee,
            review_key=rv_key,
            review_i=np.asarray(rv_i, dtype=np.int64),
            review_j=np.asarray(rv_j, dtype=np.int64),
            review_val=np.asarray(rv_val, dtype=np.float64),
            review_raw=np.asarray(rv_raw, dtype=np.float64),
            review_missing=float(review_missing),
            forbid_key=fk,
            forbid_i=fk // max(m, 1),
            forbid_j=fk % max(m, 1),
            forbid_reason=fr,
            locked=lk.astype(np.int64).reshape(-1, 2),
            capacity=cap,
        )

    # ---------------------------------------------------------------- info
    def active_components(self) -> set[str]:
        act = {"skills", "interests", "text", "timezone", "availability"}
        if not self.require_shared_language:
            act.add("language")
        if len(self.pref_key):
            act.add("preference")
        if self.review_mode != "none":
            act.add("review")
        return act

    @property
    def window_minutes(self) -> int:
        return self.day_end_minute - self.day_start_minute

    # ---------------------------------------------------------------- fused factors
