"""Writes for the package support plan: who and in which state are checked here, in one transaction."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.selectors import mentorship_role
from programs.models import Application
from programs.permissions import is_coordinator

from .models import Activity, AmbassadorListing, Graduation, Milestone, PartnershipTerm, PlanItem, SupportPlan
from .rules import ambassadors_of, has_agreements, has_incubation, has_support_plan, is_ambassador, may_work


def _check(*, mentorship, actor) -> None:
    if not has_support_plan(mentorship):
        raise ValidationError(_("This program has no support plan."))
    if not may_work(mentorship_role(user=actor, mentorship=mentorship), mentorship):
        raise PermissionDenied


@transaction.atomic
def support_plan_save(*, mentorship, actor, repository_url: str, registry_name: str = "",
                      documentation_url: str = "") -> SupportPlan:
    _check(mentorship=mentorship, actor=actor)
    plan, _created = SupportPlan.objects.select_for_update().get_or_create(
        mentorship=mentorship, defaults={"repository_url": repository_url},
    )
    plan.repository_url, plan.registry_name, plan.documentation_url = repository_url, registry_name, documentation_url
    plan.save()
    return plan


@transaction.atomic
def plan_item_add(*, plan: SupportPlan, actor, area: str, title: str) -> PlanItem:
    _check(mentorship=plan.mentorship, actor=actor)
    if area not in PlanItem.Area.values:
        raise ValidationError(_("Choose one of the three areas."))
    return PlanItem.objects.create(plan=plan, area=area, title=title.strip(), added_by=actor)


@transaction.atomic
def plan_item_tick(*, item: PlanItem, actor, done: bool) -> PlanItem:
    item = PlanItem.objects.select_for_update().select_related("plan__mentorship__cohort__program").get(pk=item.pk)
    _check(mentorship=item.plan.mentorship, actor=actor)
    if done and item.done_at is None:
        item.done_at, item.done_by = timezone.now(), actor
    elif not done:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    return item


# --- Ambassadors -----------------------------------------------------------------------------------


@transaction.atomic
def activity_log(*, cohort, actor, **fields) -> Activity:
    """An ambassador of the cohort logs an activity; it waits for the coordinator's review."""
    if not is_ambassador(actor, cohort):
        raise PermissionDenied
    if not fields.get("place") and not fields.get("link"):
        raise ValidationError({"place": _("Give the place or a link.")})
    return Activity.objects.create(cohort=cohort, ambassador=actor, **fields)


@transaction.atomic
def activity_review(*, activity, actor, approve: bool, note: str = "") -> Activity:
    activity = Activity.objects.select_for_update().select_related("cohort__program").get(pk=activity.pk)
    if not is_coordinator(actor, activity.cohort.program_id):
        raise PermissionDenied
    activity.status = Activity.Status.APPROVED if approve else Activity.Status.RETURNED
    activity.review_note, activity.reviewed_by, activity.reviewed_at = note, actor, timezone.now()
    activity.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    return activity


@transaction.atomic
def ambassador_listing_set(*, program, actor, listed: bool) -> None:
    """Opt in to (or out of) the program's public list of ambassadors."""
    if not ambassadors_of(program.cohorts.all()).filter(applicant=actor).exists():
        raise PermissionDenied
    if listed:
        AmbassadorListing.objects.get_or_create(program=program, ambassador=actor)
    else:
        AmbassadorListing.objects.filter(program=program, ambassador=actor).delete()


# --- Affiliation and partners ------------------------------------------------------------------------


@transaction.atomic
def term_save(*, program, organization, actor, starts_on, renews_on, we_offer: str, they_offer: str) -> PartnershipTerm:
    """A coordinator records (or changes) the agreement with an organization accepted into the program."""
    if not has_agreements(program):
        raise ValidationError(_("This program has no agreements."))
    if not is_coordinator(actor, program.pk):
        raise PermissionDenied
    if not Application.objects.filter(cohort__program=program, organization=organization,
                                      status=Application.Status.ACCEPTED).exists():
        raise ValidationError({"organization": _("Only an organization accepted into this program has an agreement.")})
    if renews_on <= starts_on:
        raise ValidationError({"renews_on": _("The renewal date must be after the start.")})
    term, _created = PartnershipTerm.objects.select_for_update().update_or_create(
        program=program, organization=organization,
        defaults={"starts_on": starts_on, "renews_on": renews_on, "we_offer": we_offer, "they_offer": they_offer,
                  "created_by": actor},
    )
    return term


@transaction.atomic
def term_listing_set(*, term: PartnershipTerm, actor, listed: bool) -> PartnershipTerm:
    """The organization's people choose whether it appears in the public directory."""
    term = PartnershipTerm.objects.select_for_update().select_related("organization").get(pk=term.pk)
    if not term.organization.members.filter(pk=actor.pk).exists():
        raise PermissionDenied
    term.listed = listed
    term.save(update_fields=["listed", "updated_at"])
    return term


# --- Incubator ---------------------------------------------------------------------------------------


def _incubation_role(mentorship, actor) -> str | None:
    if not has_incubation(mentorship):
        raise ValidationError(_("This program has no incubation stages."))
    return mentorship_role(user=actor, mentorship=mentorship)


@transaction.atomic
def milestone_add(*, mentorship, actor, stage: str, title: str, target_date) -> Milestone:
    if not may_work(_incubation_role(mentorship, actor), mentorship):
        raise PermissionDenied
    return Milestone.objects.create(mentorship=mentorship, stage=stage, title=title.strip(), target_date=target_date)


@transaction.atomic
def milestone_evidence(*, milestone: Milestone, actor, evidence_url: str) -> Milestone:
    """The maintainer shows what was done; the milestone waits for the mentor's confirmation."""
    milestone = Milestone.objects.select_for_update().select_related("mentorship__cohort__program").get(pk=milestone.pk)
    role = _incubation_role(milestone.mentorship, actor)
    if role != "mentee" or not milestone.mentorship.is_open:
        raise PermissionDenied
    if milestone.status == Milestone.Status.CONFIRMED:
        raise ValidationError(_("This milestone is already confirmed."))
    milestone.evidence_url, milestone.status = evidence_url, Milestone.Status.SUBMITTED
    milestone.save(update_fields=["evidence_url", "status"])
    return milestone


@transaction.atomic
def milestone_confirm(*, milestone: Milestone, actor, confirm: bool) -> Milestone:
    """The mentor confirms the evidence, or sends the milestone back to planned."""
    milestone = Milestone.objects.select_for_update().select_related("mentorship__cohort__program").get(pk=milestone.pk)
    role = _incubation_role(milestone.mentorship, actor)
    if role != "mentor" or not milestone.mentorship.is_open:
        raise PermissionDenied
    if milestone.status != Milestone.Status.SUBMITTED:
        raise ValidationError(_("Only a milestone with its evidence can be confirmed."))
    if confirm:
        milestone.status, milestone.confirmed_by, milestone.confirmed_at = Milestone.Status.CONFIRMED, actor, timezone.now()
    else:
        milestone.status = Milestone.Status.PLANNED
    milestone.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return milestone


@transaction.atomic
def graduation_decide(*, mentorship, actor, decision: str, note: str = "") -> Graduation:
    """The coordinator decides at the end; graduating needs a confirmed production milestone."""
    if _incubation_role(mentorship, actor) != "coordinator":
        raise PermissionDenied
    if decision == Graduation.Decision.GRADUATED and not Milestone.objects.filter(
        mentorship=mentorship, stage=Milestone.Stage.PRODUCTION, status=Milestone.Status.CONFIRMED,
    ).exists():
        raise ValidationError(_("A project graduates once a production milestone is confirmed by its mentor."))
    graduation, _created = Graduation.objects.update_or_create(
        mentorship=mentorship, defaults={"decision": decision, "note": note, "decided_by": actor},
    )
    return graduation
