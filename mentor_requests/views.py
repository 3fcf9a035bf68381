from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Profile
from programs.selectors import cohort_get_for_coordinator

from . import selectors, services
from .forms import AnswerForm, RequestForm


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, profile_pk):
    profile = get_object_or_404(
        Profile.objects.select_related("user"), pk=profile_pk, is_mentor=True, open_to_mentoring=True, user__is_active=True,
    )
    mentor = profile.user
    if mentor.pk == request.user.pk:
        raise Http404
    enrollments = services.requestable_enrollments(mentor=mentor)
    context = {"mentor_profile": profile, "enrollments": enrollments,
               "open_count": services.open_request_count(mentee=request.user),
               "max_open": services.max_open_requests(), "response_days": services.response_days()}
    if not enrollments:
        return render(request, "mentor_requests/not_available.html", context)
    form = RequestForm(request.POST or None, enrollments=enrollments,
                       initial={"hours_per_week": request.user.profile.hours_per_week})
    if request.method == "POST" and form.is_valid():
        enrollment = form.selected_enrollment()
        data = {k: form.cleaned_data[k] for k in ("about_me", "experience", "learning_goals", "why_you", "hours_per_week")}
        try:
            sent = services.request_send(mentee=request.user, mentor=mentor, cohort=enrollment.cohort, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request was sent. %(name)s has %(days)d days to answer.")
                             % {"name": profile.name, "days": services.response_days()})
            return redirect(sent)
    context["form"] = form
    return render(request, "mentor_requests/request_form.html", context)


@login_required
def request_list(request):
    requests = list(selectors.requests_for_user(user=request.user))
    return render(request, "mentor_requests/request_list.html", {
        "sent": [r for r in requests if r.mentee_id == request.user.pk],
        "received": [r for r in requests if r.mentor_id == request.user.pk],
    })


@login_required
def request_detail(request, pk):
    mentorship_request, role = selectors.request_get_for_user(user=request.user, pk=pk)
    actions = selectors.request_actions(request=mentorship_request, role=role)
    answer_form = None
    if actions["answer"]:
        answer_form = AnswerForm(suggestions=services.suggest_mentors(
            cohort=mentorship_request.cohort, mentee=mentorship_request.mentee, exclude=[request.user], limit=5))
    return render(request, "mentor_requests/request_detail.html",
                  {"req": mentorship_request, "role": role, "actions": actions, "answer_form": answer_form})


@login_required
@require_POST
def request_answer(request, pk, decision):
    mentorship_request, role = selectors.request_get_for_user(user=request.user, pk=pk)
    if role != "mentor":
        raise Http404
    form = AnswerForm(request.POST, suggestions=services.suggest_mentors(
        cohort=mentorship_request.cohort, mentee=mentorship_request.mentee, exclude=[request.user], limit=5))
    form.is_valid()
    try:
        if decision == "accept":
            services.request_accept(request=mentorship_request, actor=request.user, message=form.cleaned_data.get("message", ""))
            messages.success(request, _("You accepted. The mentorship has started."))
        else:
            services.request_decline(request=mentorship_request, actor=request.user,
                                     message=form.cleaned_data.get("message", ""), suggested_mentor=form.suggested())
            messages.info(request, _("You declined the request. Thank you for answering."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(mentorship_request)


@login_required
@require_POST
def request_withdraw(request, pk):
    mentorship_request, role = selectors.request_get_for_user(user=request.user, pk=pk)
    if role != "mentee":
        raise Http404
    try:
        services.request_withdraw(request=mentorship_request, actor=request.user)
        messages.info(request, _("You withdrew your request."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(mentorship_request)


@login_required
def cohort_requests(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "mentor_requests/cohort_requests.html",
                  {"cohort": cohort, "requests": selectors.requests_for_cohort(cohort=cohort)})
