"""Program work pages: the package support plan, the ambassadors' activity log. Thin: parse, call the service, redirect."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorship.forms import add_service_errors
from programs.selectors import program_get_visible

from . import selectors, services
from .forms import (
    ActivityForm,
    ActivityReviewForm,
    EvidenceForm,
    GraduationForm,
    MilestoneForm,
    PackageForm,
    PlanItemForm,
    TermForm,
)
from .rules import AMBASSADORS_KIND


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


# --- Ambassadors -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_log(request, cohort_pk):
    page = selectors.activity_log_page(user=request.user, cohort_pk=cohort_pk)
    cohort = page["cohort"]
    form = ActivityForm(request.POST if request.POST.get("action") == "log" else None)
    if request.method == "POST":
        if request.POST.get("action") in ("list", "unlist"):
            services.ambassador_listing_set(program=cohort.program, actor=request.user,
                                            listed=request.POST["action"] == "list")
            messages.success(request, _("Your choice was saved."))
            return redirect(request.path)
        if form.is_valid():
            try:
                services.activity_log(cohort=cohort, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Logged. The coordinator will review it."))
                return redirect(request.path)
    return render(request, "programwork/activity_log.html", {**page, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def activity_review(request, cohort_pk):
    page = selectors.activity_review_page(user=request.user, cohort_pk=cohort_pk)
    if request.method == "POST":
        form = ActivityReviewForm(request.POST)
        if form.is_valid():
            activity = selectors.activity_get_for_review(cohort=page["cohort"], pk=form.cleaned_data["activity"])
            services.activity_review(activity=activity, actor=request.user,
                                     approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
            messages.success(request, _("The review was saved."))
        else:
            messages.error(request, _("Choose approve or return. Nothing was changed."))
        return redirect(request.path)
    return render(request, "programwork/activity_review.html", page)


def ambassadors_public(request, slug):
    """The program's ambassadors who chose to be listed; public."""
    program = program_get_visible(user=request.user, slug=slug)
    if program.kind != AMBASSADORS_KIND:
        raise Http404
    return render(request, "programwork/ambassadors_public.html", {
        "program": program, "ambassadors": selectors.public_ambassadors(program),
    })


# --- Affiliation and partners ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def terms(request, slug):
    page = selectors.terms_page(user=request.user, slug=slug)
    form = TermForm(request.POST or None, organizations=page["organizations"])
    if request.method == "POST" and form.is_valid():
        try:
            term = services.term_save(program=page["program"], actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agreement with %(name)s was saved.") % {"name": term.organization.name})
            return redirect(request.path)
    return render(request, "programwork/terms.html", {**page, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def term_detail(request, pk):
    term, side = selectors.term_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        if side != "organization":
            raise PermissionDenied
        services.term_listing_set(term=term, actor=request.user, listed=request.POST.get("action") == "list")
        messages.success(request, _("Your choice was saved."))
        return redirect(request.path)
    return render(request, "programwork/term_detail.html", {"term": term, "side": side})


def directory(request):
    """Affiliated and partner organizations that chose to be listed; public."""
    return render(request, "programwork/directory.html", {"groups": selectors.public_directory()})


# --- Incubator ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incubation(request, pk):
    page = selectors.incubation_page(user=request.user, pk=pk)
    mentorship = page["mentorship"]
    action = request.POST.get("action")
    milestone_form = MilestoneForm(request.POST if action == "add" else None)
    evidence_form = EvidenceForm(request.POST if action == "evidence" else None)
    graduation_form = GraduationForm(request.POST if action == "graduate" else None, instance=page["graduation"])
    if request.method == "POST":
        try:
            if action == "add" and milestone_form.is_valid():
                services.milestone_add(mentorship=mentorship, actor=request.user, **milestone_form.cleaned_data)
                messages.success(request, _("The milestone was added."))
                return redirect(request.path)
            if action == "evidence" and evidence_form.is_valid():
                milestone = selectors.milestone_get(mentorship=mentorship, pk=evidence_form.cleaned_data["milestone"])
                services.milestone_evidence(milestone=milestone, actor=request.user,
                                            evidence_url=evidence_form.cleaned_data["evidence_url"])
                messages.success(request, _("Sent to your mentor for confirmation."))
                return redirect(request.path)
            if action in ("confirm", "return"):
                milestone = selectors.milestone_get(mentorship=mentorship, pk=request.POST.get("milestone", ""))
                services.milestone_confirm(milestone=milestone, actor=request.user, confirm=action == "confirm")
                messages.success(request, _("The milestone was confirmed.") if action == "confirm"
                                 else _("The milestone was sent back."))
                return redirect(request.path)
            if action == "graduate" and graduation_form.is_valid():
                services.graduation_decide(mentorship=mentorship, actor=request.user, **graduation_form.cleaned_data)
                messages.success(request, _("The decision was saved."))
                return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    return render(request, "programwork/incubation.html", {
        **page, "milestone_form": milestone_form, "evidence_form": evidence_form, "graduation_form": graduation_form,
    }, status=400 if request.method == "POST" else 200)
