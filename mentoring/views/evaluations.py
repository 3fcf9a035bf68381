"""Evaluations, closure, alumni consent, and the completed mentee who becomes a mentor."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import hooks, selectors, services
from ..deadlines import evaluation_due_on
from ..forms import ClosureForm, EvaluationForm
from ..models import Closure, Direction, Evaluation, Mentorship, Role, Stage
from .common import form_page, mentorship_view, render_page, require_may


@require_GET
@mentorship_view
def evaluation_list(request, mentorship, role):
    return render_page(
        request, "mentoring/evaluation_list.html", mentorship=mentorship, role=role,
        evaluations=selectors.evaluations_for(mentorship=mentorship, role=role),
        hidden_from_mentor=role == Role.MENTOR and not selectors.may_read_evaluation(
            mentorship=mentorship, role=role, direction=Direction.ABOUT_MENTOR),
    )


@require_http_methods(["GET", "POST"])
@mentorship_view
def evaluation_submit(request, mentorship, role, stage):
    if stage not in Stage.values:
        raise Http404
    require_may(role, "evaluate")
    direction = Direction.written_by(role)
    if Evaluation.objects.filter(mentorship=mentorship, stage=stage, direction=direction).exists():
        messages.info(request, _("You already sent this evaluation. Thank you!"))
        return redirect("mentoring:evaluation_list", pk=mentorship.pk)
    can = selectors.mentorship_capabilities(mentorship=mentorship, role=role)
    # Reading the page writes nothing: a cohort without its own questions shows the defaults unsaved.
    questions = services.evaluation_questions_for(cohort=mentorship.cohort, stage=stage, direction=direction)
    ask_completion = stage == Stage.FINAL and direction == Direction.ABOUT_MENTEE
    form = EvaluationForm(request.POST or None, questions=questions, ask_completion=ask_completion,
                          extra_fields=hooks.evaluation_extra_fields(mentorship=mentorship, stage=stage, direction=direction))
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(mentorship=mentorship, actor=request.user, stage=stage, answers=form.answers(),
                                       mentee_completed=form.mentee_completed(), extra=form.extra())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you! Your evaluation was sent."))
            return redirect("mentoring:evaluation_list", pk=mentorship.pk)
    other = mentorship.mentee if role == Role.MENTOR else mentorship.mentor
    stage_label = Stage(stage).label
    due = evaluation_due_on(mentorship, stage)
    if role == Role.MENTEE and not selectors.may_read_evaluation(mentorship=mentorship, role=Role.MENTOR,
                                                                  direction=Direction.ABOUT_MENTOR):
        privacy = _("Only the program's coordinators read your answers; your mentor does not see them.")
    elif role == Role.MENTEE:
        privacy = _("The program's coordinators and your mentor read your answers.")
    else:
        privacy = _("The program's coordinators and your mentee read your answers.")
    return form_page(
        request, mentorship=mentorship, role=role, form=form,
        title=_("%(stage)s evaluation of %(name)s") % {"stage": stage_label, "name": other.get_full_name()},
        submit=_("Send the evaluation"),
        intro=_("Due on %(date)s. You can send it once.") % {"date": due.isoformat()} + " " + privacy,
        not_now=can.why_not.get(f"evaluate_{stage}", ""), can=can,
    )


@require_http_methods(["GET", "POST"])
@mentorship_view
def closure(request, mentorship, role):
    require_may(role, "close")
    existing = Closure.objects.filter(mentorship=mentorship, role=role).first()
    if existing is not None:
        messages.info(request, _("You already closed this mentorship. Thank you!"))
        return redirect(mentorship)
    can = selectors.mentorship_capabilities(mentorship=mentorship, role=role)
    form = ClosureForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_submit(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if mentorship.status == Mentorship.Status.COMPLETED:
                messages.success(request, _("You have both closed the mentorship: it is completed. Congratulations!"))
            else:
                messages.success(request, _("Thank you. The mentorship is completed when the other person closes too."))
            return redirect(mentorship)
    return form_page(
        request, mentorship=mentorship, role=role, form=form, title=_("Close the mentorship"), submit=_("Close"),
        intro=_("Look back on what you achieved together, what you would do differently, and say thank you. "
                "Your reflection is read by the program's coordinators; your thank-you note goes to the other person."),
        not_now=can.why_not.get("close", ""), can=can,
    )


@require_POST
@mentorship_view
def alumni_consent(request, mentorship, role):
    require_may(role, "set_alumni_consent")
    own = Closure.objects.filter(mentorship=mentorship, role=Role.MENTEE, author=request.user).first()
    if own is None:
        raise Http404
    listed = request.POST.get("listed") == "1"
    services.alumni_consent_set(closure=own, actor=request.user, listed=listed)
    messages.success(request, _("You are listed on the program page.") if listed else _("You are no longer listed."))
    return redirect(mentorship)


@login_required
@require_POST
def become_mentor(request):
    """“Yes, I'd like to mentor”: turn on mentoring in the profile, then go and volunteer."""
    services.mentor_offer_accept(user=request.user)  # PermissionDenied (403) unless they completed a mentorship
    messages.success(request, _("Wonderful! Your profile now says you want to mentor."))
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if next_url and safe:
        return redirect(next_url)
    return redirect("accounts:dashboard")
