"""What a coordinator does with proposals: move a mentee to another mentor, lock or rule out a pair, confirm."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentoring.services import capacity_left
from programs.models import Application, ApprovalStatus, Cohort, MentorEnrollment
from programs.services import application_decide

from ..models import MatchProposal, MatchRun, PairRule, ProposalStatus, RunStatus, latest_run
from ..problem import CohortProblem, build_cohort_problem
from ..reasons import COORDINATOR, pair_components, reasons_for, reasons_text
from .pairing import blocked_message, has_conflict, lock_enrollment, pair_create, pair_refusal, require_coordinator
from .staleness import staleness_suppressed

OPEN_PROPOSAL_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.OVERRIDDEN)


# --------------------------------------------------------------------------- moving a mentee


@dataclass
class MentorOption:
    """One mentor a mentee could move to, as the swap page shows it."""

    enrollment_id: int
    mentor_id: int
    name: str
    score: float
    rank: int
    capacity: int
    places_left: int  # in this run: capacity - mentorships - other open proposals
    blocked: str = ""  # "", "current", "conflict", "ruled_out", "full", "cohort_full"
    components: dict = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        return reasons_for(self.components.get("facts", {}), viewer=COORDINATOR)

    @property
    def places_left_after(self) -> int:
        return self.places_left - 1

    @property
    def available(self) -> bool:
        return not self.blocked


def _run_places_left(run: MatchRun, cp: CohortProblem, *, excluding: int | None = None) -> list[int]:
    """Per mentor index: places left in this run (capacity - mentorships - open proposals)."""
    open_counts = dict(
        MatchProposal.objects.filter(run=run, status__in=OPEN_PROPOSAL_STATUSES, enrollment__isnull=False)
        .exclude(pk=excluding)
        .values("enrollment_id").annotate(n=Count("pk")).values_list("enrollment_id", "n")
    )
    return [cp.capacity_left(j) - open_counts.get(pk, 0) for j, pk in enumerate(cp.enrollment_ids)]


def _mentee_row(cp: CohortProblem, proposal: MatchProposal) -> int:
    i = cp.mentee_index().get(proposal.application_id)
    if i is None:
        raise ValidationError(_("This application is no longer in the matching pool (paired, declined or withdrawn)."))
    return i


def mentor_options(*, proposal: MatchProposal, actor, cp: CohortProblem | None = None) -> list[MentorOption]:
    """Every approved mentor of the cohort with this mentee's score (the run's weights), the places
    they have left in this run and why a move there would be refused. Best score first."""
    run = proposal.run
    require_coordinator(actor, run.cohort.program_id)
    cp = cp or build_cohort_problem(cohort=run.cohort, params=run.parameters)
    i = _mentee_row(cp, proposal)
    if cp.n_mentors == 0:
        return []
    # giving an unmatched mentee a mentor adds a pair: refused when the run's pairs fill the cohort's maximum
    cohort_full = proposal.enrollment_id is None and cp.max_pairs is not None and MatchProposal.objects.filter(
        run=run, status__in=OPEN_PROPOSAL_STATUSES, enrollment__isnull=False,
    ).count() >= cp.max_pairs
    return options_for(
        cp, i, places_left=_run_places_left(run, cp, excluding=proposal.pk), current=proposal.enrollment_id,
        cohort_full=cohort_full,
    )


def options_for(
    cp: CohortProblem, i: int, *, places_left: list[int], current: int | None = None, cohort_full: bool = False,
) -> list[MentorOption]:
    """Mentee row `i` against every mentor of `cp`: score, reasons, places left and why a pair would be refused
    (`cohort_full`: one more pair would pass the cohort's maximum mentees)."""
    m = cp.n_mentors
    comps = pair_components(cp, [(i, j) for j in range(m)])
    scores = np.array([c["total"] for c in comps])
    order = sorted(range(m), key=lambda j: (-scores[j], cp.mentor_names[j].lower(), j))
    options = []
    for rank, j in enumerate(order, start=1):
        facts = comps[j]["facts"]
        blocked = ""
        if cp.enrollment_ids[j] == current:
            blocked = "current"
        elif facts["conflict"]:
            blocked = "conflict"
        elif facts["ruled_out"]:
            blocked = "ruled_out"
        elif places_left[j] <= 0:
            blocked = "full"
        elif cohort_full:
            blocked = "cohort_full"
        options.append(MentorOption(
            enrollment_id=cp.enrollment_ids[j], mentor_id=cp.mentor_ids[j], name=cp.mentor_names[j],
            score=round(float(scores[j]), 2), rank=rank, capacity=cp.capacity[j], places_left=places_left[j],
            blocked=blocked, components=comps[j],
        ))
    return options


def proposal_swap(*, proposal: MatchProposal, enrollment_id: int, actor, keep: bool = True) -> MatchProposal:
    """Move the proposal's mentee to another mentor's place in the same run.

    Refused when the mentor has no place left in this run, a conflict of interest or a rule forbids the
    pair, or the proposal is already confirmed. The pair's score is recomputed by the engine with the
    run's weights. With `keep`, the new pair is locked so that the next run keeps it.
    """
    run = proposal.run
    require_coordinator(actor, run.cohort.program_id)
    with transaction.atomic():
        # One change at a time per run: the places-left count below stays true until commit.
        run = MatchRun.objects.select_for_update().select_related("cohort__program").get(pk=run.pk)
        if run.status != RunStatus.DONE:
            raise ValidationError(_("This run has not finished."))
        proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk, run=run)
        if not proposal.is_open:
            raise ValidationError(_("This pair is already confirmed; it can no longer be changed here."))
        proposal.run = run
        cp = build_cohort_problem(cohort=run.cohort, params=run.parameters)
        options = mentor_options(proposal=proposal, actor=actor, cp=cp)
        chosen = next((o for o in options if o.enrollment_id == enrollment_id), None)
        if chosen is None:
            raise ValidationError(_("This mentor is not an approved mentor of the cohort."))
        if chosen.blocked:
            raise ValidationError(blocked_message(chosen.blocked))
        if keep:
            pair_rule_set(
                cohort=run.cohort, application_id=proposal.application_id, enrollment_id=enrollment_id,
                kind=PairRule.Kind.LOCKED, actor=actor,
            )
            chosen.components["facts"]["locked"] = True
        with translation.override(settings.LANGUAGE_CODE):
            reasons = reasons_text(chosen.components["facts"], viewer=COORDINATOR)
        proposal.enrollment_id = enrollment_id
        proposal.unmatched_reason = ""
        proposal.score = min(100.0, max(0.0, chosen.score))
        proposal.components = chosen.components
        proposal.reasons = reasons
        proposal.rank = min(chosen.rank, 32767)
        proposal.locked = keep
        proposal.status = ProposalStatus.OVERRIDDEN
        proposal.decided_by, proposal.decided_at = actor, timezone.now()
        proposal.save()
    return proposal


# --------------------------------------------------------------------------- rules


def pair_rule_set(*, cohort: Cohort, application_id: int, enrollment_id: int, kind: str, actor) -> PairRule:
    """Lock a pair (the next runs keep it) or rule it out (the next runs never propose it).

    A lock replaces the application's previous lock; a mentor cannot have more locks than places.
    """
    require_coordinator(actor, cohort)
    if kind not in PairRule.Kind.values:
        raise ValidationError(_("Unknown rule."))
    with transaction.atomic():
        application = Application.objects.filter(pk=application_id, cohort=cohort).first()
        enrollment = (
            MentorEnrollment.objects.select_for_update()
            .filter(pk=enrollment_id, cohort=cohort, status=ApprovalStatus.APPROVED).first()
        )
        if application is None or enrollment is None:
            raise ValidationError(_("The application and the mentor must both belong to this cohort."))
        if kind == PairRule.Kind.LOCKED:
            if has_conflict(application=application, mentor_id=enrollment.mentor_id):
                raise ValidationError(blocked_message("conflict"))
            locks = PairRule.objects.filter(kind=PairRule.Kind.LOCKED)
            if locks.filter(enrollment=enrollment).exclude(application=application).count() >= capacity_left(enrollment):
                raise ValidationError(_("This mentor has as many locked mentees as places."))
            locks.filter(application=application).exclude(enrollment=enrollment).delete()
        rule, _created = PairRule.objects.update_or_create(
            application=application, enrollment=enrollment,
            defaults={"cohort": cohort, "kind": kind, "created_by": actor},
        )
    return rule


def pair_rule_remove(*, rule: PairRule, actor) -> None:
    require_coordinator(actor, Cohort.objects.only("program_id").get(pk=rule.cohort_id).program_id)
    PairRule.objects.filter(pk=rule.pk).delete()


# --------------------------------------------------------------------------- confirming


def _refuse_outdated(run: MatchRun) -> None:
    latest = latest_run(run.cohort_id)
    if latest is not None and latest.pk != run.pk:
        raise ValidationError(_("A newer run exists for this cohort: confirm the pairs on run #%(pk)d.") % {"pk": latest.pk})


def proposal_confirm(*, proposal_id: int, actor) -> MatchProposal:
    """Accept the application and create the mentorship, in one transaction.

    Every rule is checked again under the locks, whichever door got here: the run is finished and is
    the cohort's latest, the pair is not ruled out, the applicant is not locked to another mentor,
    and `mentoring.services.mentorship_create` (which locks the mentor's place) checks the mentor's
    capacity and the cohort's maximum mentees. When anything refuses, the acceptance is rolled back
    too. Confirming twice is a no-op.
    """
    with staleness_suppressed(), transaction.atomic():
        proposal = (
            MatchProposal.objects.select_for_update(of=("self",))
            .select_related("run__cohort", "application__applicant", "application__cohort", "enrollment")
            .get(pk=proposal_id)
        )
        require_coordinator(actor, proposal.run.cohort.program_id)
        if proposal.status == ProposalStatus.CONFIRMED:
            return proposal
        if proposal.enrollment_id is None:
            raise ValidationError(_("Choose a mentor for this application first."))
        if proposal.run.status != RunStatus.DONE:
            raise ValidationError(_("This run has not finished."))
        _refuse_outdated(proposal.run)
        enrollment = lock_enrollment(cohort=proposal.run.cohort, enrollment_id=proposal.enrollment_id)
        refusal = pair_refusal(application=proposal.application, enrollment=enrollment)
        if refusal:
            raise ValidationError(refusal)
        application = proposal.application
        if application.status != Application.Status.ACCEPTED:
            application = application_decide(application=application, status=Application.Status.ACCEPTED, actor=actor)
        mentorship = pair_create(application=application, enrollment=enrollment, actor=actor)
        proposal.status = ProposalStatus.CONFIRMED
        proposal.mentorship = mentorship
        proposal.decided_by, proposal.decided_at = actor, timezone.now()
        proposal.save(update_fields=["status", "mentorship", "decided_by", "decided_at"])
    return proposal


@dataclass
class ConfirmResult:
    confirmed: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def confirmable_proposals(run: MatchRun, proposal_ids=None):
    """Open pairs of the run that no rule forbids now (a pair ruled out after the run is not offered)."""
    qs = MatchProposal.objects.confirmable().filter(run=run)
    if proposal_ids is not None:
        qs = qs.filter(pk__in=list(proposal_ids))
    return qs.select_related("application__applicant__profile", "enrollment__mentor__profile").order_by("-score", "pk")


def proposals_confirm_in_background(*, run: MatchRun, actor, proposal_ids=None) -> bool:
    """Queue `proposals_confirm` for a large cohort; False when the broker cannot take it now.

    The same checks as the confirmation itself run first (who asks, a finished and current run), and the
    task runs them again under its locks."""
    from mentorship.broker import publish

    from ..tasks import confirm_proposals

    require_coordinator(actor, run.cohort.program_id)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("This run has not finished."))
    _refuse_outdated(run)
    return publish(confirm_proposals, run.pk, actor.pk, None if proposal_ids is None else list(proposal_ids))


def proposals_confirm(*, run: MatchRun, actor, proposal_ids=None) -> ConfirmResult:
    """Confirm some (or all) open proposals of a finished run, best scores first; one transaction each,
    so one refusal (a full mentor, a withdrawn application) does not undo the others. An outdated run
    is refused as a whole (each confirmation checks it again under its locks)."""
    require_coordinator(actor, run.cohort.program_id)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("This run has not finished."))
    _refuse_outdated(run)
    result = ConfirmResult()
    for proposal in confirmable_proposals(run, proposal_ids):
        try:
            proposal_confirm(proposal_id=proposal.pk, actor=actor)
        except ValidationError as exc:
            result.errors.append(_("%(mentee)s with %(mentor)s: %(error)s") % {
                "mentee": proposal.application.applicant.get_full_name(),
                "mentor": proposal.enrollment.mentor.get_full_name(),
                "error": " ".join(exc.messages),
            })
        else:
            result.confirmed.append(proposal.pk)
    return result
