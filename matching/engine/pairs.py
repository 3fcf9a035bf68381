"""Scores of given pairs, component by component (the same integers as the row kernel), and
their human facts: ``pair_scores``, ``breakdown``, ``explain``."""

from __future__ import annotations

import math

import numpy as np

from . import kernels
from .candidates import Q_NONE
from .evidence import evidence_units, evidence_values
from .factors import factors, pref_value
from .inputs import hours_ratio, lookup, overlap_minutes
from .problem import COMPONENTS, FORBIDDEN_REASONS, SCORE_SCALE, Problem, Weights


def _as_pairs(p: Problem, pairs) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    i, j = np.ascontiguousarray(arr[:, 0]), np.ascontiguousarray(arr[:, 1])
    if len(arr) and (i.min() < 0 or i.max() >= p.n_mentees or j.min() < 0 or j.max() >= p.n_mentors):
        raise ValueError("pair index out of range")
    return i, j


def pair_units(p: Problem, wn: dict, i: np.ndarray, j: np.ndarray) -> dict:
    """Integer units of every component of pairs (``u_<component>``), plus ``shared`` (common
    language), ``freason`` (0, 1 forbidden, 2 ruled out), the preference and review lookups."""
    fac = factors(p, wn)
    key = i * p.n_mentors + j
    terms = kernels.pair_terms(i, j, fac.term_block, len(fac.block_names), fac.a_ptr, fac.a_term, fac.a_val,
                               fac.b_ptr, fac.b_j, fac.b_val)
    shared = p.langset_shared[p.mentee_langset[i], p.mentor_langset[j]] if len(i) else np.zeros(0, bool)
    hp = lookup(p.pref_key, key)
    hr = lookup(p.review_key, key) if p.review_mode == "pair" else np.full(len(i), -1)
    fh = lookup(p.forbid_key, key)
    u = {f"u_{name}": terms[:, c] for c, name in enumerate(fac.block_names)}  # skills, interests, text, ...
    u |= {
        "u_language": shared * fac.lang_units,
        "u_timezone": fac.tz_table[fac.mtz_idx[i], fac.rtz_idx[j]],
        "u_availability": fac.hr_table[fac.mhr_idx[i], fac.rhr_idx[j]],
        "u_preference": np.where(hp >= 0, fac.pref_units[np.maximum(hp, 0)] if len(fac.pref_units) else 0, 0),
        "u_review": fac.rev_a[i] + np.where(hr >= 0, fac.rev_pair_delta[np.maximum(hr, 0)] if len(fac.rev_pair_delta) else 0, 0),
        "u_evidence": evidence_units(p, fac, i, j),
    }
    u.update(
        shared=shared, hp=hp, hr=hr,
        freason=np.where(fh >= 0, p.forbid_reason[np.maximum(fh, 0)] if len(p.forbid_reason) else 0, 0),
    )
    return u


def units_and_eligible(p: Problem, wn: dict, i, j) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer total (units) and eligibility of pairs."""
    i = np.ascontiguousarray(i, dtype=np.int64)
    j = np.ascontiguousarray(j, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    u = pair_units(p, wn, i, j)
    total = sum(u["u_" + c] for c in COMPONENTS)
    eligible = (u["freason"] == 0) & (u["shared"] | (not p.require_shared_language))
    return np.rint(total).astype(np.int64), eligible


def pair_scores(problem: Problem, pairs, weights: Weights | None = None) -> np.ndarray:
    """Integer scores (units; points = units / SCORE_SCALE) of specific pairs -- exactly the
    numbers candidates()/assign()/score_matrix() use.  Ineligible pairs (forbidden, ruled
    out, no common language when required) get ``Q_NONE``."""
    p = problem
    i, j = _as_pairs(p, pairs)
    q, ok = units_and_eligible(p, (weights or Weights()).normalised(p), i, j)
    return np.where(ok, q, Q_NONE)


def _shared_count(a, b, i, j) -> np.ndarray:
    """Number of columns rows a[i] and b[j] share (CSR 0/1), pair by pair."""
    return np.asarray(a[i].multiply(b[j]).sum(axis=1)).ravel().astype(np.int64) if len(i) else np.zeros(0, np.int64)


def breakdown(problem: Problem, pairs, weights: Weights | None = None) -> dict[str, np.ndarray]:
    """Vectorised component breakdown for (mentee, mentor) pairs, e.g. to write proposal rows.

    Returns arrays of length P: one per component with its raw value in 0..1 (``text`` is the
    exact TF-IDF cosine), ``points_<component>`` (its contribution in points, as scored),
    ``total`` (points, 0..100; *exactly* the score every solver uses for the pair),
    ``eligible`` (bool), ``forbidden_reason`` (0 none, 1 forbidden, 2 ruled out),
    ``common_language`` (bool), ``overlap_minutes`` / ``overlap_hours`` (int, hours rounded
    down), ``preference_rank`` (0 = not ranked), ``n_shared_skills``, ``n_shared_interests``
    (int), ``text_similarity`` (exact TF-IDF cosine), ``review_raw`` (NaN when missing).
    """
    p = problem
    wn = (weights or Weights()).normalised(p)
    i, j = _as_pairs(p, pairs)
    if len(i) == 0:
        return {}
    u = pair_units(p, wn, i, j)
    out: dict[str, np.ndarray] = {}
    total = np.zeros(len(i))
    for c in COMPONENTS:
        out[f"points_{c}"] = u["u_" + c] / SCORE_SCALE
        total += u["u_" + c]
    hp, hr, shared = u["hp"], u["hr"], u["shared"].astype(bool)
    ov = overlap_minutes(p.mentee_tz[i], p.mentor_tz[j], p.day_start_minute, p.day_end_minute)
    rank = np.where(hp >= 0, p.pref_rank[np.maximum(hp, 0)] if len(p.pref_rank) else 0, 0)
    n_int = _shared_count(p.mentee_interests, p.mentor_interests, i, j)
    den = np.sqrt(np.diff(p.mentee_interests.indptr)[i].astype(np.float64) * np.diff(p.mentor_interests.indptr)[j])
    cos = p.text.cosine(i, j)
    out.update(
        skills=np.asarray(p.wanted_w[i].multiply(p.expertise[j]).sum(axis=1)).ravel(),
        interests=np.where(den > 0, n_int / np.where(den > 0, den, 1.0), 0.0),
        text=cos,
        language=shared.astype(np.float64),
        timezone=ov / p.window_minutes,
        availability=hours_ratio(p.mentee_hours[i], p.mentor_hours[j]),
        preference=pref_value(rank),
        evidence=evidence_values(p, i, j),
    )
    out["review"], out["review_raw"] = _review_values(p, i, hr)
    out["total"] = np.rint(total) / SCORE_SCALE
    out["eligible"] = (u["freason"] == 0) & (shared | (not p.require_shared_language))
    out["forbidden_reason"] = u["freason"].astype(np.int8)
    out["common_language"] = shared
    out["overlap_minutes"] = ov.astype(np.int64)
    out["overlap_hours"] = (ov // 60).astype(np.int64)
    out["preference_rank"] = rank.astype(np.int64)
    out["n_shared_skills"] = _shared_count(p.wanted, p.expertise, i, j)
    out["n_shared_interests"] = n_int
    out["text_similarity"] = cos
    return out


def _review_values(p: Problem, i, hr):
    if p.review_mode == "mentee":
        return p.review_mentee[i], p.review_raw[i]
    if p.review_mode == "pair":
        ok = hr >= 0
        h = np.maximum(hr, 0)
        return np.where(ok, p.review_val[h], p.review_missing), np.where(ok, p.review_raw[h], np.nan)
    return np.full(len(i), p.review_missing), np.full(len(i), np.nan)


def _row_cols(x, r: int) -> np.ndarray:
    return x.indices[x.indptr[r] : x.indptr[r + 1]]


def explain(problem: Problem, i: int, j: int, weights: Weights | None = None) -> dict:
    """Human-oriented explanation of pair (mentee i, mentor j).

    Keys: ``total`` (0..100), ``eligible``, ``blocked_by`` (list of "forbidden" /
    "ruled_out" / "no_common_language"), ``locked``, ``components`` (value 0..1 each),
    ``points`` (contribution of each component), ``weights`` (points per unit), and ``facts``:
    ``shared_skills`` (skill ids, rarest first), ``shared_skills_idf``, ``wanted_skills``
    (count), ``shared_interests``, ``overlap_hours`` (int), ``overlap_minutes``,
    ``preference_rank`` (int or None), ``common_languages`` (labels), ``text_similarity``
    (exact TF-IDF cosine), ``text_terms`` (top shared terms), ``mentee_hours``,
    ``mentor_hours``, ``review_raw`` (None when missing).
    """
    p = problem
    i, j = int(i), int(j)
    bd = breakdown(p, [(i, j)], weights)
    wcols = _row_cols(p.wanted, i)
    sh = np.intersect1d(wcols, _row_cols(p.expertise, j))
    sh = sh[np.lexsort((p.skill_ids[sh], -p.skill_idf[sh]))]
    shared_int = [p.interest_ids[c] for c in np.intersect1d(_row_cols(p.mentee_interests, i), _row_cols(p.mentor_interests, j))]
    common = [p.language_labels[c] for c in np.intersect1d(_row_cols(p.mentee_lang, i), _row_cols(p.mentor_lang, j))]
    blocked = [FORBIDDEN_REASONS[int(bd["forbidden_reason"][0])]] if bd["forbidden_reason"][0] else []
    if p.require_shared_language and not common:
        blocked.append("no_common_language")
    rank = int(bd["preference_rank"][0])
    rv = float(bd["review_raw"][0])
    return {
        "mentee": i,
        "mentor": j,
        "total": float(bd["total"][0]),
        "eligible": bool(bd["eligible"][0]),
        "blocked_by": blocked,
        "locked": bool(len(p.locked) and ((p.locked[:, 0] == i) & (p.locked[:, 1] == j)).any()),
        "components": {c: float(bd[c][0]) for c in COMPONENTS},
        "points": {c: float(bd[f"points_{c}"][0]) for c in COMPONENTS},
        "weights": (weights or Weights()).normalised(p),
        "facts": {
            "shared_skills": [int(x) for x in p.skill_ids[sh]],
            "shared_skills_idf": [float(x) for x in p.skill_idf[sh]],
            "wanted_skills": int(len(wcols)),
            "shared_interests": shared_int,
            "overlap_hours": int(bd["overlap_hours"][0]),
            "overlap_minutes": int(bd["overlap_minutes"][0]),
            "preference_rank": rank if rank > 0 else None,
            "common_languages": common,
            "text_similarity": float(bd["text_similarity"][0]),
            "text_terms": p.text.shared_terms(i, j),
            "mentee_hours": float(p.mentee_hours[i]),
            "mentor_hours": float(p.mentor_hours[j]),
            "review_raw": None if math.isnan(rv) else rv,
        },
    }
