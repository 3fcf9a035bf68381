"""Every reason sentence is true: recomputed here from the raw inputs, for a random sample of pairs.

The expected sentences are derived without the engine (sets, a minute-by-minute clock, a
from-scratch TF-IDF), so a rounding or lookup slip in the engine or in ``reasons.py`` fails.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from matching import engine as E
from matching.problem import CohortProblem
from matching.reasons import COORDINATOR, MENTEE, MENTOR, ordinal, overlap_words, pair_components, reasons_for
from matching.tests.test_engine_order import WORDS

OFFSETS = [-300, 390, 0, 30, 60, 330, 345, -210, 540, -600]  # -300 vs 390: a 30-minute overlap
LANGS = {"en": "English", "es": "Spanish", "fr": "French"}


def raw_cohort(seed: int, n: int = 40, m: int = 12) -> dict:
    rng = np.random.default_rng(seed)

    def some(k, pool, count):
        return [sorted(rng.choice(pool, size=rng.integers(0, k + 1), replace=False).tolist()) for _ in range(count)]

    langs = [["en"], ["es"], ["en", "es"], ["fr"], ["fr", "en"]]
    return dict(
        mentee_skills_wanted=some(3, 10, n),
        mentee_interests=some(3, 6, n),
        mentee_goals_text=[" ".join(rng.choice(WORDS, size=rng.integers(0, 6))) for _ in range(n)],
        mentee_languages=[langs[x] for x in rng.integers(0, 5, n)],
        mentee_tz_offset_minutes=rng.choice(OFFSETS, n).tolist(),
        mentee_hours=rng.choice([1, 1.5, 2, 4, 8], n).tolist(),
        mentee_preferences=[rng.permutation(m)[: rng.integers(0, 5)].tolist() for _ in range(n)],
        mentor_skills=some(4, 10, m),
        mentor_interests=some(3, 6, m),
        mentor_text=[" ".join(rng.choice(WORDS, size=rng.integers(0, 8))) for _ in range(m)],
        mentor_languages=[langs[x] for x in rng.integers(0, 5, m)],
        mentor_tz_offset_minutes=rng.choice(OFFSETS, m).tolist(),
        mentor_hours=rng.choice([1, 3, 5, 8], m).tolist(),
        mentor_capacity=[2] * m,
        review_score=np.where(rng.random(n) < 0.3, np.nan, rng.normal(3, 1, n)).tolist(),
        require_shared_language=False,
    )


def cohort_problem(d: dict, conflicts=frozenset(), rules=None) -> CohortProblem:
    n, m = len(d["mentee_skills_wanted"]), len(d["mentor_skills"])
    return CohortProblem(
        problem=E.Problem.build(**d, forbidden=sorted(conflicts)), weights=E.Weights(), params={},
        application_ids=list(range(n)), applicant_ids=list(range(n)), mentee_names=[f"a{i}" for i in range(n)],
        enrollment_ids=list(range(m)), mentor_ids=list(range(m)), mentor_names=[f"b{j}" for j in range(m)],
        capacity=d["mentor_capacity"], held=[0] * m, wanted=[frozenset(x) for x in d["mentee_skills_wanted"]],
        expertise=[frozenset(x) for x in d["mentor_skills"]], skill_names={s: f"skill {s}" for s in range(10)},
        language_names=LANGS, conflicts=set(conflicts), rules=rules or {},
    )


def minutes_together(a: int, b: int) -> int:
    """Minutes of the UTC day when both are inside their local 09:00-21:00, counted one by one."""
    def busy(off):
        return {(t - off) % 1440 for t in range(9 * 60, 21 * 60)}
    return len(busy(a) & busy(b))


def top_terms(d: dict, i: int, j: int, limit: int = 3) -> list[str]:
    """Shared terms by contribution to the TF-IDF cosine, from scratch."""
    docs_a = [E.tokenize(t) for t in d["mentee_goals_text"]]
    docs_b = [E.tokenize(t) for t in d["mentor_text"]]
    df = Counter(t for doc in docs_a + docs_b for t in set(doc))
    n_docs = len(docs_a) + len(docs_b)

    def vec(doc):
        w = {t: (1 + math.log(c)) * (math.log((1 + n_docs) / (1 + df[t])) + 1) for t, c in Counter(doc).items()}
        norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        return {t: x / norm for t, x in w.items()}

    va, vb = vec(docs_a[i]), vec(docs_b[j])
    contrib = {t: va[t] * vb[t] for t in va.keys() & vb.keys()}
    return [t for t, _ in sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def expected(d: dict, cp: CohortProblem, i: int, j: int, viewer: str) -> list[str]:
    n, m = len(d["mentee_skills_wanted"]), len(d["mentor_skills"])
    out = []
    wanted, has = set(d["mentee_skills_wanted"][i]), set(d["mentor_skills"][j])
    shared = wanted & has
    df = Counter(s for lst in d["mentee_skills_wanted"] + d["mentor_skills"] for s in set(lst))
    names = [f"skill {s}" for s in sorted(shared, key=lambda s: (-math.log((1 + n + m) / (1 + df[s])), f"skill {s}"))]
    if shared:
        many = f"{len(shared)} shared skills incl. {', '.join(names[:2])}"
        out.append(f"1 shared skill: {names[0]}" if len(shared) == 1 else many)
    elif wanted:
        out.append("no shared skills")
    minutes = minutes_together(d["mentee_tz_offset_minutes"][i], d["mentor_tz_offset_minutes"][j])
    h, mi = divmod(minutes, 60)
    out.append(f"{h} h {mi} min overlap" if h and mi else f"{h} h overlap" if h else f"{mi} min overlap" if mi
               else "no overlap in working hours")
    prefs = list(dict.fromkeys(d["mentee_preferences"][i]))
    if j in prefs:
        rank = ordinal(prefs.index(j) + 1)
        out.append({MENTOR: f"ranked you {rank}", MENTEE: f"you ranked them {rank}"}.get(
            viewer, f"mentee ranked this mentor {rank}"))
    common = sorted(LANGS[x] for x in set(d["mentee_languages"][i]) & set(d["mentor_languages"][j]))
    out.append(f"speaks {', '.join(common)}" if common else "no common language")
    k = len(set(d["mentee_interests"][i]) & set(d["mentor_interests"][j]))
    if k:
        out.append(f"{k} shared interest" if k == 1 else f"{k} shared interests")
    terms = top_terms(d, i, j)
    if terms:
        out.append(f"similar goals: {', '.join(terms)}")
    a, b = (round(x * 2) / 2 for x in (d["mentee_hours"][i], d["mentor_hours"][j]))
    if a and b and min(a, b) / max(a, b) < 0.5:
        out.append(f"hours per week differ ({a:g} vs {b:g})")
    if viewer == COORDINATOR:
        raw = np.asarray(d["review_score"], dtype=float)
        ok = raw[np.isfinite(raw)]
        if math.isfinite(raw[i]) and ok.std() > 0:
            value = round(1 / (1 + math.exp(-(raw[i] - ok.mean()) / ok.std())), 3)
            if value >= 0.65:
                out.append("reviews above the cohort's average")
            elif value <= 0.35:
                out.append("reviews below the cohort's average")
        if (i, j) in cp.conflicts:
            out.append("conflict of interest")
    return out


@pytest.mark.parametrize("seed", range(4))
def test_every_reason_sentence_is_recomputed_from_the_inputs(seed):
    d = raw_cohort(seed)
    rng = np.random.default_rng(100 + seed)
    n, m = len(d["mentee_skills_wanted"]), len(d["mentor_skills"])
    conflicts = {(int(rng.integers(n)), int(rng.integers(m))) for _ in range(3)}
    cp = cohort_problem(d, conflicts)
    pairs = np.stack([rng.integers(0, n, 60), rng.integers(0, m, 60)], axis=1)
    pairs[:3] = sorted(conflicts)[:3] if len(conflicts) >= 3 else pairs[:3]
    comps = pair_components(cp, pairs)
    thirty = 0
    for (i, j), comp in zip(pairs.tolist(), comps, strict=True):
        thirty += comp["facts"]["overlap_minutes"] == 30
        for viewer in (COORDINATOR, MENTOR, MENTEE):
            assert reasons_for(comp["facts"], viewer=viewer) == expected(d, cp, i, j, viewer), (i, j, viewer)
    assert thirty == sum(minutes_together(d["mentee_tz_offset_minutes"][i], d["mentor_tz_offset_minutes"][j]) == 30
                         for i, j in pairs.tolist())


def test_a_thirty_minute_overlap_is_not_called_no_overlap():
    d = raw_cohort(9, n=1, m=1)
    d.update(mentee_tz_offset_minutes=[-300], mentor_tz_offset_minutes=[390])  # New York vs India: 30 minutes
    facts = pair_components(cohort_problem(d), [(0, 0)])[0]["facts"]
    assert facts["overlap_minutes"] == 30 == minutes_together(-300, 390)
    assert "30 min overlap" in reasons_for(facts)
    assert "no overlap in working hours" not in reasons_for(facts)


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"overlap_minutes": 270}, "4 h 30 min overlap"),
        ({"overlap_minutes": 0}, "no overlap in working hours"),
        ({"overlap_hours": 6}, "6 h overlap"),  # facts stored before minutes were recorded
        ({}, ""),
    ],
)
def test_overlap_words(facts, words):
    assert overlap_words(facts) == words
