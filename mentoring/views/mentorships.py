"""The mentorship page and its life cycle: transitions, dates, extension, early end."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import hooks, selectors, services
from ..forms import DatesForm, EarlyEndDecisionForm, ExtensionForm, PauseForm, ReasonForm
from .common import flash_errors, form_page, mentorship_view, require_may


@login_required
def mentorship_list(request):
    return render(request, "mentoring/mentorship_list.html", {"mentorships": selectors.mentorships_for_user(user=request.user)})


@mentorship_view
def mentorship_detail(request, mentorship, role):
    context = selectors.mentorship_page(mentorship=mentorship, role=role, user=request.user)
    return render(request, "mentoring/mentorship_detail.html", {
        "mentorship": mentorship, "role": role, "pause_form": PauseForm(), **context,
        "panels": hooks.mentorship_panels(mentorship=mentorship, role=role, user=request.user),
    })


TRANSITIONS = {
    "activate": (services.mentorship_activate, gettext_lazy("The mentorship is active.")),
    "pause": (services.mentorship_pause, gettext_lazy("The mentorship is paused.")),
    "resume": (services.mentorship_resume, gettext_lazy("The mentorship is active again.")),
    "complete": (services.mentorship_complete, gettext_lazy("The mentorship is marked completed.")),
}


@require_POST
@mentorship_view
def mentorship_transition(request, mentorship, role, action):
    if action not in TRANSITIONS:
        raise Http404
    service, done = TRANSITIONS[action]
    require_may(role, action)
    kwargs = {"mentorship": mentorship, "actor": request.user}
    if action == "pause":
        form = PauseForm(request.POST)
        kwargs["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(**kwargs)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(mentorship)


@require_http_methods(["GET", "POST"])
@mentorship_view
def mentorship_dates(request, mentorship, role):
    require_may(role, "set_dates")
    form = DatesForm(request.POST or None, initial={"starts_on": mentorship.starts_on, "ends_on": mentorship.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_dates_set(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dates are saved."))
            return redirect(mentorship)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Adjust the dates"),
                     submit=_("Save dates"),
                     intro=_("Mentorships start with the cohort's dates (in a cohort open all year, when the pair is confirmed). "
                             "Change them for this pair only."))


def extension_limit_text(mentorship, role) -> str:
    weeks = selectors.cohort_settings(mentorship.cohort).max_extension_weeks
    if selectors.may_attempt("extend_beyond_maximum", role):
        return _("Mentors may extend by up to %(weeks)s weeks in total; as a coordinator you may go further.") % {"weeks": weeks}
    return _("You may extend by up to %(weeks)s weeks in total; for more, ask a coordinator.") % {"weeks": weeks}


@require_http_methods(["GET", "POST"])
@mentorship_view
def mentorship_extend(request, mentorship, role):
    require_may(role, "extend")
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_extend(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The mentorship now ends on %(date)s.") % {"date": mentorship.ends_on})
            return redirect(mentorship)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Extend the mentorship"),
                     submit=_("Extend"),
                     intro=_("It currently ends on %(date)s. The final evaluation moves with the end.")
                     % {"date": mentorship.ends_on} + " " + extension_limit_text(mentorship, role))


@require_http_methods(["GET", "POST"])
@mentorship_view
def early_end(request, mentorship, role):
    """The mentor or mentee asks to end early; a coordinator may end it directly."""
    can = selectors.mentorship_capabilities(mentorship=mentorship, role=role)
    if not (selectors.may_attempt("end_early", role) or selectors.may_attempt("request_early_end", role)):
        raise PermissionDenied
    ends_directly = selectors.may_attempt("end_early", role)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if ends_directly:
                services.mentorship_end_early(mentorship=mentorship, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The mentorship has ended early. Both people were told."))
            else:
                services.early_end_request(mentorship=mentorship, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Your request was sent to the program's coordinators."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(mentorship)
    if ends_directly:
        title, submit = _("End this mentorship early"), _("End the mentorship")
        intro = _("Both people will be told by email. This cannot be undone.")
    else:
        title, submit = _("Ask to end the mentorship early"), _("Send the request")
        intro = _("A coordinator of the program reads your reason and confirms. Until then, nothing changes.")
    return form_page(request, mentorship=mentorship, role=role, form=form, title=title, submit=submit, intro=intro, can=can)


@require_http_methods(["GET", "POST"])
@mentorship_view
def early_end_decide(request, mentorship, role, request_pk):
    require_may(role, "confirm_early_end")
    end_request = selectors.early_end_request_get(mentorship=mentorship, pk=request_pk)
    form = EarlyEndDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "confirm":
                services.early_end_confirm(request=end_request, actor=request.user, note=note)
                messages.success(request, _("The mentorship has ended early. Both people were told."))
            else:
                services.early_end_decline(request=end_request, actor=request.user, note=note)
                messages.success(request, _("The request was declined; the mentorship continues."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.POST.get("next") == "overview":
                return redirect("mentoring:cohort_overview", cohort_pk=mentorship.cohort_id)
            return redirect(mentorship)
    return form_page(
        request, mentorship=mentorship, role=role, form=form, title=_("Decide on the early end"), submit=_("Decide"),
        intro=_("%(name)s asked to end this mentorship early. Talk with both people before you decide.")
        % {"name": end_request.requested_by.get_full_name()},
        quote=end_request.reason,
    )
