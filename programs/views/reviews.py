"""Mentors: volunteer for a cohort, work through the review queue, review one application."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import coordinator_selectors, review_panels, selectors, services
from ..models import ApprovalStatus
from ..permissions import is_approved_mentor, is_coordinator
from ..review_forms import QueueFilterForm, ReviewForm, VolunteerForm

QUEUE_PAGE_SIZE = 25
QUEUE_PARAMS = ("status", "preferred", "unreviewed", "fewer_reviews", "sort")


@login_required
@require_http_methods(["GET", "POST"])
def volunteer(request, cohort_pk):
    cohort = selectors.cohort_get_visible(user=request.user, pk=cohort_pk)
    profile = request.user.profile
    enrollment = selectors.enrollment_for(user=request.user, cohort=cohort)
    here = reverse("programs:volunteer", args=[cohort.pk])
    form = None
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if enrollment is None:
            raise Http404
        services.mentor_enrollment_withdraw(enrollment=enrollment, actor=request.user)
        messages.success(request, _("You withdrew from mentoring in this cohort."))
        return redirect(here)
    if profile.is_mentor:
        if request.method == "POST":
            form = VolunteerForm(request.POST)
            if form.is_valid():
                try:
                    enrollment = services.mentor_enrollment_request(mentor=request.user, cohort=cohort, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Thank you! Your offer to mentor was saved."))
                    return redirect(here)
        else:
            active = enrollment is not None and enrollment.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED)
            form = VolunteerForm(
                instance=enrollment if active else None,
                # A completed mentee offered to mentor next time arrives with ?offer= prefilled.
                initial=None if active else {"capacity": max(1, min(20, profile.mentor_capacity)),
                                             "offer": request.GET.get("offer", "")[:2000]},
            )
    elif request.method == "POST":
        messages.error(request, _("Tick “I want to mentor” in your profile before you volunteer."))
        return redirect(here)
    active = enrollment is not None and enrollment.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED)
    return render(request, "programs/reviews/volunteer.html", {
        "cohort": cohort, "enrollment": enrollment, "active": active, "form": form,
    })


def _queue_for(request, cohort, *, as_coordinator: bool | None = None):
    if as_coordinator is None:
        as_coordinator = is_coordinator(request.user, cohort.program)
    form = QueueFilterForm(request.GET or None, as_coordinator=as_coordinator)
    filters = form.filters()
    queue = coordinator_selectors.review_queue(
        cohort=cohort, reviewer=request.user, as_coordinator=as_coordinator, **filters,
    )
    sort_key = coordinator_selectors.queue_sort_key(sort=filters["sort"], as_coordinator=as_coordinator)
    query = request.GET.copy()
    for param in list(query):
        if param not in QUEUE_PARAMS:
            query.pop(param)
    return form, queue, sort_key, as_coordinator, query.urlencode()


@login_required
def review_queue(request, cohort_pk):
    cohort = selectors.cohort_get_for_reviewer(user=request.user, pk=cohort_pk)
    form, queue, _keys, as_coordinator, querystring = _queue_for(request, cohort)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programs/reviews/queue.html", {
        "cohort": cohort, "form": form, "page": page, "querystring": querystring, "as_coordinator": as_coordinator,
        "min_reviews": coordinator_selectors.MIN_REVIEWS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def review_application(request, pk):
    application, role = coordinator_selectors.application_get_for_review(user=request.user, pk=pk)
    cohort = application.cohort
    criteria = list(cohort.criteria.all())
    reviews = list(coordinator_selectors.reviews_of(application))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    # A "reviewer" role is an approved mentor who does not coordinate the program (selectors.application_role).
    approved = role == "reviewer" or is_approved_mentor(request.user, cohort.pk)
    can_review = application.status != application.Status.WITHDRAWN and approved
    _form, queue, key, _coord, querystring = _queue_for(request, cohort, as_coordinator=role == "coordinator")
    previous_pk, next_pk, position, total = coordinator_selectors.queue_neighbours(queue, application, key)

    form = None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.review_submit(application=application, reviewer=request.user, **form.service_arguments())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your review was saved."))
                target = next_pk if ("save_next" in request.POST and next_pk) else application.pk
                url = reverse("programs:review", args=[target])
                return redirect(f"{url}?{querystring}" if querystring else url)
    elif can_review:
        form = ReviewForm(initial=ReviewForm.initial_from(mine), criteria=criteria)

    # Anti-anchoring: a mentor sees other reviews only after writing an unconflicted review
    # of their own; coordinators always see them. The applicant never reaches this page.
    show_others = role == "coordinator" or (mine is not None and not mine.conflict_of_interest)
    others = [r for r in reviews if r.reviewer_id != request.user.pk] if show_others else []
    criteria_names = {str(c.pk): c.name for c in criteria}
    for review in others:
        review.score_rows = [(criteria_names.get(k, k), v) for k, v in review.scores.items()]
    return render(request, "programs/reviews/review.html", {
        "application": application, "cohort": cohort, "role": role, "form": form, "mine": mine,
        "can_review": can_review, "show_others": show_others, "others": others, "other_count": len(reviews) - (mine is not None),
        "scores": selectors.application_score(application) if show_others else None,
        "previous_pk": previous_pk, "next_pk": next_pk, "position": position, "total": total,
        "querystring": querystring,
        "panels": review_panels.panels_for(page="review", application=application, viewer=request.user),
    })
