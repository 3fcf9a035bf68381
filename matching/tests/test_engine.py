"""Tests for the pure matching engine (no Django, no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching import engine as E

Q = E.SCORE_SCALE


# --------------------------------------------------------------------------- builders


def build(n=None, m=None, **kw):
    """Tiny Problem with neutral defaults; any field can be overridden."""
    n = n if n is not None else len(kw.get("mentee_skills_wanted", [[]]))
    m = m if m is not None else len(kw.get("mentor_skills", [[]]))
    d = dict(
        mentee_skills_wanted=[[1]] * n,
        mentee_goals_text=[""] * n,
        mentee_languages=[["en"]] * n,
        mentee_tz_offset_minutes=[0] * n,
        mentee_hours=[4] * n,
        mentor_skills=[[1]] * m,
        mentor_text=[""] * m,
        mentor_languages=[["en"]] * m,
        mentor_tz_offset_minutes=[0] * m,
        mentor_hours=[4] * m,
        mentor_capacity=[1] * m,
    )
    d.update(kw)
    return E.Problem.build(**d)


def random_problem(seed, n, m, *, max_cap=3, forbid=0.15, n_locks=0, text=True, pref=True, review=False):
    rng = np.random.default_rng(seed)
    words = "python bayesian statistics design frontend react career leadership data cloud security ml".split()
    langs = ["en", "es", "fr"]

    def text_of():
        return " ".join(rng.choice(words, size=rng.integers(2, 6))) if text else ""

    def lang_of():
        k = rng.integers(1, 3)
        return sorted({str(x) for x in rng.choice(langs, size=k, p=[0.6, 0.25, 0.15])})

    cap = rng.integers(0, max_cap + 1, m)
    forbidden = [(i, j) for i in range(n) for j in range(m) if rng.random() < forbid]
    fset = set(forbidden)
    la = [lang_of() for _ in range(n)]
    lb = [lang_of() for _ in range(m)]
    locks, load = [], np.zeros(m, int)
    for i in rng.permutation(n)[:n_locks]:
        for j in rng.permutation(m):
            if load[j] < cap[j] and (int(i), int(j)) not in fset and set(la[i]) & set(lb[j]):
                locks.append((int(i), int(j)))
                load[j] += 1
                break
    kw = dict(
        mentee_skills_wanted=[sorted(rng.choice(12, size=rng.integers(1, 4), replace=False).tolist()) for _ in range(n)],
        mentee_interests=[rng.choice(6, size=rng.integers(0, 3), replace=False).tolist() for _ in range(n)],
        mentee_goals_text=[text_of() for _ in range(n)],
        mentee_languages=la,
        mentee_tz_offset_minutes=rng.choice([-300, 0, 60, 330, 540], n),
        mentee_hours=rng.integers(1, 8, n),
        mentee_preferences=[rng.permutation(m)[: rng.integers(0, 4)].tolist() if pref else [] for _ in range(n)],
        mentor_skills=[sorted(rng.choice(12, size=rng.integers(1, 5), replace=False).tolist()) for _ in range(m)],
        mentor_interests=[rng.choice(6, size=rng.integers(0, 3), replace=False).tolist() for _ in range(m)],
        mentor_text=[text_of() for _ in range(m)],
        mentor_languages=lb,
        mentor_tz_offset_minutes=rng.choice([-300, 0, 60, 330, 540], m),
        mentor_hours=rng.integers(1, 8, m),
        mentor_capacity=cap,
        forbidden=forbidden,
        locked=locks,
    )
    if review:
        raw = rng.normal(3, 1, n)
        raw[rng.random(n) < 0.3] = np.nan
        kw["review_score"] = raw
    return E.Problem.build(**kw)


def units(x):
    return np.rint(np.asarray(x, dtype=np.float64) * Q).astype(np.int64)


# --------------------------------------------------------------------------- components


def test_rare_shared_skill_scores_higher_than_common_one():
    # skill 1 ("Python") is common, skill 2 ("Bayesian statistics") rare
    p = build(
        mentee_skills_wanted=[[1, 2]] + [[1]] * 8,
        mentor_skills=[[1], [2], [1, 3], [1, 4], [1, 2]],
        mentor_capacity=[1] * 5,
    )
    bd = E.breakdown(p, [(0, 0), (0, 1), (0, 4)])
    assert bd["skills"][1] > bd["skills"][0] > 0
    assert bd["skills"][2] == pytest.approx(1.0)
    idf = dict(zip(p.skill_ids.tolist(), p.skill_idf.tolist(), strict=True))
    assert idf[2] > idf[1]
    assert bd["skills"][1] == pytest.approx(idf[2] / (idf[1] + idf[2]))
    # explanation lists shared skills rarest first
    assert E.explain(p, 0, 4)["facts"]["shared_skills"] == [2, 1]
    assert bd["n_shared_skills"].tolist() == [1, 1, 2]


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [(-300, 540, 120), (0, 0, 720), (0, 330, 390), (-720, 0, 0), (-480, 480, 240), (540, -600, 420)],
)
def test_timezone_overlap_minutes(a, b, minutes):
    assert int(E.overlap_minutes(a, b)) == minutes
    assert int(E.overlap_minutes(b, a)) == minutes


def test_timezone_component_and_hours_fact():
    p = build(
        mentee_tz_offset_minutes=[-300], mentor_skills=[[1], [1]], mentor_tz_offset_minutes=[540, -300], mentor_capacity=[1, 1]
    )
    ex = E.explain(p, 0, 0)
    assert ex["facts"]["overlap_hours"] == 2
    assert ex["components"]["timezone"] == pytest.approx(2 / 12)
    assert E.explain(p, 0, 1)["components"]["timezone"] == pytest.approx(1.0)
    s = E.score_matrix(p)
    assert s[0, 1] > s[0, 0]


def test_language_is_a_hard_constraint_by_default():
    kw = dict(
        mentee_skills_wanted=[[1], [1]],
        mentee_languages=[["es"], ["de"]],
        mentor_skills=[[1], [1]],
        mentor_languages=[["en"], ["es", "en"]],
        mentor_capacity=[2, 2],
    )
    p = build(**kw)
    s = E.score_matrix(p)
    assert s[0, 0] == -np.inf and np.isfinite(s[0, 1])
    assert np.isneginf(s[1]).all()
    for mode in E.MODES:
        a = E.assign(p, mode=mode)
        assert a.pairs.tolist() == [[0, 1]]
        assert a.unmatched == {1: "no_eligible_mentor"}
    ex = E.explain(p, 0, 0)
    assert not ex["eligible"] and ex["blocked_by"] == ["no_common_language"]
    assert E.explain(p, 0, 1)["facts"]["common_languages"] == ["es"]
    # soft: becomes a component, everybody eligible, sharing a language scores higher
    soft = build(require_shared_language=False, **kw)
    s2 = E.score_matrix(soft)
    assert np.isfinite(s2).all()
    assert s2[0, 1] > s2[0, 0]
    assert E.breakdown(soft, [(0, 0), (0, 1)])["language"].tolist() == [0.0, 1.0]


def test_preference_ranks():
    p = build(mentee_preferences=[[2, 0, 1]], mentor_skills=[[1]] * 4, mentor_capacity=[1] * 4)
    bd = E.breakdown(p, [(0, 0), (0, 1), (0, 2), (0, 3)])
    assert bd["preference"] == pytest.approx([2 / 3, 1 / 3, 1.0, 0.0])
    assert bd["preference_rank"].tolist() == [2, 3, 1, 0]
    assert E.explain(p, 0, 2)["facts"]["preference_rank"] == 1
    assert E.explain(p, 0, 3)["facts"]["preference_rank"] is None
    s = E.score_matrix(p)[0]
    assert s[2] > s[0] > s[1] > s[3]


def test_tfidf_related_text_is_more_similar():
    p = build(
        mentee_goals_text=["I want to learn Bayesian statistics and probabilistic modelling"],
        mentor_skills=[[1]] * 3,
        mentor_text=[
            "Bayesian statistics expert; probabilistic programming and modelling",
            "Frontend developer: React, CSS, JavaScript",
            "I want to learn Bayesian statistics and probabilistic modelling",
        ],
        mentor_capacity=[1] * 3,
    )
    bd = E.breakdown(p, [(0, 0), (0, 1), (0, 2)])
    assert bd["text_similarity"][1] == 0.0
    assert 0.2 < bd["text_similarity"][0] < 0.99
    assert bd["text_similarity"][2] == pytest.approx(1.0)
    assert bd["text"] == pytest.approx(bd["text_similarity"], abs=1e-6)
    assert "bayesian" in E.explain(p, 0, 0)["facts"]["text_terms"]


def test_tokenize_drops_stopwords_keeps_tech_terms():
    assert E.tokenize("I want to learn C++ and R, and the Rust language!") == ["c++", "r", "rust", "language"]
    assert E.tokenize(None) == []


def test_interests_ochiai_and_availability_ratio():
    p = build(
        mentee_interests=[["chess", "hiking", "jazz", "go"]],
        mentee_hours=[2],
        mentor_skills=[[1], [1]],
        mentor_interests=[["chess", "go"], []],
        mentor_hours=[8, 2],
        mentor_capacity=[1, 1],
    )
    bd = E.breakdown(p, [(0, 0), (0, 1)])
    assert bd["interests"] == pytest.approx([2 / math.sqrt(4 * 2), 0.0])
    assert bd["n_shared_interests"].tolist() == [2, 0]
    assert bd["availability"] == pytest.approx([0.25, 1.0])
    assert sorted(E.explain(p, 0, 0)["facts"]["shared_interests"]) == ["chess", "go"]


def test_review_scores_per_application_and_per_pair():
    p = build(mentee_skills_wanted=[[1]] * 3, review_score=[5.0, 1.0, np.nan])
    bd = E.breakdown(p, [(0, 0), (1, 0), (2, 0)])
    assert bd["review"][0] > 0.5 > bd["review"][1]
    assert bd["review"][2] == 0.5
    assert np.isnan(bd["review_raw"][2]) and bd["review_raw"][0] == 5.0
    pp = build(
        mentee_skills_wanted=[[1]] * 2, mentor_skills=[[1], [1]], mentor_capacity=[1, 1], review_score={(0, 0): 4.0, (0, 1): 2.0}
    )
    bd = E.breakdown(pp, [(0, 0), (0, 1), (1, 0)])
    assert bd["review"][0] > 0.5 > bd["review"][1]
    assert bd["review"][2] == 0.5
    s = E.score_matrix(pp)
    assert s[0, 0] > s[0, 1]
    assert "review" in pp.active_components()
    assert "review" not in build().active_components()


def test_perfect_pair_scores_100_and_weights_normalise():
    kw = dict(
        mentee_interests=[["a", "b"]],
        mentee_goals_text=["distributed systems"],
        mentee_preferences=[[0]],
        mentor_interests=[["a", "b"]],
        mentor_text=["distributed systems"],
    )
    p = build(**kw)
    assert 99.9 < E.score_matrix(p)[0, 0] <= 100.0
    w = E.Weights(skills=1, interests=0, text=0, timezone=0, availability=0, preference=0, review=0)
    assert E.Weights.normalised(w, p)["skills"] == pytest.approx(100.0)
    assert E.score_matrix(p, w)[0, 0] == pytest.approx(100.0, abs=1e-4)
    with pytest.raises(ValueError):
        E.Weights(skills=-1)
    with pytest.raises(ValueError):
        E.Weights.from_dict({"charisma": 3})


def test_forbidden_and_ruled_out_pairs():
    p = build(
        mentee_skills_wanted=[[1], [1]], mentor_skills=[[1], [1]], mentor_capacity=[2, 2], forbidden=[(0, 0)], ruled_out=[(1, 1)]
    )
    s = E.score_matrix(p)
    assert s[0, 0] == -np.inf and s[1, 1] == -np.inf and np.isfinite(s[0, 1]) and np.isfinite(s[1, 0])
    assert E.explain(p, 0, 0)["blocked_by"] == ["forbidden"]
    assert E.explain(p, 1, 1)["blocked_by"] == ["ruled_out"]
    for mode in E.MODES:
        assert E.assign(p, mode=mode).pairs.tolist() == [[0, 1], [1, 0]]


def test_build_validation_errors():
    with pytest.raises(ValueError, match="mentee_hours"):
        build(mentee_hours=[1, 2])
    with pytest.raises(ValueError, match="exceed capacity"):
        build(mentee_skills_wanted=[[1], [1]], locked=[(0, 0), (1, 0)])
    with pytest.raises(ValueError, match="more than one mentor"):
        build(mentee_skills_wanted=[[1]], mentor_skills=[[1], [1]], mentor_capacity=[1, 1], locked=[(0, 0), (0, 1)])
    with pytest.raises(ValueError, match="forbidden"):
        build(locked=[(0, 0)], forbidden=[(0, 0)])
    with pytest.raises(ValueError, match="out of range"):
        build(forbidden=[(0, 5)])
    with pytest.raises(ValueError, match="mentor_capacity"):
        build(mentor_capacity=[-1])


# --------------------------------------------------------------------------- explain


def test_explain_and_breakdown_match_score_matrix():
    p = random_problem(3, 12, 6, review=True)
    s = E.score_matrix(p)
    pairs = np.array([(i, j) for i in range(12) for j in range(6)])
    bd = E.breakdown(p, pairs)
    got = np.where(bd["eligible"], bd["total"], -np.inf).reshape(12, 6)
    assert np.array_equal(got, s)  # exact: the same integers
    assert np.array_equal(E.pair_scores(p, pairs)[bd["eligible"]], units(s.ravel()[bd["eligible"]]))
    wn = E.Weights().normalised(p)
    for i, j in [(0, 0), (3, 2), (11, 5)]:
        ex = E.explain(p, i, j)
        assert ex["total"] == (s[i, j] if ex["eligible"] else ex["total"])
        assert sum(ex["points"].values()) == pytest.approx(ex["total"], abs=1e-9)
        for c in E.COMPONENTS:  # points are the weighted raw values up to integer rounding
            assert ex["points"][c] == pytest.approx(ex["components"][c] * wn[c], abs=0.05)
        assert ex["facts"]["overlap_hours"] == ex["facts"]["overlap_minutes"] // 60
        assert 0 <= ex["total"] <= 100.0
