"""Pure matching engine for the Mentorship app: scoring, explanations and assignment.

Imports only numpy, scipy, numba, ortools and the standard library (no Django), so it runs
in a Celery task, a management command, a benchmark or a notebook.

Public API (all re-exported here)::

    Weights(skills=30, interests=10, text=15, language=10, timezone=15, availability=10,
            preference=15, review=5)                      # relative weights -> total in 0..100
    Problem.build(mentee_skills_wanted=..., ..., mentor_capacity=..., forbidden=(),
                  ruled_out=(), locked=(), review_score=None, require_shared_language=True,
                  mentee_keys=None, mentor_keys=None)     # stable ids: every tie goes to the lower key
    candidates(problem, weights, top_k=50, min_score=None) -> Candidates   # pruned top-k graph
    assign(problem, weights, min_score=None, top_k=50, mode="optimal"|"stable"|"greedy",
           objective="total"|"most_matched", candidates=None, prove_optimal=False,
           stable_complete=True, max_pairs=None) -> Assignment
    explain(problem, i, j, weights) -> dict                 # one pair, human facts
    breakdown(problem, pairs, weights) -> dict of arrays    # many pairs, vectorised
    score_matrix(problem, weights) -> (N, M) float64        # small cohorts / tests only
    pair_scores(problem, pairs, weights) -> int64 scores    # exact solver scores of given pairs
    overlap_minutes(off_a, off_b, start=540, end=1260)      # time-zone helper
    tokenize(text) -> list[str]
    warm()                                                  # load the compiled kernels

Score model: ``total = 100 * sum_c w_c * x_c / sum_active w_c`` with components x_c in [0, 1]:

* skills       rarity-weighted coverage of what the mentee wants to learn by the mentor's
               expertise: sum(idf of shared wanted skills) / sum(idf of wanted skills);
               idf = log((1 + N + M) / (1 + df)) + 1 over both sides of the cohort.
* interests    Ochiai overlap |a & b| / sqrt(|a| |b|).
* text         exact TF-IDF cosine of mentee goals vs mentor bio/expertise (sorted vocabulary,
               sublinear tf; no projection, no randomness).
* language     1 if a common language (only when ``require_shared_language=False``; otherwise
               it is a hard constraint).
* timezone     overlap of the local 09:00-21:00 windows, minutes / 720.
* availability min(hours) / max(hours) per week (hours rounded to 0.5).
* preference   mentee ranked the mentor 1st / 2nd / 3rd -> 1, 2/3, 1/3.
* review       logistic(z-score) of the mentor's review (per pair or per application);
               missing -> 0.5.

Scores are exact integers of 1 / SCORE_SCALE points (SCORE_SCALE = 2**22 / 100 units per
point): each component contributes an integer number of units (its factors are rounded down,
so a pair is at most ~0.05 points below the unrounded weighted sum and never above 100).  Every
number is computed from the pair's own data and cohort-wide counts, so a cohort's scores are
bit for bit the same in any row or column order, and ties are broken by the stable keys, never
by position: the same cohort in another order gives the same (permuted) assignment.

Modules: ``problem`` / ``build`` / ``inputs`` (validation), ``text`` (text model), ``factors``
(integer scoring blocks; ``_term_blocks`` lists the components that sum over shared terms),
``kernels`` (numba scoring), ``topk`` (numba top-k selection), ``candidates``, ``pairs`` (breakdown, explain),
``flow`` (optimal), ``stable`` (Gale-Shapley, greedy), ``certificate``, ``assign``.
"""

from .assign import MODES, OBJECTIVES, UNMATCHED_REASONS, Assignment, assign
from .candidates import Candidates, candidates, score_matrix
from .kernels import warm
from .pairs import breakdown, explain, pair_scores
from .problem import COMPONENTS, FORBIDDEN_REASONS, SCORE_SCALE, Problem, Weights, overlap_minutes
from .text import tokenize

__all__ = [
    "COMPONENTS",
    "FORBIDDEN_REASONS",
    "MODES",
    "OBJECTIVES",
    "SCORE_SCALE",
    "UNMATCHED_REASONS",
    "Assignment",
    "Candidates",
    "Problem",
    "Weights",
    "assign",
    "breakdown",
    "candidates",
    "explain",
    "overlap_minutes",
    "pair_scores",
    "score_matrix",
    "tokenize",
    "warm",
]
