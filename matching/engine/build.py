"""The construction steps of ``Problem.build``: one function per kind of input."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

import numpy as np
import scipy.sparse as sp

from . import inputs as I
from .evidence import build_evidence
from .problem import FORBIDDEN_REASONS
from .text import build_text_model


def build_problem(cls, a: dict):
    n, m = len(a["mentee_skills_wanted"]), len(a["mentor_skills"])
    for side, name in (("mentee", "mentee_interests"), ("mentor", "mentor_interests"), ("mentee", "mentee_preferences")):
        if a[name] is None:
            a[name] = [()] * (n if side == "mentee" else m)
    I.check_lengths(n, m, {k: a[k] for k in (
        "mentee_interests", "mentee_goals_text", "mentee_languages", "mentee_tz_offset_minutes", "mentee_hours",
        "mentee_preferences", "mentor_interests", "mentor_text", "mentor_languages", "mentor_tz_offset_minutes",
        "mentor_hours", "mentor_capacity",
    )})
    if not (0 <= a["day_start_minute"] < a["day_end_minute"] <= a["day_start_minute"] + 1440):
        raise ValueError("need 0 <= day_start_minute < day_end_minute <= day_start_minute + 1440")
    cap = np.asarray(a["mentor_capacity"]).reshape(-1)
    if len(cap) and (not np.all(np.equal(np.mod(cap, 1), 0)) or (cap < 0).any()):
        raise ValueError("mentor_capacity must be non-negative integers")
    cap = cap.astype(np.int64)
    fk, fr = _constraints(a, n, m)
    out = dict(
        n_mentees=n,
        n_mentors=m,
        mentee_rank=I.ranks_of(a["mentee_keys"], n, "mentee_keys"),
        mentor_rank=I.ranks_of(a["mentor_keys"], m, "mentor_keys"),
        text=build_text_model(list(a["mentee_goals_text"]), list(a["mentor_text"])),
        require_shared_language=bool(a["require_shared_language"]),
        day_start_minute=int(a["day_start_minute"]),
        day_end_minute=int(a["day_end_minute"]),
        forbid_key=fk,
        forbid_i=fk // max(m, 1),
        forbid_j=fk % max(m, 1),
        forbid_reason=fr,
        locked=_locks(a["locked"], n, m, cap, fk, fr),
        capacity=cap,
    )
    out.update(_skills(a["mentee_skills_wanted"], a["mentor_skills"], n, m))
    out.update(_interests(a["mentee_interests"], a["mentor_interests"], n, m))
    out.update(_languages(a["mentee_languages"], a["mentor_languages"], n, m))
    out.update(_times(a))
    out.update(_preferences(a["mentee_preferences"], n, m))
    out.update(_reviews(a["review_score"], n, m, a["review_by_mentor"], float(a["review_missing"])))
    out.update(build_evidence(a["mentee_evidence"], a["mentor_evidence"], n, m))
    return cls(**out)


def _skills(wanted_lists, expert_lists, n: int, m: int) -> dict:
    """Rarity-weighted coverage: idf = log((1 + N + M) / (1 + df)) + 1 over both sides."""
    all_sk = np.fromiter(chain.from_iterable(chain(wanted_lists, expert_lists)), dtype=np.int64)
    skill_ids = I.unique_sorted(all_sk)
    index = {int(s): c for c, s in enumerate(skill_ids)}
    wanted = I.multi_hot(wanted_lists, index, n)
    expertise = I.multi_hot(expert_lists, index, m)
    df = np.asarray(wanted.sum(axis=0)).ravel() + np.asarray(expertise.sum(axis=0)).ravel()
    idf = np.log((1.0 + n + m) / (1.0 + df)) + 1.0
    ww = sp.csr_matrix(wanted.multiply(idf[None, :]))
    ww.sort_indices()
    rs = np.asarray(ww.sum(axis=1)).ravel()  # sequential per row, columns sorted: order-free
    wanted_w = I.row_scale(ww, np.where(rs > 0, 1.0 / np.where(rs > 0, rs, 1.0), 0.0))
    return dict(skill_ids=skill_ids, skill_idf=idf, wanted=wanted, expertise=expertise, wanted_w=wanted_w)


def _interests(mentee_lists, mentor_lists, n: int, m: int) -> dict:
    labels = I.sorted_labels(mentee_lists, mentor_lists)
    index = {x: c for c, x in enumerate(labels)}
    return dict(
        interest_ids=np.asarray(labels, dtype=object),
        mentee_interests=I.multi_hot(mentee_lists, index, n),
        mentor_interests=I.multi_hot(mentor_lists, index, m),
    )


def _language_sets(x: sp.csr_matrix, width: int):
    """(ids, matrix): each row's language set, numbered in sorted order of the sets."""
    if width <= 62:  # a bit mask per row
        r = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        mask = np.bincount(r, weights=(1 << x.indices.astype(np.int64)).astype(np.float64), minlength=x.shape[0])
        uniq, ids = np.unique(mask.astype(np.int64), return_inverse=True)
        mat = ((uniq[:, None] >> np.arange(width)[None, :]) & 1).astype(np.float64)
        return ids.reshape(-1).astype(np.int64), mat
    keys = [tuple(x.indices[x.indptr[r] : x.indptr[r + 1]].tolist()) for r in range(x.shape[0])]
    uniq = {k: c for c, k in enumerate(sorted(set(keys)))}
    ids = np.fromiter((uniq[k] for k in keys), dtype=np.int64, count=len(keys))
    mat = np.zeros((len(uniq), width), dtype=np.float64)
    for k, c in uniq.items():
        mat[c, list(k)] = 1.0
    return ids, mat


def _languages(mentee_lists, mentor_lists, n: int, m: int) -> dict:
    labels = I.sorted_labels(mentee_lists, mentor_lists)
    index = {x: c for c, x in enumerate(labels)}
    ml = I.multi_hot(mentee_lists, index, n)
    rl = I.multi_hot(mentor_lists, index, m)
    mentee_langset, mset = _language_sets(ml, len(labels))
    mentor_langset, rset = _language_sets(rl, len(labels))
    shared = (mset @ rset.T) > 0 if len(labels) else np.zeros((len(mset), len(rset)), dtype=bool)
    return dict(
        language_labels=labels,
        mentee_lang=ml,
        mentor_lang=rl,
        mentee_langset=mentee_langset,
        mentor_langset=mentor_langset,
        langset_shared=shared,
    )


def _times(a: dict) -> dict:
    mtz = np.asarray(a["mentee_tz_offset_minutes"], dtype=np.int64).reshape(-1)
    rtz = np.asarray(a["mentor_tz_offset_minutes"], dtype=np.int64).reshape(-1)
    for name, x in (("mentee_tz_offset_minutes", mtz), ("mentor_tz_offset_minutes", rtz)):
        if len(x) and (np.abs(x) > 1440).any():
            raise ValueError(f"{name} must be within +-1440 minutes")
    mh = np.round(np.asarray(a["mentee_hours"], dtype=np.float64).reshape(-1) * 2) / 2
    rh = np.round(np.asarray(a["mentor_hours"], dtype=np.float64).reshape(-1) * 2) / 2
    for name, x in (("mentee_hours", mh), ("mentor_hours", rh)):
        if len(x) and (~np.isfinite(x) | (x < 0)).any():
            raise ValueError(f"{name} must be finite and >= 0")
    return dict(mentee_tz=mtz, mentor_tz=rtz, mentee_hours=mh, mentor_hours=rh)


def _preferences(prefs, n: int, m: int) -> dict:
    """Ranked mentors per mentee (rank = position among the mentee's distinct choices)."""
    lists = [x if x is not None else () for x in prefs]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    pj = np.fromiter(map(int, chain.from_iterable(lists)), dtype=np.int64, count=int(counts.sum()))
    pi_a = np.repeat(np.arange(len(lists), dtype=np.int64), counts)
    bad = (pj < 0) | (pj >= m)
    if bad.any():
        r = int(np.argmax(bad))
        raise ValueError(f"mentee_preferences[{int(pi_a[r])}] refers to mentor {int(pj[r])}, out of range")
    pk = pi_a * m + pj
    o = np.lexsort((np.arange(len(pk)), pk))  # by key, then by position: the first mention wins
    first = np.r_[True, pk[o][1:] != pk[o][:-1]] if len(pk) else np.zeros(0, bool)
    kept = np.sort(o[first])  # kept mentions in input order
    pi_a, pj = pi_a[kept], pj[kept]
    start = np.r_[0, np.cumsum(np.bincount(pi_a, minlength=len(lists)))[:-1]] if len(lists) else np.zeros(0, np.int64)
    pr_a = np.arange(len(kept), dtype=np.int64) - start[pi_a] + 1
    pk = pi_a * m + pj
    o = np.argsort(pk, kind="stable")
    return dict(pref_key=pk[o], pref_i=pi_a[o], pref_j=pj[o], pref_rank=pr_a[o])


def _reviews(review_score, n: int, m: int, by_mentor: bool, missing: float) -> dict:
    z = np.zeros(0, dtype=np.int64)
    out = dict(review_mode="none", review_mentee=np.full(n, missing), review_key=z, review_i=z, review_j=z,
               review_val=np.zeros(0), review_raw=np.zeros(0), review_missing=missing)
    if review_score is None:
        return out
    if isinstance(review_score, Mapping):
        items = sorted((int(i) * m + int(j), float(v)) for (i, j), v in review_score.items())
        if not items:
            return out
        arr = I.pair_array([(k // m, k % m) for k, _ in items], n, m, "review_score")
        raw = np.asarray([v for _, v in items], dtype=np.float64)
        if (~np.isfinite(raw)).any():
            raise ValueError("review_score values must be finite")
        out.update(review_mode="pair", review_key=np.asarray([k for k, _ in items], dtype=np.int64),
                   review_i=arr[:, 0], review_j=arr[:, 1], review_raw=raw,
                   review_val=I.logistic_z(raw, arr[:, 1] if by_mentor else None))
        return out
    raw = np.asarray(review_score, dtype=np.float64).reshape(-1)
    if len(raw) != n:
        raise ValueError(f"review_score array has length {len(raw)}, expected {n} (mentees)")
    ok = np.isfinite(raw)
    out["review_raw"] = raw
    if ok.any():
        out["review_mode"] = "mentee"
        out["review_mentee"][ok] = I.logistic_z(raw[ok])
    return out


def _constraints(a: dict, n: int, m: int):
    """Sorted unique keys i * M + j of forbidden (1) and ruled-out (2) pairs."""
    f1 = I.pair_array(a["forbidden"], n, m, "forbidden")
    f2 = I.pair_array(a["ruled_out"], n, m, "ruled_out")
    fk = np.concatenate([f1[:, 0] * m + f1[:, 1], f2[:, 0] * m + f2[:, 1]])
    fr = np.concatenate([np.ones(len(f1), np.int8), np.full(len(f2), 2, np.int8)])
    o = np.lexsort((fr, fk))
    fk, fr = fk[o], fr[o]
    first = np.r_[True, fk[1:] != fk[:-1]] if len(fk) else np.zeros(0, dtype=bool)
    return fk[first], fr[first]


def _locks(locked, n: int, m: int, cap: np.ndarray, fk: np.ndarray, fr: np.ndarray) -> np.ndarray:
    lk = I.pair_array(locked, n, m, "locked")
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
        hit = I.lookup(fk, lk[:, 0] * m + lk[:, 1])
        if (hit >= 0).any():
            r = int(np.argmax(hit >= 0))
            reason = FORBIDDEN_REASONS[int(fr[hit[r]])]
            raise ValueError(f"locked pair {tuple(int(x) for x in lk[r])} is also {reason.replace('_', ' ')}")
    return lk.astype(np.int64).reshape(-1, 2)
