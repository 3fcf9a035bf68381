"""Reads for the matching pages and the suggestions, scoped to who may see them (404 otherwise)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from mentoring.models import Mentorship
from programs.models import Application, Cohort
from programs.permissions import is_coordinator

from .engine import SCORE_SCALE, pair_scores
from .models import MatchProposal, MatchRun, PairRule, ProposalStatus, latest_run
from .pool import accepted_without_mentor, approved_enrollments, matching_pool
from .problem import CohortProblem, build_cohort_problem
from .reasons import MENTEE, MENTOR, pair_components, reasons_for
from .services.config import matching_settings_get

OPEN_PROPOSAL_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.OVERRIDDEN)


# --------------------------------------------------------------------------- permission-checking getters


def run_get_for_coordinator(*, user, pk: int) -> MatchRun:
    run = MatchRun.objects.select_related("cohort__program", "requested_by__profile").filter(pk=pk).first()
    if run is None or not is_coordinator(user, run.cohort.program_id):
        raise Http404
    return run


def proposal_get_for_coordinator(*, user, pk: int) -> MatchProposal:
    proposal = (
        MatchProposal.objects.select_related(
            "run__cohort__program", "application__applicant__profile", "enrollment__mentor__profile",
        ).filter(pk=pk).first()
    )
    if proposal is None or not is_coordinator(user, proposal.run.cohort.program_id):
        raise Http404
    return proposal


def rule_get_for_coordinator(*, user, pk: int) -> PairRule:
    rule = PairRule.objects.select_related("cohort__program").filter(pk=pk).first()
    if rule is None or not is_coordinator(user, rule.cohort.program_id):
        raise Http404
    return rule


# --------------------------------------------------------------------------- pages


def cohort_runs(cohort: Cohort, limit: int = 20):
    runs = MatchRun.objects.filter(cohort=cohort).select_related("requested_by__profile").order_by("-created_at", "-pk")
    return list(runs[:limit])


def newer_run(run: MatchRun) -> MatchRun | None:
    """The cohort's latest run when it is not `run` (then `run`'s pairs can no longer be confirmed)."""
    latest = latest_run(run.cohort_id)
    return latest if latest is not None and latest.pk != run.pk else None


def cohort_rules(cohort: Cohort):
    return list(
        PairRule.objects.filter(cohort=cohort)
        .select_related("application__applicant__profile", "enrollment__mentor__profile")
        .order_by("kind", "created_at", "pk")
    )


SORTS = {
    "score": ("-score", "pk"),
    "-score": ("score", "pk"),
    "mentor": (Lower("enrollment__mentor__profile__display_name").asc(nulls_last=True), "-score", "pk"),
    "mentee": (Lower("application__applicant__profile__display_name"), "pk"),
}


def run_proposals(run: MatchRun, *, sort: str = "score", mentor: int | None = None, unmatched: bool = False):
    """The proposals table: matched pairs (or, with `unmatched`, the applications left without a mentor)."""
    qs = MatchProposal.objects.filter(run=run).with_ruled_out().select_related(
        "application__applicant__profile", "enrollment__mentor__profile",
    )
    if unmatched:
        qs = qs.filter(enrollment__isnull=True)
    else:
        qs = qs.filter(enrollment__isnull=False)
        if mentor:
            qs = qs.filter(enrollment_id=mentor)
    return qs.order_by(*SORTS.get(sort, SORTS["score"]))


def run_mentors(run: MatchRun):
    """The cohort's approved mentors with their capacity, places held by mentorships and open proposals in this run.

    (Not `mentoring.selectors.enrollments_with_places_left`: its per-row cohort count would cost a scan of the
    cohort's mentorships for every mentor; the places held count the same `holding_a_place` mentorships.)
    """
    proposed = (
        MatchProposal.objects.filter(run=run, enrollment=OuterRef("pk"), status__in=OPEN_PROPOSAL_STATUSES)
        .values("enrollment").annotate(c=Count("pk")).values("c")
    )
    held = (
        Mentorship.objects.holding_a_place().filter(enrollment=OuterRef("pk"))
        .values("enrollment").annotate(c=Count("pk")).values("c")
    )
    zero = Value(0, output_field=IntegerField())
    return list(
        approved_enrollments(run.cohort_id)
        .select_related("mentor__profile")
        .annotate(proposed=Coalesce(Subquery(proposed), zero), places_taken=Coalesce(Subquery(held), zero))
        .order_by(Lower("mentor__profile__display_name"), "pk")
    )


def run_counts(run: MatchRun) -> dict:
    """Confirmed, changed by hand, and open (what "Confirm all" would confirm: pairs no rule-out forbids)."""
    counts = MatchProposal.objects.filter(run=run).aggregate(
        confirmed=Count("pk", filter=Q(status=ProposalStatus.CONFIRMED)),
        overridden=Count("pk", filter=Q(status=ProposalStatus.OVERRIDDEN)),
    )
    counts["open"] = MatchProposal.objects.confirmable().filter(run=run).count()
    return counts


# --------------------------------------------------------------------------- suggestions


@dataclass
class Suggestion:
    score: float
    components: dict
    viewer: str
    mentor: object | None = None  # a User (with profile) for suggested mentors
    enrollment_id: int | None = None
    application: Application | None = None  # for best-fit applicants
    extra: dict = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        return reasons_for(self.components.get("facts", {}), viewer=self.viewer)


def _params(cohort: Cohort) -> dict:
    return matching_settings_get(cohort=cohort).parameters()


def _best_pairs(cp: CohortProblem, pairs: np.ndarray, k: int, *, allowed: np.ndarray | None = None) -> tuple[list, list]:
    """The k best eligible of `pairs` (best score first, ties to the lower index), with their breakdown and reasons:
    every pair is scored, only the k shown are explained. Returns (positions in `pairs`, components)."""
    if len(pairs) == 0:
        return [], []
    q = pair_scores(cp.problem, pairs, cp.weights)
    ok = q > np.iinfo(np.int64).min // 2  # ineligible pairs score the engine's "none" marker
    if allowed is not None:
        ok &= allowed
    idx = np.flatnonzero(ok)
    shown = np.round(q[idx] / SCORE_SCALE, 2)  # ranked by the score as shown: equal-looking scores keep row order
    top = idx[np.lexsort((idx, -shown))][:k]
    return top.tolist(), pair_components(cp, pairs[top])


def top_mentors_for_application(application: Application, k: int = 5) -> list[Suggestion]:
    """The cohort's approved mentors who fit this application best, with score and reasons.

    The engine scores this one mentee against the mentors (reviews, preferences and coordinators'
    rules are left out: an applicant may see these suggestions). Mentors with a conflict of interest,
    without a common language (when required) or without a free place are not suggested.
    """
    cohort = application.cohort
    cp = build_cohort_problem(
        cohort=cohort, params=_params(cohort), applications=Application.objects.filter(pk=application.pk),
        include_reviews=False, include_preferences=False, include_rules=False, exclude_matched=False,
    )
    if cp.n_mentees == 0 or cp.n_mentors == 0:
        return []
    pairs = np.array([(0, j) for j in range(cp.n_mentors)], dtype=np.int64)
    has_place = np.array([cp.capacity_left(j) > 0 for j in range(cp.n_mentors)], dtype=bool)
    top, comps = _best_pairs(cp, pairs, k, allowed=has_place)
    users = get_user_model().objects.select_related("profile").in_bulk([cp.mentor_ids[j] for j in top])
    return [
        Suggestion(score=round(c["total"], 1), components=c, viewer=MENTEE,
                   mentor=users.get(cp.mentor_ids[j]), enrollment_id=cp.enrollment_ids[j])
        for j, c in zip(top, comps, strict=True)
    ]


def best_fit_applications_for_mentor(cohort: Cohort, mentor, k: int = 10) -> list[Suggestion]:
    """The open applications that fit this approved mentor best, with score and reasons ("ranked you 1st").

    Reviews are left out so that a reviewer is not anchored by others' scores. Empty for anyone who is
    not an approved mentor of the cohort.
    """
    enrollments = approved_enrollments(cohort).filter(mentor=mentor)
    cp = build_cohort_problem(
        cohort=cohort, params=_params(cohort), applications=matching_pool(cohort).exclude(applicant=mentor),
        enrollments=enrollments, include_reviews=False, include_rules=False,
    )
    if cp.n_mentees == 0 or cp.n_mentors == 0:
        return []
    pairs = np.array([(i, 0) for i in range(cp.n_mentees)], dtype=np.int64)
    top, comps = _best_pairs(cp, pairs, k)
    apps = Application.objects.select_related("applicant__profile").in_bulk([cp.application_ids[i] for i in top])
    return [
        Suggestion(score=round(c["total"], 1), components=c, viewer=MENTOR, application=apps.get(cp.application_ids[i]))
        for i, c in zip(top, comps, strict=True)
    ]


# --------------------------------------------------------------------------- pairing by hand


def unpaired_applications(cohort: Cohort) -> list[Application]:
    """Accepted applicants with no mentor yet, by name (one query)."""
    return list(
        accepted_without_mentor(cohort).select_related("applicant__profile")
        .order_by(Lower("applicant__profile__display_name"), "pk")
    )


def unpaired_count(cohort: Cohort | int) -> int:
    return accepted_without_mentor(cohort).count()


def unpaired_application_get(*, cohort: Cohort, pk: int) -> Application | None:
    """An accepted application of this cohort still waiting for a mentor; 404 when it is not the cohort's,
    None when it was paired (or its status changed) meanwhile."""
    application = Application.objects.select_related("applicant__profile").filter(pk=pk, cohort=cohort).first()
    if application is None:
        raise Http404
    return application if accepted_without_mentor(cohort).filter(pk=pk).exists() else None


def hand_pairing_options(*, cohort: Cohort, application: Application) -> tuple[list, int | None]:
    """Every approved mentor for this applicant with score, reasons, places left and why a pair would be
    refused, best first; and the places the cohort's maximum mentees leaves (None: no maximum)."""
    from .services import options_for

    cp = build_cohort_problem(cohort=cohort, params=_params(cohort), applications=Application.objects.filter(pk=application.pk))
    if cp.n_mentees == 0 or cp.n_mentors == 0:
        return [], cp.max_pairs
    places_left = [cp.capacity_left(j) for j in range(cp.n_mentors)]
    return options_for(cp, 0, places_left=places_left, cohort_full=cp.max_pairs == 0), cp.max_pairs


def unpaired_panel(cohort: Cohort) -> dict:
    """The cohort dashboard's "accepted, no mentor yet" line (one query)."""
    return {"template": "matching/_unpaired_panel.html", "unpaired_count": unpaired_count(cohort)}
