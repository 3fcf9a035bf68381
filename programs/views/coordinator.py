"""Coordinators: the cohort dashboard, decisions (with a confirmation step), mentors, CSV export."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from notifications.services import topic_summary

from .. import coordinator_selectors, exports, hooks, selectors, services
from ..models import Application, ApprovalStatus
from ..review_forms import STATUS_FILTER_CHOICES, BulkDecisionForm, EnrollmentDecisionForm

RANKED_PAGE_SIZE = 100


@login_required
def cohort_dashboard(request, cohort_pk):
    """Everything here reads stored numbers and one page of rows: constant queries and time as the
    cohort grows (bench/programs_pages.py)."""
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTER_CHOICES):
        status = ""
    counts = coordinator_selectors.status_counts(cohort)
    paginator = Paginator(coordinator_selectors.ranked_applications(cohort, status=status), RANKED_PAGE_SIZE)
    paginator.count = coordinator_selectors.ranked_count(counts, status=status)  # known: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    coverage_total, coverage = coordinator_selectors.review_coverage(cohort)
    duplicates = coordinator_selectors.possible_duplicates(cohort)
    return render(request, "programs/coordinator/dashboard.html", {
        "cohort": cohort,
        "counts": counts,
        "coverage": coverage,
        "coverage_total": coverage_total,
        "min_reviews": coordinator_selectors.MIN_REVIEWS,
        "mentor_load": coordinator_selectors.mentor_review_load(cohort),
        "pending_mentors": coordinator_selectors.pending_enrollment_count(cohort),
        "page": page,
        "rows": coordinator_selectors.ranked_rows(page.object_list, first_rank=page.start_index()),
        "status": status,
        "status_choices": STATUS_FILTER_CHOICES,
        "querystring": f"status={status}" if status else "",
        "duplicates": duplicates.pairs,
        "duplicate_scan": duplicates,
        "reminders": topic_summary(topic=f"cohort:{cohort.pk}"),
        "panels": [panel for panel in (provide(cohort) for provide in COHORT_DASHBOARD_PANELS) if panel],
    })


# Panels that apps above programs add to the cohort dashboard (programs imports none of them):
# `panel(cohort)` returns a dict with a "template" key (and its context), or None. matching adds
# "accepted, no mentor yet".
COHORT_DASHBOARD_PANELS: list = []


@login_required
@require_POST
def bulk_decide(request, cohort_pk):
    """First POST: show what is about to happen. Second POST (confirm=1): decide, then report."""
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = BulkDecisionForm(
        request.POST,
        applications=selectors.reviewable_applications(cohort).select_related("applicant__profile", "cohort__program"),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("programs:cohort_dashboard", cohort_pk=cohort.pk)
    applications = sorted(form.cleaned_data["applications"], key=lambda a: (a.applicant.profile.name.lower(), a.pk))
    status = form.cleaned_data["status"]
    if not form.cleaned_data["confirm"]:
        return render(request, "programs/coordinator/confirm_decision.html", {
            "cohort": cohort, "applications": applications, "status": status, "decision": form.decision_label(),
            "warnings": hooks.decision_warnings(cohort=cohort, status=status, applications=applications),
        })
    done, errors = services.applications_decide_bulk(applications=applications, status=status, actor=request.user)
    label = Application.Status(status).label
    messages.success(request, ngettext(
        "%(count)d application is now “%(status)s”.", "%(count)d applications are now “%(status)s”.", done,
    ) % {"count": done, "status": label})
    for error in errors:
        messages.warning(request, error)
    return redirect("programs:cohort_dashboard", cohort_pk=cohort.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_enrollments(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    enrollments = coordinator_selectors.cohort_enrollments(cohort)
    if request.method == "POST":
        form = EnrollmentDecisionForm(request.POST, enrollments=enrollments.exclude(status=ApprovalStatus.WITHDRAWN))
        if form.is_valid():
            enrollment, approve = form.cleaned_data["enrollment"], form.cleaned_data["decision"] == "approve"
            name = enrollment.mentor.profile.name
            try:
                services.mentor_enrollment_decide(enrollment=enrollment, approve=approve, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                if approve:
                    messages.success(request, _("%(name)s is now a mentor of this cohort.") % {"name": name})
                else:
                    messages.success(request, _("You declined %(name)s’s offer to mentor.") % {"name": name})
        else:
            messages.error(request, _("That volunteer could not be found in this cohort. Nothing was changed."))
        return redirect("programs:mentor_enrollments", cohort_pk=cohort.pk)
    groups = {value: [] for value in ApprovalStatus.values}
    for enrollment in enrollments:
        groups[enrollment.status].append(enrollment)
    return render(request, "programs/coordinator/mentor_enrollments.html", {
        "cohort": cohort,
        "pending": groups[ApprovalStatus.PENDING],
        "approved": groups[ApprovalStatus.APPROVED],
        "declined": groups[ApprovalStatus.DECLINED],
        "withdrawn": groups[ApprovalStatus.WITHDRAWN],
        "approved_capacity": sum(e.capacity for e in groups[ApprovalStatus.APPROVED]),
    })


@login_required
def export_csv(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return exports.applications_csv_response([cohort])


@login_required
def my_cohorts(request):
    return render(request, "programs/coordinator/my_cohorts.html", {
        "coordinated": list(selectors.coordinated_cohorts(user=request.user)),
        "programs": list(selectors.coordinated_programs(user=request.user)),
        "mentoring": list(coordinator_selectors.mentor_cohorts(user=request.user)),
    })
