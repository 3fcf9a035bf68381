"""Agreement, goals, meetings (notes, private notes, action items, .ics) and check-ins."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..calendar import meeting_ics as build_meeting_ics
from ..forms import (
    ActionItemForm,
    AgreementForm,
    CheckInForm,
    GoalCommentForm,
    GoalForm,
    MeetingForm,
    MeetingNotesForm,
    PrivateNoteForm,
)
from ..models import Role
from .common import flash_errors, form_page, mentorship_view, render_page, require_may

# --- Agreement ---------------------------------------------------------------------------------


@require_GET
@mentorship_view
def agreement(request, mentorship, role):
    current = selectors.agreement_of(mentorship)
    can = selectors.mentorship_capabilities(mentorship=mentorship, role=role)
    if current is None and can.edit_agreement:
        return redirect("mentoring:agreement_edit", pk=mentorship.pk)
    return render_page(request, "mentoring/agreement.html", mentorship=mentorship, role=role, agreement=current, can=can,
                       i_accepted_agreement=bool(current and role in Role.values and current.accepted_at(role)))


@require_http_methods(["GET", "POST"])
@mentorship_view
def agreement_edit(request, mentorship, role):
    require_may(role, "edit_agreement")
    current = selectors.agreement_of(mentorship)
    form = AgreementForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The agreement is saved. Now each of you reads and accepts it."))
            return redirect("mentoring:agreement", pk=mentorship.pk)
    intro = _("Agree on how you work together: how often you meet, how you keep in touch, what each of you expects, "
              "and what the mentee wants to achieve.")
    if current is not None and (current.mentor_accepted_at or current.mentee_accepted_at):
        intro += " " + _("Changing it asks both of you to accept it again.")
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Goals and expectations"),
                     submit=_("Save the agreement"), intro=intro)


@require_POST
@mentorship_view
def agreement_accept(request, mentorship, role):
    require_may(role, "accept_agreement")
    try:
        services.agreement_accept(mentorship=mentorship, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("You accepted the agreement."))
    return redirect("mentoring:agreement", pk=mentorship.pk)


# --- Goals ---------------------------------------------------------------------------------------


def _goal_kwargs(form):
    data = dict(form.cleaned_data)
    data["skills"] = list(data.get("skills") or [])
    return data


@require_http_methods(["GET", "POST"])
@mentorship_view
def goal_create(request, mentorship, role):
    require_may(role, "add_goal")
    form = GoalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(mentorship=mentorship, actor=request.user, **_goal_kwargs(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect(mentorship)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Add a goal"), submit=_("Add goal"),
                     intro=_("A goal you can reach during the mentorship, with the skills it builds."))


@require_http_methods(["GET", "POST"])
@mentorship_view
def goal_detail(request, mentorship, role, goal_pk):
    goal = selectors.goal_get(mentorship=mentorship, pk=goal_pk)
    form = GoalCommentForm(request.POST or None)
    if request.method == "POST":
        require_may(role, "comment_on_goal")
        if form.is_valid():
            try:
                services.goal_comment_add(goal=goal, actor=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Comment added."))
                return redirect("mentoring:goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return render_page(request, "mentoring/goal_detail.html", mentorship=mentorship, role=role, goal=goal, form=form,
                       **selectors.goal_page(goal=goal))


@require_http_methods(["GET", "POST"])
@mentorship_view
def goal_edit(request, mentorship, role, goal_pk):
    require_may(role, "edit_goal")
    goal = selectors.goal_get(mentorship=mentorship, pk=goal_pk)
    form = GoalForm(request.POST or None, instance=goal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, actor=request.user, **_goal_kwargs(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("mentoring:goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Edit the goal"), submit=_("Save goal"))


# --- Meetings ------------------------------------------------------------------------------------


def _tz_name() -> str:
    return str(timezone.get_current_timezone())


@require_http_methods(["GET", "POST"])
@mentorship_view
def meeting_create(request, mentorship, role):
    require_may(role, "schedule_meeting")
    form = MeetingForm(request.POST or None, tz_name=_tz_name())
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting scheduled. Add it to your calendar from its page."))
            return redirect("mentoring:meeting_detail", pk=mentorship.pk, meeting_pk=meeting.pk)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Schedule a meeting"),
                     submit=_("Schedule"), intro=_("Write the agenda now, so you both come prepared."))


@require_GET
@mentorship_view
def meeting_detail(request, mentorship, role, meeting_pk):
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    context = selectors.meeting_page(meeting=meeting, user=request.user)
    private_note = context["private_note"]
    return render_page(
        request, "mentoring/meeting_detail.html", mentorship=mentorship, role=role, meeting=meeting, **context,
        notes_form=MeetingNotesForm(initial={"notes": meeting.notes}),
        private_form=PrivateNoteForm(initial={"body": private_note.body if private_note else ""}),
        action_form=ActionItemForm(initial={"owner_role": Role.MENTEE}),
    )


@require_http_methods(["GET", "POST"])
@mentorship_view
def meeting_edit(request, mentorship, role, meeting_pk):
    require_may(role, "change_meeting")
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    form = MeetingForm(request.POST or None, instance=meeting, tz_name=_tz_name())
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=selectors.meeting_get(mentorship=mentorship, pk=meeting_pk), actor=request.user,
                                    **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting saved. Calendars that subscribe to your feed update by themselves."))
            return redirect("mentoring:meeting_detail", pk=mentorship.pk, meeting_pk=meeting.pk)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Change the meeting"), submit=_("Save"))


def _back_to_meeting(mentorship, meeting):
    return redirect("mentoring:meeting_detail", pk=mentorship.pk, meeting_pk=meeting.pk)


@require_POST
@mentorship_view
def meeting_notes(request, mentorship, role, meeting_pk):
    require_may(role, "write_meeting_notes")
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    form = MeetingNotesForm(request.POST)
    if form.is_valid():
        services.meeting_notes_save(meeting=meeting, actor=request.user, notes=form.cleaned_data["notes"])
        messages.success(request, _("Shared notes saved."))
    else:
        messages.error(request, _("The notes could not be saved."))
    return _back_to_meeting(mentorship, meeting)


@require_POST
@mentorship_view
def meeting_private_note(request, mentorship, role, meeting_pk):
    require_may(role, "write_meeting_notes")
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        services.private_note_save(meeting=meeting, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Private notes saved. Only you can read them."))
    else:
        messages.error(request, _("The notes could not be saved."))
    return _back_to_meeting(mentorship, meeting)


@require_POST
@mentorship_view
def meeting_cancel(request, mentorship, role, meeting_pk):
    require_may(role, "cancel_meeting")
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    services.meeting_cancel(meeting=meeting, actor=request.user)
    messages.success(request, _("The meeting is cancelled."))
    return _back_to_meeting(mentorship, meeting)


@require_POST
@mentorship_view
def action_item_create(request, mentorship, role, meeting_pk):
    require_may(role, "add_action_item")
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Action item added."))
    else:
        messages.error(request, _("Say what needs to be done and who does it."))
    return _back_to_meeting(mentorship, meeting)


@require_POST
@mentorship_view
def action_item_done(request, mentorship, role, item_pk):
    require_may(role, "update_action_items")
    item = selectors.action_item_get(mentorship=mentorship, pk=item_pk)
    services.action_item_set_done(item=item, actor=request.user, done=request.POST.get("done") == "1")
    next_url = request.POST.get("next", "")
    if next_url == "meeting" and item.meeting_id:
        return redirect("mentoring:meeting_detail", pk=mentorship.pk, meeting_pk=item.meeting_id)
    return redirect(mentorship)


@require_GET
@mentorship_view
def meeting_ics(request, mentorship, role, meeting_pk):
    meeting = selectors.meeting_get(mentorship=mentorship, pk=meeting_pk)
    response = HttpResponse(build_meeting_ics(meeting, for_user=request.user), content_type="text/calendar; charset=utf-8")
    stamp = meeting.starts_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="mentoring-meeting-{stamp}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Check-ins -----------------------------------------------------------------------------------


@require_GET
@mentorship_view
def check_in_list(request, mentorship, role):
    return render_page(request, "mentoring/check_in_list.html", mentorship=mentorship, role=role,
                       check_ins=selectors.check_ins_for(mentorship=mentorship))


@require_http_methods(["GET", "POST"])
@mentorship_view
def check_in_create(request, mentorship, role):
    require_may(role, "check_in")
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_submit(mentorship=mentorship, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you for checking in. Your mentor can read it."))
            return redirect("mentoring:check_in_list", pk=mentorship.pk)
    return form_page(request, mentorship=mentorship, role=role, form=form, title=_("Check in"), submit=_("Send check-in"),
                     intro=_("Two minutes: what moved forward, what is in the way, and how you feel. "
                             "Your mentor and the program's coordinators read it."))
