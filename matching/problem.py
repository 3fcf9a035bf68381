"""Turn a cohort into the engine's Problem with a constant number of SQL queries.

Two steps, timed apart by a run: `cohort_rows_load` reads the cohort in bulk (every read is one
`.values()` query into named rows, no model instances; many-to-many data is read from the through
tables, filtered by a subquery, so the number of queries is the same for 10 applications as for
10,000), and `cohort_problem_from` builds the engine's Problem from those rows.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, fields

import numpy as np
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Profile, Skill
from contributions.selectors import verified_work
from mentoring.models import Mentorship
from mentoring.selectors import cohort_places_left, enrollments_with_places_left
from organizations.models import Project
from programs.applicant_data import support_labels
from programs.models import Application, ApplicationPreference, Cohort, Review
from programs.selectors import application_scores

from .engine import Problem, Weights
from .models import PairRule, default_parameters
from .pool import approved_enrollments, matching_pool


def weights_from(params: dict) -> Weights:
    return Weights.from_dict(params.get("weights") or default_parameters()["weights"])


def _name(display_name: str | None, email: str) -> str:
    return display_name or email.split("@")[0]


# --------------------------------------------------------------------------- named rows


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """One application of the pool, its applicant's profile joined."""

    pk: int
    applicant_id: int
    goals: str
    hours_per_week: int | None  # what the application says; the profile's when empty
    utc_offset_minutes: int | None
    profile_hours: int | None
    career_goals: str
    display_name: str | None
    email: str
    # For an organization or a project, what it needs is the mentee side (the person only writes it down).
    project_id: int | None
    on_behalf: bool  # an organization's or a project's application
    wants: str
    support_needed: list | None
    project_description: str | None

    LOOKUPS = {  # field -> what it reads, in field order
        "pk": "pk", "applicant_id": "applicant_id", "goals": "goals", "hours_per_week": "hours_per_week",
        "utc_offset_minutes": "applicant__profile__utc_offset_minutes", "profile_hours": "applicant__profile__hours_per_week",
        "career_goals": "applicant__profile__career_goals", "display_name": "applicant__profile__display_name",
        "email": "applicant__email", "project_id": "project_id", "on_behalf": "on_behalf", "wants": "wants",
        "support_needed": "support_needed", "project_description": "project__description",
    }

    @property
    def name(self) -> str:
        return _name(self.display_name, self.email)

    @property
    def text(self) -> str:
        if self.on_behalf:  # the project's or organization's needs, not the person's career
            needs = " ".join(support_labels(self.support_needed))
            return f"{self.goals}\n{self.wants}\n{needs}\n{self.project_description or ''}"
        return f"{self.goals}\n{self.career_goals}"

    @property
    def hours(self) -> int:
        return self.hours_per_week if self.hours_per_week is not None else (self.profile_hours or 0)


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    """One approved mentor place, the mentor's profile joined, places taken and left as mentoring counts them."""

    pk: int
    mentor_id: int
    capacity: int
    offer: str
    topics: str
    utc_offset_minutes: int | None
    hours_per_week: int | None
    bio: str
    display_name: str | None
    email: str
    places_taken: int
    places_left: int

    LOOKUPS = {  # field -> what it reads, in field order
        "pk": "pk", "mentor_id": "mentor_id", "capacity": "capacity", "offer": "offer", "topics": "topics",
        "utc_offset_minutes": "mentor__profile__utc_offset_minutes", "hours_per_week": "mentor__profile__hours_per_week",
        "bio": "mentor__profile__bio", "display_name": "mentor__profile__display_name", "email": "mentor__email",
        "places_taken": "places_taken", "places_left": "places_left",
    }

    @property
    def name(self) -> str:
        return _name(self.display_name, self.email)

    @property
    def text(self) -> str:
        return f"{self.bio}\n{self.offer}\n{self.topics}"


for _row_class in (ApplicationRow, EnrollmentRow):
    assert list(_row_class.LOOKUPS) == [f.name for f in fields(_row_class)], _row_class


def _read_rows(queryset: QuerySet, row_class) -> list:
    """`queryset` read into `row_class` instances in one query (tuples in `LOOKUPS` order, named at once)."""
    if row_class is ApplicationRow:
        queryset = queryset.annotate(on_behalf=ON_BEHALF)
    return [row_class(*values) for values in queryset.order_by("pk").values_list(*row_class.LOOKUPS.values())]


ON_BEHALF = ExpressionWrapper(Q(organization__isnull=False) | Q(project__isnull=False), output_field=BooleanField())


# --------------------------------------------------------------------------- what the engine gets back


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
    evidence_work: list[list[tuple]] = field(default_factory=list)  # per i: (kind, state, languages, topics, repository)
    mentor_labels: list[frozenset] = field(default_factory=list)  # per j: lower-cased names of skills and interests
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


# --------------------------------------------------------------------------- reading the cohort


@dataclass
class CohortRows:
    """Everything the loader read, indexed like the engine's rows (i: application, j: mentor place)."""

    apps: list[ApplicationRow]
    places: list[EnrollmentRow]
    max_pairs: int | None
    wanted: list[set] = field(default_factory=list)
    expertise: list[set] = field(default_factory=list)
    interests_of: dict[int, list] = field(default_factory=dict)  # user id -> skill ids
    languages_of: dict[int, list] = field(default_factory=dict)  # user id -> language codes
    project_languages: dict[int, list] = field(default_factory=dict)  # project id -> language codes
    language_names: dict[str, str] = field(default_factory=dict)
    preferences: list[list[int]] = field(default_factory=list)  # per i: mentor indices by rank
    review: np.ndarray | None = None
    conflicts: set[tuple[int, int]] = field(default_factory=set)
    rules: dict[tuple[int, int], str] = field(default_factory=dict)
    ruled_out: list[tuple[int, int]] = field(default_factory=list)
    locked: list[tuple[int, int]] = field(default_factory=list)
    skill_names: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    evidence_work: list[list[tuple]] = field(default_factory=list)  # per i: verified work (contributions app)
    mentor_labels: list[frozenset] = field(default_factory=list)  # per j: what the mentor knows, by name

    def __post_init__(self):
        self.app_index = {row.pk: i for i, row in enumerate(self.apps)}
        self.place_index = {row.pk: j for j, row in enumerate(self.places)}
        self.mentor_j = {row.mentor_id: j for j, row in enumerate(self.places)}
        self.applicant_i = {row.applicant_id: i for i, row in enumerate(self.apps)}
        self.preferences = self.preferences or [[] for _ in self.apps]


def _read_skills(rows: CohortRows, app_pks, mentor_pks) -> None:
    """Skills each applicant wants (the application's) and each mentor knows (the profile's)."""
    rows.wanted = [set() for _ in rows.apps]
    for app_id, skill_id in Application.skills_wanted.through.objects.filter(application_id__in=app_pks).values_list(
        "application_id", "skill_id",
    ):
        i = rows.app_index.get(app_id)
        if i is not None:
            rows.wanted[i].add(skill_id)
    rows.expertise = [set() for _ in rows.places]
    for user_id, skill_id in Profile.skills.through.objects.filter(profile__user_id__in=mentor_pks).values_list(
        "profile__user_id", "skill_id",
    ):
        j = rows.mentor_j.get(user_id)
        if j is not None:
            rows.expertise[j].add(skill_id)


def _read_interests_and_languages(rows: CohortRows, applicant_pks, mentor_pks) -> None:
    both = Q(profile__user_id__in=applicant_pks) | Q(profile__user_id__in=mentor_pks)
    interests_of: dict[int, list] = defaultdict(list)
    for user_id, skill_id in Profile.interests.through.objects.filter(both).values_list("profile__user_id", "skill_id"):
        interests_of[user_id].append(skill_id)
    languages_of: dict[int, list] = defaultdict(list)
    for user_id, code, name in Profile.languages.through.objects.filter(both).values_list(
        "profile__user_id", "language__code", "language__name",
    ):
        languages_of[user_id].append(code)
        rows.language_names[code] = name
    rows.interests_of, rows.languages_of = interests_of, languages_of


def _read_project_languages(rows: CohortRows) -> None:
    """The languages a project works in (matching speaks them with its mentor, not only the applicant's)."""
    project_ids = {a.project_id for a in rows.apps if a.project_id}
    if not project_ids:
        return
    for project_id, code, name in Project.languages.through.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "language__code", "language__name",
    ):
        rows.project_languages.setdefault(project_id, []).append(code)
        rows.language_names[code] = name


def _read_preferences(rows: CohortRows, app_pks) -> None:
    for app_id, mentor_id in ApplicationPreference.objects.filter(application_id__in=app_pks).order_by(
        "application_id", "rank",
    ).values_list("application_id", "mentor_id"):
        i, j = rows.app_index.get(app_id), rows.mentor_j.get(mentor_id)
        if i is not None and j is not None:
            rows.preferences[i].append(j)


def _read_reviews(rows: CohortRows, cohort: Cohort) -> None:
    """The strictness-normalised mean review of each application (NaN: none)."""
    rows.review = np.full(len(rows.apps), np.nan)
    for app_id, s in application_scores(cohort).items():
        i = rows.app_index.get(app_id)
        if i is not None and s.get("normalised") is not None and math.isfinite(s["normalised"]):
            rows.review[i] = s["normalised"]


def _read_conflicts(rows: CohortRows, cohort: Cohort) -> None:
    """Conflicts of interest declared in reviews, and nobody mentors themselves."""
    # (filtered by cohort, not by the two subqueries: conflicts are few, and Postgres plans this well even
    # on freshly loaded tables without statistics, where the subquery form took seconds)
    for app_id, reviewer_id in Review.objects.filter(
        application__cohort=cohort, conflict_of_interest=True,
    ).values_list("application_id", "reviewer_id"):
        i, j = rows.app_index.get(app_id), rows.mentor_j.get(reviewer_id)
        if i is not None and j is not None:
            rows.conflicts.add((i, j))
    for applicant_id, i in rows.applicant_i.items():
        j = rows.mentor_j.get(applicant_id)
        if j is not None:
            rows.conflicts.add((i, j))


def _read_rules(rows: CohortRows, cohort: Cohort) -> None:
    """The coordinator's rules: rule-outs always apply; a lock is kept when no conflict, the mentor's
    places and the cohort's maximum allow it (oldest first), otherwise it is ignored with a warning."""
    locks_per_mentor: dict[int, int] = defaultdict(int)
    for app_id, enrollment_id, kind in PairRule.objects.filter(cohort=cohort).order_by("created_at", "pk").values_list(
        "application_id", "enrollment_id", "kind",
    ):
        i, j = rows.app_index.get(app_id), rows.place_index.get(enrollment_id)
        if i is None or j is None:
            continue  # the application was decided or the mentor left: the rule no longer applies
        names = {"mentee": rows.apps[i].name, "mentor": rows.places[j].name}
        if kind == PairRule.Kind.RULED_OUT:
            rows.rules[(i, j)] = kind
            rows.ruled_out.append((i, j))
        elif (i, j) in rows.conflicts:
            rows.warnings.append(_("A lock was ignored: %(mentee)s and %(mentor)s have a conflict of interest.") % names)
        elif locks_per_mentor[j] >= max(0, rows.places[j].places_left):
            rows.warnings.append(_("A lock was ignored: %(mentor)s has no place left for %(mentee)s.") % names)
        elif rows.max_pairs is not None and len(rows.locked) >= rows.max_pairs:
            rows.warnings.append(
                _("A lock was ignored: the cohort has reached its maximum mentees (%(mentee)s).") % {"mentee": names["mentee"]},
            )
        else:
            locks_per_mentor[j] += 1
            rows.rules[(i, j)] = kind
            rows.locked.append((i, j))


# Evidence (the contributions app): how much a verified contribution counts, by its state.
EVIDENCE_WEIGHT = {"merged": 1.0, "committed": 1.0, "open": 0.5, "submitted": 0.5, "closed": 0.25}


def _read_evidence(rows: CohortRows, cohort: Cohort, applicant_pks) -> None:
    """Verified work of the applicants (one query) and, if there is any, the names of what mentors know (one more)."""
    rows.evidence_work = [[] for _ in rows.apps]
    rows.mentor_labels = [frozenset() for _ in rows.places]
    for applicant_id, *work in verified_work(cohort_id=cohort.pk, applicant_ids=applicant_pks):
        i = rows.applicant_i.get(applicant_id)
        if i is not None:
            rows.evidence_work[i].append(tuple(work))
    if not any(rows.evidence_work) or not rows.places:
        return
    known = [rows.expertise[j] | set(rows.interests_of.get(p.mentor_id, ())) for j, p in enumerate(rows.places)]
    names = dict(Skill.objects.filter(pk__in=sorted(set().union(*known))).values_list("pk", "name"))
    rows.mentor_labels = [frozenset(names[s].lower() for s in k if s in names) for k in known]


def mentee_evidence_of(rows: CohortRows) -> list[list[tuple[float, list[str]]]]:
    """The engine's evidence input: (weight, the repository's languages and topics) per contribution."""
    return [[(EVIDENCE_WEIGHT.get(state, 0.0), [*languages, *topics]) for _kind, state, languages, topics, _repo in work]
            for work in rows.evidence_work]


def _read_skill_names(rows: CohortRows) -> None:
    """Names of the skills that can be shared (for the reasons in words)."""
    shareable = set().union(*rows.wanted) & set().union(*rows.expertise) if rows.apps and rows.places else set()
    if shareable:
        rows.skill_names = dict(Skill.objects.filter(pk__in=sorted(shareable)).values_list("pk", "name"))


def cohort_rows_load(
    *,
    cohort: Cohort,
    applications: QuerySet | None = None,
    enrollments: QuerySet | None = None,
    include_reviews: bool = True,
    include_preferences: bool = True,
    include_rules: bool = True,
    exclude_matched: bool = True,
) -> CohortRows:
    """Read the cohort in bulk: the same number of queries whatever its size (see `build_cohort_problem`)."""
    applications = matching_pool(cohort) if applications is None else applications
    enrollments = approved_enrollments(cohort) if enrollments is None else enrollments
    app_pks, applicant_pks = applications.values("pk"), applications.values("applicant_id")
    mentor_pks = enrollments.values("mentor_id")

    busy = set(Mentorship.objects.holding_a_place().filter(cohort=cohort).values_list("mentee_id", flat=True))
    cohort_left = cohort_places_left(cohort)
    rows = CohortRows(
        apps=[a for a in _read_rows(applications, ApplicationRow) if not (exclude_matched and a.applicant_id in busy)],
        places=_read_rows(enrollments_with_places_left(enrollments), EnrollmentRow),
        max_pairs=None if cohort_left is None else max(0, cohort_left),
    )
    _read_skills(rows, app_pks, mentor_pks)
    _read_interests_and_languages(rows, applicant_pks, mentor_pks)
    _read_project_languages(rows)
    if include_preferences:
        _read_preferences(rows, app_pks)
    if include_reviews:
        _read_reviews(rows, cohort)
    _read_conflicts(rows, cohort)
    if include_rules:
        _read_rules(rows, cohort)
    _read_evidence(rows, cohort, applicant_pks)
    _read_skill_names(rows)
    return rows


# --------------------------------------------------------------------------- building the problem


def mentee_languages(rows: CohortRows, app: ApplicationRow) -> list:
    """A project's languages and its applicant's (who speaks for it); a person's own."""
    own = rows.languages_of.get(app.applicant_id, [])
    return sorted(set(own) | set(rows.project_languages.get(app.project_id, []))) if app.project_id else own


def mentee_interests(rows: CohortRows, i: int, app: ApplicationRow) -> list:
    """An organization or project is interested in what it needs (its skills wanted), not in the
    hobbies of whoever filled in the form."""
    return sorted(rows.wanted[i]) if app.on_behalf else rows.interests_of.get(app.applicant_id, [])


def cohort_problem_from(rows: CohortRows, params: dict | None = None) -> CohortProblem:
    """The engine's Problem from the rows read (no queries)."""
    params = {**default_parameters(), **(params or {})}
    apps, places = rows.apps, rows.places
    languages_of, interests_of = rows.languages_of, rows.interests_of
    problem = Problem.build(
        mentee_skills_wanted=[sorted(s) for s in rows.wanted],
        mentee_goals_text=[a.text for a in apps],
        mentee_languages=[mentee_languages(rows, a) for a in apps],
        mentee_tz_offset_minutes=[a.utc_offset_minutes or 0 for a in apps],
        mentee_hours=[a.hours for a in apps],
        mentee_interests=[mentee_interests(rows, i, a) for i, a in enumerate(apps)],
        mentee_preferences=rows.preferences,
        mentor_skills=[sorted(s) for s in rows.expertise],
        mentor_text=[p.text for p in places],
        mentor_languages=[languages_of.get(p.mentor_id, []) for p in places],
        mentor_tz_offset_minutes=[p.utc_offset_minutes or 0 for p in places],
        mentor_hours=[p.hours_per_week or 0 for p in places],
        mentor_interests=[interests_of.get(p.mentor_id, []) for p in places],
        mentor_capacity=[max(0, p.places_left) for p in places],
        forbidden=sorted(rows.conflicts),
        ruled_out=rows.ruled_out,
        locked=rows.locked,
        review_score=rows.review,
        require_shared_language=bool(params.get("require_shared_language", True)),
        # stable ids break every tie, so the pairs do not depend on the order the rows were read in
        mentee_keys=[a.pk for a in apps],
        mentor_keys=[p.pk for p in places],
        mentee_evidence=mentee_evidence_of(rows),
        mentor_evidence=[sorted(labels) for labels in rows.mentor_labels],
    )
    return CohortProblem(
        problem=problem, weights=weights_from(params), params=params,
        application_ids=[a.pk for a in apps], applicant_ids=[a.applicant_id for a in apps],
        mentee_names=[a.name for a in apps],
        enrollment_ids=[p.pk for p in places], mentor_ids=[p.mentor_id for p in places],
        mentor_names=[p.name for p in places],
        capacity=[p.capacity for p in places], held=[p.places_taken for p in places],
        wanted=[frozenset(s) for s in rows.wanted], expertise=[frozenset(s) for s in rows.expertise],
        skill_names=rows.skill_names, language_names=rows.language_names,
        conflicts=rows.conflicts, rules=rows.rules, max_pairs=rows.max_pairs, warnings=rows.warnings,
        evidence_work=rows.evidence_work, mentor_labels=rows.mentor_labels,
    )


def build_cohort_problem(*, cohort: Cohort, params: dict | None = None, **read) -> CohortProblem:
    """Read the cohort in bulk and build the engine's Problem.

    `applications` / `enrollments` narrow the two sides (default: the cohort's matching pool and
    approved mentors). Applicants who already hold a mentorship in the cohort are left out unless
    `exclude_matched` is False; mentors' capacity is what their mentorships leave free, and the
    number of new pairs is at most what the cohort's maximum mentees leaves (`max_pairs`).
    `include_reviews`, `include_preferences`, `include_rules`: read those too (default yes).
    """
    return cohort_problem_from(cohort_rows_load(cohort=cohort, **read), params)
