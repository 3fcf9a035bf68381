"""Reads for the program work pages: the mentorship's own getter decides who sees them (404 for anyone else)."""
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Prefetch, Sum, When
from django.http import Http404

from mentoring.selectors import mentorship_get_for_user
from organizations.models import Organization
from programs.models import Application, Program
from programs.permissions import is_coordinator
from programs.selectors import cohort_get_for_coordinator, cohort_get_visible

from .models import Activity, AmbassadorListing, Graduation, Milestone, PartnershipTerm, PlanItem, SupportPlan
from .rules import (
    AMBASSADORS_KIND,
    ambassadors_of,
    has_agreements,
    has_incubation,
    has_support_plan,
    is_ambassador,
    may_work,
)


def support_plan_page(*, user, pk: int) -> dict:
    """The mentorship, the viewer's role, its plan with items by area and progress: four queries at most."""
    mentorship, role = mentorship_get_for_user(user=user, pk=pk)
    if not has_support_plan(mentorship):
        raise Http404
    plan = (
        SupportPlan.objects.filter(mentorship=mentorship)
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.select_related("done_by__profile")))
        .first()
    )
    items = list(plan.items.all()) if plan else []
    areas = [
        {"value": value, "label": label, "items": [i for i in items if i.area == value],
         "done": sum(1 for i in items if i.area == value and i.done_at)}
        for value, label in PlanItem.Area.choices
    ]
    return {"mentorship": mentorship, "role": role, "plan": plan, "areas": areas,
            "can_work": may_work(role, mentorship), "done": sum(1 for i in items if i.done_at), "total": len(items)}


def plan_item_get(*, plan: SupportPlan, pk) -> PlanItem:
    item = PlanItem.objects.filter(plan=plan, pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise Http404
    return item


# --- Ambassadors -----------------------------------------------------------------------------------


def _ambassadors_cohort(cohort):
    if cohort.program.kind != AMBASSADORS_KIND:
        raise Http404
    return cohort


def activity_log_page(*, user, cohort_pk: int) -> dict:
    """An ambassador's own log in a cohort; 404 for anyone who is not one of its ambassadors."""
    cohort = _ambassadors_cohort(cohort_get_visible(user=user, pk=cohort_pk))
    if not is_ambassador(user, cohort):
        raise Http404
    return {
        "cohort": cohort,
        "activities": list(Activity.objects.filter(cohort=cohort, ambassador=user).select_related("reviewed_by__profile")),
        "listed": AmbassadorListing.objects.filter(program=cohort.program, ambassador=user).exists(),
    }


def activity_review_page(*, user, cohort_pk: int) -> dict:
    """The coordinator's review of a cohort's activities, waiting ones first, with the cohort's reach."""
    cohort = _ambassadors_cohort(cohort_get_for_coordinator(user=user, pk=cohort_pk))
    activities = list(
        Activity.objects.filter(cohort=cohort).select_related("ambassador__profile")
        .order_by(Case(When(status=Activity.Status.SUBMITTED, then=0), default=1), "-held_on", "-pk")
    )
    return {"cohort": cohort, "activities": activities, "reach": ambassador_reach(cohort.program).get(cohort.pk)}


def activity_get_for_review(*, cohort, pk) -> Activity:
    activity = Activity.objects.filter(cohort=cohort, pk=pk).first() if str(pk).isdigit() else None
    if activity is None:
        raise Http404
    return activity


def ambassador_reach(program) -> dict[int, dict]:
    """Per cohort of the program: approved activities, the people they reached, and ambassadors active; one query."""
    rows = (
        Activity.objects.filter(cohort__program=program, status=Activity.Status.APPROVED).order_by()
        .values("cohort_id").annotate(activities=Count("pk"), audience=Sum("audience"),
                                      ambassadors=Count("ambassador", distinct=True))
    )
    return {row["cohort_id"]: row for row in rows}


def public_ambassadors(program) -> list:
    """Ambassadors of the program who chose to be listed, by name; one query."""
    accepted = ambassadors_of(program.cohorts.all()).values("applicant_id")
    return list(
        get_user_model().objects.filter(pk__in=accepted).filter(
            pk__in=AmbassadorListing.objects.filter(program=program).values("ambassador_id"),
        ).select_related("profile").order_by("profile__display_name", "pk")
    )


# --- Affiliation and partners ------------------------------------------------------------------------


def terms_page(*, user, slug: str) -> dict:
    """A coordinator's agreements of a program, and the accepted organizations that may have one; three queries."""
    program = Program.objects.filter(slug=slug).first()
    if program is None or not has_agreements(program) or not is_coordinator(user, program.pk):
        raise Http404
    terms = list(PartnershipTerm.objects.filter(program=program).select_related("organization"))
    accepted = Organization.objects.filter(
        applications__cohort__program=program, applications__status=Application.Status.ACCEPTED,
    ).distinct().order_by("name")
    return {"program": program, "terms": terms, "organizations": accepted}


def term_get_for_user(*, user, pk: int) -> tuple[PartnershipTerm, str]:
    """An agreement and the viewer's side ("coordinator" or "organization"); 404 for anyone else."""
    term = PartnershipTerm.objects.select_related("program", "organization").filter(pk=pk).first()
    if term is None or not user.is_authenticated:
        raise Http404
    if is_coordinator(user, term.program_id):
        return term, "coordinator"
    if term.organization.members.filter(pk=user.pk).exists():
        return term, "organization"
    raise Http404


def public_directory() -> list[dict]:
    """Affiliated and partner organizations that chose to be listed, by program; one query."""
    terms = (
        PartnershipTerm.objects.filter(listed=True, program__published=True).select_related("program", "organization")
        .order_by("program__kind", "program__name", "organization__name")
    )
    groups: dict[int, dict] = {}
    for term in terms:
        groups.setdefault(term.program_id, {"program": term.program, "terms": []})["terms"].append(term)
    return list(groups.values())


# --- Incubator ---------------------------------------------------------------------------------------


def incubation_page(*, user, pk: int) -> dict:
    """The project's stages with their milestones, the stage reached and the graduation decision: three queries."""
    mentorship, role = mentorship_get_for_user(user=user, pk=pk)
    if not has_incubation(mentorship):
        raise Http404
    milestones = list(Milestone.objects.filter(mentorship=mentorship).select_related("confirmed_by__profile"))
    stages = []
    reached = None
    for value, label in Milestone.Stage.choices:
        rows = [m for m in milestones if m.stage == value]
        confirmed = sum(1 for m in rows if m.status == Milestone.Status.CONFIRMED)
        if rows and confirmed == len(rows):
            reached = label
        stages.append({"value": value, "label": label, "milestones": rows, "confirmed": confirmed})
    return {
        "mentorship": mentorship, "role": role, "stages": stages, "reached": reached,
        "graduation": Graduation.objects.filter(mentorship=mentorship).select_related("decided_by__profile").first(),
        "can_plan": may_work(role, mentorship), "is_maintainer": role == "mentee" and mentorship.is_open,
        "is_mentor": role == "mentor" and mentorship.is_open, "is_coordinator": role == "coordinator",
    }


def milestone_get(*, mentorship, pk) -> Milestone:
    milestone = Milestone.objects.filter(mentorship=mentorship, pk=pk).first() if str(pk).isdigit() else None
    if milestone is None:
        raise Http404
    return milestone
