"""Reads for the program work pages: the mentorship's own getter decides who sees them (404 for anyone else)."""
from django.db.models import Prefetch
from django.http import Http404

from mentoring.selectors import mentorship_get_for_user

from .models import PlanItem, SupportPlan
from .rules import has_support_plan, may_work


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
