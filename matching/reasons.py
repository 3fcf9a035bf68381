"""Why a pair fits, in words: facts computed once per pair, sentences rendered in the reader's language.

A proposal stores its facts (names, hours, ranks) in `components["facts"]`; pages turn them into
sentences with `reasons_for(facts, viewer=...)` at display time, so a Spanish reader reads Spanish.
"""
from __future__ import annotations

import math

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Language, Skill
from accounts.taxonomy import local_names_from_english, sort_key

from .engine import COMPONENTS, breakdown
from .evidence_facts import evidence_fact, evidence_sentence
from .problem import CohortProblem

COORDINATOR, MENTOR, MENTEE = "coordinator", "mentor", "mentee"

# Words two goals can share that say nothing about them ("similar goals: first"). Display only: the
# score still counts them as the text model does. Spanish and Portuguese goals are written too.
SAYS_NOTHING = frozenset(
    """
    first second third last next one two three time times way ways thing things good great well lot lots
    many much know need needs start started starting goal goals plan plans able step steps people person
    someone something part kind day days week weeks month months today future skills skill
    de del la el los las que en para con por una uno unos unas mi mis quiero aprender como mas más sobre
    um uma com meu minha eu os as do da dos das no na em ao aos se sua seu mais muito
    """.split()
)


def meaningful_terms(terms) -> list[str]:
    """Shared goal words worth showing: no filler and nothing under three letters (but "c", "r", "c++")."""
    return [t for t in terms if t not in SAYS_NOTHING and (len(t) >= 3 or t in ("c", "r", "go", "ai", "ml", "ui", "ux"))]


def ordinal(rank: int) -> str:
    words = {1: pgettext("preference rank", "1st"), 2: pgettext("preference rank", "2nd"), 3: pgettext("preference rank", "3rd")}
    return words.get(rank, str(rank))


def _round(x: float, digits: int) -> float:
    return round(float(x), digits) if math.isfinite(float(x)) else 0.0


def shared_terms_of_pairs(text, i: np.ndarray, j: np.ndarray, limit: int = 3) -> list[list[str]]:
    """`text.shared_terms(i, j, limit)` for many pairs in one sparse product (the same terms, in the same
    order: largest contribution first, ties alphabetical), instead of one sparse product per pair."""
    out: list[list[str]] = [[] for _ in range(len(i))]
    if len(i) == 0 or text.mentee_tfidf.shape[1] == 0:
        return out
    prod = text.mentee_tfidf[i].multiply(text.mentor_tfidf[j]).tocoo()
    if prod.nnz == 0:
        return out
    order = np.lexsort((prod.col, -prod.data, prod.row))
    rows, cols = prod.row[order], prod.col[order]
    first = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(len(rows)) - first) < limit
    vocab = text.vocab
    for r, c in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
        out[r].append(vocab[c])
    return out


def pair_components(cp: CohortProblem, pairs, *, text_terms: bool = True) -> list[dict]:
    """For each (i, j): {"total", "values", "points", "weights", "facts"}, JSON-ready. Vectorised by the engine;
    the per-pair Python work is only the names (set intersections of a few skill ids)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return []
    p = cp.problem
    bd = breakdown(p, pairs, cp.weights)
    terms_of = shared_terms_of_pairs(p.text, pairs[:, 0], pairs[:, 1]) if text_terms else [[]] * len(pairs)
    per_unit = {c: round(v, 3) for c, v in cp.weights.normalised(p).items()}  # points a perfect fit earns
    locked = {(int(a), int(b)) for a, b in p.locked}
    out = []
    for k, (i, j) in enumerate(pairs.tolist()):
        n_shared, names = cp.shared_skill_names(i, j)
        ml = set(p.mentee_lang.indices[p.mentee_lang.indptr[i]:p.mentee_lang.indptr[i + 1]].tolist())
        rl = set(p.mentor_lang.indices[p.mentor_lang.indptr[j]:p.mentor_lang.indptr[j + 1]].tolist())
        common = sorted(cp.language_names.get(p.language_labels[c], p.language_labels[c]) for c in ml & rl)
        rank = int(bd["preference_rank"][k])
        review_raw = float(bd["review_raw"][k])
        facts = {
            "shared_skills": names,
            "shared_skills_count": n_shared,
            "wanted_skills": len(cp.wanted[i]),
            "shared_interests_count": int(bd["n_shared_interests"][k]),
            "overlap_hours": int(bd["overlap_hours"][k]),  # whole hours, rounded down (kept for old readers)
            "overlap_minutes": int(bd["overlap_minutes"][k]),
            "preference_rank": rank or None,
            "common_languages": common,
            "text_terms": terms_of[k] if bd["text_similarity"][k] > 0 else [],
            "mentee_hours": float(p.mentee_hours[i]),
            "mentor_hours": float(p.mentor_hours[j]),
            "review": None if math.isnan(review_raw) else _round(bd["review"][k], 3),
            "locked": (i, j) in locked,
            "eligible": bool(bd["eligible"][k]),
            "conflict": (i, j) in cp.conflicts,
            "ruled_out": cp.rules.get((i, j)) == "ruled_out",
            "evidence": evidence_fact(cp, i, j),
        }
        out.append({
            "total": _round(bd["total"][k], 2),
            "values": {c: _round(bd[c][k], 3) for c in COMPONENTS},
            "points": {c: _round(bd[f"points_{c}"][k], 2) for c in COMPONENTS},
            "weights": per_unit,
            "facts": facts,
        })
    return out


def overlap_words(facts: dict) -> str:
    """"6 h overlap", "4 h 30 min overlap", "30 min overlap", "no overlap in working hours".
    Facts stored before minutes were recorded only have whole hours."""
    minutes = facts.get("overlap_minutes")
    if minutes is None and facts.get("overlap_hours") is not None:
        minutes = int(facts["overlap_hours"]) * 60
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min overlap") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h overlap") % {"hours": hours}
    if rest:
        return _("%(minutes)d min overlap") % {"minutes": rest}
    return _("no overlap in working hours")


def reasons_for(facts: dict, *, viewer: str = COORDINATOR) -> list[str]:
    """Short sentences: "3 shared skills incl. Bayesian statistics", "6 h overlap", "ranked you 1st"."""
    if not facts:
        return []
    out: list[str] = []
    count = facts.get("shared_skills_count") or 0
    names = local_names_from_english(Skill, facts.get("shared_skills") or [])
    if count and names:
        out.append(ngettext(
            "%(count)d shared skill: %(names)s", "%(count)d shared skills incl. %(names)s", count,
        ) % {"count": count, "names": ", ".join(names[:2])})
    elif facts.get("wanted_skills"):
        out.append(_("no shared skills"))
    overlap = overlap_words(facts)
    if overlap:
        out.append(overlap)
    rank = facts.get("preference_rank")
    if rank:
        if viewer == MENTOR:
            out.append(_("ranked you %(ordinal)s") % {"ordinal": ordinal(rank)})
        elif viewer == MENTEE:
            out.append(_("you ranked them %(ordinal)s") % {"ordinal": ordinal(rank)})
        else:
            out.append(_("mentee ranked this mentor %(ordinal)s") % {"ordinal": ordinal(rank)})
    languages = sorted(local_names_from_english(Language, facts.get("common_languages") or []), key=sort_key)
    if languages:
        out.append(_("speaks %(languages)s") % {"languages": ", ".join(languages)})
    else:
        out.append(_("no common language"))
    interests = facts.get("shared_interests_count") or 0
    if interests:
        out.append(ngettext("%(count)d shared interest", "%(count)d shared interests", interests) % {"count": interests})
    evidence = evidence_sentence(facts.get("evidence"))
    if evidence:
        out.append(evidence)
    terms = meaningful_terms(facts.get("text_terms") or [])
    if terms:
        out.append(_("similar goals: %(terms)s") % {"terms": ", ".join(terms)})
    mentee_hours, mentor_hours = facts.get("mentee_hours") or 0, facts.get("mentor_hours") or 0
    if mentee_hours and mentor_hours and min(mentee_hours, mentor_hours) / max(mentee_hours, mentor_hours) < 0.5:
        out.append(_("hours per week differ (%(mentee)g vs %(mentor)g)") % {"mentee": mentee_hours, "mentor": mentor_hours})
    if viewer == COORDINATOR:
        review = facts.get("review")
        if review is not None and review >= 0.65:
            out.append(_("reviews above the cohort's average"))
        elif review is not None and review <= 0.35:
            out.append(_("reviews below the cohort's average"))
        if facts.get("locked"):
            out.append(_("locked by a coordinator"))
        if facts.get("conflict"):
            out.append(_("conflict of interest"))
        if facts.get("ruled_out"):
            out.append(_("ruled out by a coordinator"))
    return out


def reasons_text(facts: dict, *, viewer: str = COORDINATOR) -> str:
    return "; ".join(reasons_for(facts, viewer=viewer))
