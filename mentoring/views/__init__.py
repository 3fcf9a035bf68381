"""Mentoring pages. Thin: load through a permission-checking selector, call a service, render or redirect."""
from .calendar import calendar_feed, calendar_settings
from .coordinator import cohort_overview, program_statistics
from .evaluations import alumni_consent, become_mentor, closure, evaluation_list, evaluation_submit
from .mentorships import (
    early_end,
    early_end_decide,
    mentorship_dates,
    mentorship_detail,
    mentorship_extend,
    mentorship_list,
    mentorship_transition,
)
from .work import (
    action_item_create,
    action_item_done,
    agreement,
    agreement_accept,
    agreement_edit,
    check_in_create,
    check_in_list,
    goal_create,
    goal_detail,
    goal_edit,
    meeting_cancel,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_notes,
    meeting_private_note,
)

__all__ = [
    "action_item_create", "action_item_done", "agreement", "agreement_accept", "agreement_edit", "alumni_consent",
    "become_mentor", "calendar_feed", "calendar_settings", "check_in_create", "check_in_list", "closure",
    "cohort_overview", "early_end", "early_end_decide", "evaluation_list", "evaluation_submit", "goal_create",
    "goal_detail", "goal_edit", "meeting_cancel", "meeting_create", "meeting_detail", "meeting_edit", "meeting_ics",
    "meeting_notes", "meeting_private_note", "mentorship_dates", "mentorship_detail", "mentorship_extend",
    "mentorship_list", "mentorship_transition", "program_statistics",
]
