"""Turn a cohort into the engine's Problem with a constant number of SQL queries.

Every read is a bulk `values_list` (rows as tuples, no model instances); many-to-many data is
read from the through tables, filtered by a subquery, so the number of queries is the same for
10 applications as for 10,000.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Profile, Skill
from mentoring.models import Mentorship
from mentoring.selectors import cohort_places_left, enrollments_with_places_left
from programs.models import Application, ApplicationPreference, Cohort, Review
from programs.selectors import application_scores

from .engine import Problem, Weights
from .models import PairRule, default_parameters
from .pool import approved_enrollments, matching_pool


def weights_from(params: dict) -> Weights:
    return Weights.from_dict(params.get("weights") or default_parameters()["weights"])


def _name(display_name: str | None, email: str) -> str:
    return display_name or email.split("@")[0]


@dataclass
class CohortProblem:
    """The engine's Problem plus what maps its indices back to rows and people."""

    problem: Problem
    weights: Weights
    params: dict
    application_ids: list[int]
    applicant_ids: list[int]
    mentee_names: list[str]
    enrollment_ids: list[int]
    mentor_ids: list[int]
    mentor_names: list[str]
    capacity: list[int]  # the enrollment's capacity
    held: list[int]  # places already held by mentorships in the cohort
    wanted: list[frozenset]  # skill ids each mentee wants to learn
    expertise: list[frozenset]  # skill ids each mentor knows
    skill_names: dict[int, str]
    language_names: dict[str, str]
    conflicts: set[tuple[int, int]]  # (i, j): conflict of interest or the same person
    rules: dict[tuple[int, int], str]  # (i, j) -> PairRule.Kind
    max_pairs: int | None = None  # places the cohort's maximum mentees leaves (None: no maximum)
    warnings: list[str] = field(default_factory=list)
    _idf: dict | None = None

    @property
    def n_mentees(self) -> int:
        return len(self.application_ids)

    @property
    def n_mentors(self) -> int:
        return len(self.enrollment_ids)

    def mentee_index(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.application_ids)}

    def mentor_index(self) -> dict[int, int]:
        return {pk: j for j, pk in enumerate(self.enrollment_ids)}

    def capacity_left(self, j: int) -> int:
        """Places mentor j has left (mentoring's `capacity_left`, read in bulk), never below 0."""
        return max(0, self.capacity[j] - self.held[j])

    def skill_idf(self) -> dict[int, float]:
        if self._idf is None:
            p = self.problem
            self._idf = {int(s): float(v) for s, v in zip(p.skill_ids, p.skill_idf, strict=True)}
        return self._idf

    def shared_skill_names(self, i: int, j: int, limit: int = 3) -> tuple[int, list[str]]:
        """How many wanted skills the mentor has, and the rarest few by name."""
        shared = self.wanted[i] & self.expertise[j]
        idf = self.skill_idf()
        top = sorted(shared, key=lambda s: (-idf.get(s, 0.0), self.skill_names.get(s, "")))[:limit]
        return len(shared), [self.skill_names.get(s, str(s)) for s in top]


def build_cohort_problem(
    *,
    cohort: Cohort,
    params: dict | None = None,
    applications: QuerySet | None = None,
    enrollments: QuerySet | None = None,
    include_reviews: bool = True,
    include_preferences: bool = True,
    include_rules: bool = True,
    exclude_matched: bool = True,
) -> CohortProblem:
    """Read the cohort in bulk and build the engine's Problem.

    `applications` / `enrollments` narrow the two sides (default: the cohort's matching pool and
    approved mentors). Applicants who already hold a mentorship in the cohort are left out unless
    `exclude_matched` is False; mentors' capacity is what their mentorships leave free, and the
    number of new pairs is at most what the cohort's maximum mentees leaves (`max_pairs`).
    """
    params = {**default_parameters(), **(params or {})}
    applications = matching_pool(cohort) if applications is None else applications
    enrollments = approved_enrollments(cohort) if enrollments is None else enrollments
    app_pks = applications.values("pk")
    applicant_pks = applications.values("applicant_id")
    mentor_pks = enrollments.values("mentor_id")
    warnings: list[str] = []

    # 1. mentorships already holding a place in this cohort: busy mentees; the places the cohort has left
    busy_mentees = set(Mentorship.objects.holding_a_place().filter(cohort=cohort).values_list("mentee_id", flat=True))
    cohort_left = cohort_places_left(cohort)
    max_pairs = None if cohort_left is None else max(0, cohort_left)

    # 2. applications (one row each, profile joined)
    app_rows = [
        row for row in applications.order_by("pk").values_list(
            "pk", "applicant_id", "goals", "hours_per_week", "applicant__profile__utc_offset_minutes",
            "applicant__profile__hours_per_week", "applicant__profile__career_goals", "applicant__profile__display_name",
            "applicant__email",
        )
        if not (exclude_matched and row[1] in busy_mentees)
    ]
    # 3. mentor places (one row each, profile joined, places taken and left as mentoring counts them)
    enr_rows = list(enrollments_with_places_left(enrollments).order_by("pk").values_list(
        "pk", "mentor_id", "capacity", "offer", "topics", "mentor__profile__utc_offset_minutes",
        "mentor__profile__hours_per_week", "mentor__profile__bio", "mentor__profile__display_name", "mentor__email",
        "places_taken", "places_left",
    ))
    app_index = {row[0]: i for i, row in enumerate(app_rows)}
    enr_index = {row[0]: j for j, row in enumerate(enr_rows)}
    mentor_j = {row[1]: j for j, row in enumerate(enr_rows)}
    applicant_i = {row[1]: i for i, row in enumerate(app_rows)}
    n, m = len(app_rows), len(enr_rows)

    # 4. skills wanted (application), 5. expertise (mentor profile)
    wanted: list[set] = [set() for _ in range(n)]
    for app_id, skill_id in Application.skills_wanted.through.objects.filter(application_id__in=app_pks).values_list(
        "application_id", "skill_id",
    ):
        i = app_index.get(app_id)
        if i is not None:
            wanted[i].add(skill_id)
    expertise: list[set] = [set() for _ in range(m)]
    for user_id, skill_id in Profile.skills.through.objects.filter(profile__user_id__in=mentor_pks).values_list(
        "profile__user_id", "skill_id",
    ):
        if user_id in mentor_j:
            expertise[mentor_j[user_id]].add(skill_id)

    # 6. interests and 7. languages of both sides, one query each
    both = Q(profile__user_id__in=applicant_pks) | Q(profile__user_id__in=mentor_pks)
    interests_of: dict[int, list] = defaultdict(list)
    for user_id, skill_id in Profile.interests.through.objects.filter(both).values_list("profile__user_id", "skill_id"):
        interests_of[user_id].append(skill_id)
    languages_of: dict[int, list] = defaultdict(list)
    language_names: dict[str, str] = {}
    for user_id, code, name in Profile.languages.through.objects.filter(both).values_list(
        "profile__user_id", "language__code", "language__name",
    ):
        languages_of[user_id].append(code)
        language_names[code] = name

    # 8. preferences
    preferences: list[list[int]] = [[] for _ in range(n)]
    if include_preferences:
        for app_id, mentor_id, _rank in ApplicationPreference.objects.filter(application_id__in=app_pks).order_by(
            "application_id", "rank",
        ).values_list("application_id", "mentor_id", "rank"):
            i, j = app_index.get(app_id), mentor_j.get(mentor_id)
            if i is not None and j is not None:
                preferences[i].append(j)

    # 9. reviews (strictness-normalised mean per application)
    review = None
    if include_reviews:
        scores = application_scores(cohort)
        review = np.full(n, np.nan)
        for app_id, s in scores.items():
            i = app_index.get(app_id)
            if i is not None and s.get("normalised") is not None and math.isfinite(s["normalised"]):
                review[i] = s["normalised"]

    # 10. conflicts of interest declared in reviews, and nobody mentors themselves
    conflicts: set[tuple[int, int]] = set()
    # (filtered by cohort, not by the two subqueries: conflicts are few, and Postgres plans this well even
    # on freshly loaded tables without statistics, where the subquery form took seconds)
    for app_id, reviewer_id in Review.objects.filter(
        application__cohort=cohort, conflict_of_interest=True,
    ).values_list("application_id", "reviewer_id"):
        i, j = app_index.get(app_id), mentor_j.get(reviewer_id)
        if i is not None and j is not None:
            conflicts.add((i, j))
    for applicant_id, i in applicant_i.items():
        if applicant_id in mentor_j:
            conflicts.add((i, mentor_j[applicant_id]))

    # 11. the coordinator's rules
    capacity_left = [max(0, row[11]) for row in enr_rows]
    rules: dict[tuple[int, int], str] = {}
    ruled_out, locked = [], []
    if include_rules:
        locks_per_mentor: dict[int, int] = defaultdict(int)
        for app_id, enrollment_id, kind in PairRule.objects.filter(cohort=cohort).order_by("created_at", "pk").values_list(
            "application_id", "enrollment_id", "kind",
        ):
            i, j = app_index.get(app_id), enr_index.get(enrollment_id)
            if i is None or j is None:
                continue  # the application was decided or the mentor left: the rule no longer applies
            if kind == PairRule.Kind.RULED_OUT:
                rules[(i, j)] = kind
                ruled_out.append((i, j))
            elif (i, j) in conflicts:
                warnings.append(_("A lock was ignored: %(mentee)s and %(mentor)s have a conflict of interest.") % {
                    "mentee": _name(app_rows[i][7], app_rows[i][8]), "mentor": _name(enr_rows[j][8], enr_rows[j][9]),
                })
            elif locks_per_mentor[j] >= capacity_left[j]:
                warnings.append(_("A lock was ignored: %(mentor)s has no place left for %(mentee)s.") % {
                    "mentee": _name(app_rows[i][7], app_rows[i][8]), "mentor": _name(enr_rows[j][8], enr_rows[j][9]),
                })
            elif max_pairs is not None and len(locked) >= max_pairs:
                warnings.append(_("A lock was ignored: the cohort has reached its maximum mentees (%(mentee)s).") % {
                    "mentee": _name(app_rows[i][7], app_rows[i][8]),
                })
            else:
                locks_per_mentor[j] += 1
                rules[(i, j)] = kind
                locked.append((i, j))

    # 12. names of the skills that can be shared (for the reasons in words)
    shareable = set().union(*wanted) & set().union(*expertise) if n and m else set()
    skill_names = dict(Skill.objects.filter(pk__in=sorted(shareable)).values_list("pk", "name")) if shareable else {}

    problem = Problem.build(
        mentee_skills_wanted=[sorted(s) for s in wanted],
        mentee_goals_text=[f"{row[2]}\n{row[6]}" for row in app_rows],
        mentee_languages=[languages_of.get(row[1], []) for row in app_rows],
        mentee_tz_offset_minutes=[row[4] or 0 for row in app_rows],
        mentee_hours=[row[3] if row[3] is not None else (row[5] or 0) for row in app_rows],
        mentee_interests=[interests_of.get(row[1], []) for row in app_rows],
        mentee_preferences=preferences,
        mentor_skills=[sorted(s) for s in expertise],
        mentor_text=[f"{row[7]}\n{row[3]}\n{row[4]}" for row in enr_rows],
        mentor_languages=[languages_of.get(row[1], []) for row in enr_rows],
        mentor_tz_offset_minutes=[row[5] or 0 for row in enr_rows],
        mentor_hours=[row[6] or 0 for row in enr_rows],
        mentor_interests=[interests_of.get(row[1], []) for row in enr_rows],
        mentor_capacity=capacity_left,
        forbidden=sorted(conflicts),
        ruled_out=ruled_out,
        locked=locked,
        review_score=review,
        require_shared_language=bool(params.get("require_shared_language", True)),
        # stable ids break every tie, so the pairs do not depend on the order the rows were read in
        mentee_keys=[row[0] for row in app_rows],
        mentor_keys=[row[0] for row in enr_rows],
    )
    return CohortProblem(
        problem=problem,
        weights=weights_from(params),
        params=params,
        application_ids=[row[0] for row in app_rows],
        applicant_ids=[row[1] for row in app_rows],
        mentee_names=[_name(row[7], row[8]) for row in app_rows],
        enrollment_ids=[row[0] for row in enr_rows],
        mentor_ids=[row[1] for row in enr_rows],
        mentor_names=[_name(row[8], row[9]) for row in enr_rows],
        capacity=[row[2] for row in enr_rows],
        held=[row[10] for row in enr_rows],
        wanted=[frozenset(s) for s in wanted],
        expertise=[frozenset(s) for s in expertise],
        skill_names=skill_names,
        language_names=language_names,
        conflicts=conflicts,
        rules=rules,
        max_pairs=max_pairs,
        warnings=warnings,
    )
