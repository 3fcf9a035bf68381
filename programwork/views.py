"""Package support: the package and its plan. Thin: parse, call the service, redirect."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import PackageForm, PlanItemForm


def _initial_package(mentorship) -> dict:
    """A new plan starts from the project the mentorship's application was for."""
    project = getattr(mentorship.application, "project", None) if mentorship.application_id else None
    return {"repository_url": project.repository_url} if project else {}


@login_required
@require_http_methods(["GET", "POST"])
def support_plan(request, pk):
    page = selectors.support_plan_page(user=request.user, pk=pk)
    mentorship, plan = page["mentorship"], page["plan"]
    action = request.POST.get("action")
    package_form = PackageForm(request.POST if action == "package" else None, instance=plan,
                               initial=None if plan else _initial_package(mentorship))
    item_form = PlanItemForm(request.POST if action == "add" else None)
    if request.method == "POST":
        if not page["can_work"]:
            raise PermissionDenied
        try:
            if action == "package" and package_form.is_valid():
                services.support_plan_save(mentorship=mentorship, actor=request.user, **package_form.cleaned_data)
                messages.success(request, _("The package was saved."))
                return redirect(request.path)
            if action == "add" and plan is not None and item_form.is_valid():
                services.plan_item_add(plan=plan, actor=request.user, **item_form.cleaned_data)
                messages.success(request, _("Added to the plan."))
                return redirect(request.path)
            if action in ("done", "undo") and plan is not None:
                item = selectors.plan_item_get(plan=plan, pk=request.POST.get("item", ""))
                services.plan_item_tick(item=item, actor=request.user, done=action == "done")
                return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    return render(request, "programwork/support_plan.html", {
        **page, "package_form": package_form, "item_form": item_form,
    }, status=400 if request.method == "POST" else 200)
