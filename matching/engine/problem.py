"""Weights and the validated, precomputed ``Problem`` (pure numpy/scipy, no Django).

Everything built here is row-local (a mentee's arrays depend on that mentee's data and on
cohort-wide counts) and every label list is sorted, so a cohort gives the same numbers in
any row or column order.  ``mentee_keys`` / ``mentor_keys`` (stable ids, e.g. primary keys)
decide every tie; they default to positions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import scipy.sparse as sp

from . import inputs as I
from .text import TextModel

SCORE_SCALE = 2**22 / 100  # integer score units per point: 100 points = 2**22 units
COMPONENTS = ("skills", "interests", "text", "language", "timezone", "availability", "preference", "review", "evidence")
FORBIDDEN_REASONS = {1: "forbidden", 2: "ruled_out"}
overlap_minutes = I.overlap_minutes


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
    evidence: float = 10.0  # verified contributions (evidence.py); active only when some mentee has some

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


@dataclass(eq=False)
class Problem:
    """Precomputed matching problem.  Build it with ``Problem.build(...)``."""

    n_mentees: int
    n_mentors: int
    mentee_rank: np.ndarray  # (N,) rank of each mentee's stable key: every tie goes to the lower rank
    mentor_rank: np.ndarray  # (M,)
    skill_ids: np.ndarray
    skill_idf: np.ndarray
    wanted: sp.csr_matrix  # (N, S) 0/1
    expertise: sp.csr_matrix  # (M, S) 0/1
    wanted_w: sp.csr_matrix  # (N, S) idf / sum(idf of wanted): coverage weights
    interest_ids: np.ndarray
    mentee_interests: sp.csr_matrix  # (N, I) 0/1
    mentor_interests: sp.csr_matrix
    text: TextModel
    language_labels: list
    mentee_lang: sp.csr_matrix
    mentor_lang: sp.csr_matrix
    mentee_langset: np.ndarray  # (N,) id into the sorted mentee language sets
    mentor_langset: np.ndarray
    langset_shared: np.ndarray  # (Cn, Cm) bool
    require_shared_language: bool
    mentee_tz: np.ndarray
    mentor_tz: np.ndarray
    day_start_minute: int
    day_end_minute: int
    mentee_hours: np.ndarray  # rounded to 0.5 h
    mentor_hours: np.ndarray
    pref_key: np.ndarray  # sorted i * M + j
    pref_i: np.ndarray
    pref_j: np.ndarray
    pref_rank: np.ndarray
    review_mode: str  # "none" | "mentee" | "pair"
    review_mentee: np.ndarray  # (N,) normalised 0..1 (mentee mode) else review_missing
    review_key: np.ndarray  # pair mode: sorted keys
    review_i: np.ndarray
    review_j: np.ndarray
    review_val: np.ndarray
    review_raw: np.ndarray
    review_missing: float
    forbid_key: np.ndarray
    forbid_i: np.ndarray
    forbid_j: np.ndarray
    forbid_reason: np.ndarray  # 1 forbidden (conflict of interest), 2 ruled out
    locked: np.ndarray  # (L, 2) sorted by mentee
    capacity: np.ndarray  # (M,) int64
    # evidence (evidence.py): verified work per label, and the labels each mentor knows
    evidence_labels: list = field(default_factory=list)
    evidence_mentee: sp.csr_matrix | None = None  # (N, M) the evidence value of each pair that has some
    evidence_mentor: sp.csr_matrix | None = None  # (M, L) 0/1
    _cache: dict = field(default_factory=dict, repr=False)

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
        mentee_keys=None,
        mentor_keys=None,
        mentee_evidence: Sequence[Sequence[tuple[float, Iterable[str]]]] | None = None,
        mentor_evidence: Sequence[Iterable[str]] | None = None,
    ) -> Problem:
        """Validate plain data and precompute what the scorer needs.

        Mentees are indexed 0..N-1 and mentors 0..M-1 in the order given; ``mentee_keys`` /
        ``mentor_keys`` (unique sortable ids, default: positions) break every tie, so the
        same cohort in another order gives the same (permuted) result.  ``review_score`` is
        a mapping ``(mentee, mentor) -> raw score`` or a per-mentee array (NaN = missing);
        raw scores are z-scored (cohort-wide, or per mentor with ``review_by_mentor``) and
        mapped to 0..1 by a logistic; missing = ``review_missing``.  Raises ``ValueError`` on
        inconsistent input, including locks that exceed a mentor's capacity, a mentee locked
        twice, or a locked pair that is forbidden / ruled out.
        """
        from .build import build_problem  # the construction steps live in build.py

        args = dict(locals())
        del args["cls"]
        return build_problem(cls, args)

    def active_components(self) -> set[str]:
        act = {"skills", "interests", "text", "timezone", "availability"}
        if not self.require_shared_language:
            act.add("language")
        if len(self.pref_key):
            act.add("preference")
        if self.review_mode != "none":
            act.add("review")
        if self.evidence_mentee is not None and self.evidence_mentee.nnz:
            act.add("evidence")
        return act

    @property
    def window_minutes(self) -> int:
        return self.day_end_minute - self.day_start_minute
