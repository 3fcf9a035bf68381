"""Verbs for mentorships: every write goes through one of these (views, admin, tasks and tests alike)."""
from ..selectors.capabilities import InvalidTransition
from ..selectors.capacity import capacity_left, cohort_places_left, room_left
from .evaluations import (
    DEFAULT_QUESTIONS,
    alumni_consent_set,
    closure_submit,
    evaluation_questions_ensure,
    evaluation_questions_for,
    evaluation_submit,
    mentor_offer_accept,
)
from .lifecycle import (
    CapacityFull,
    CohortFull,
    early_end_confirm,
    early_end_decline,
    early_end_request,
    mentorship_activate,
    mentorship_complete,
    mentorship_create,
    mentorship_dates_set,
    mentorship_end_early,
    mentorship_extend,
    mentorship_pause,
    mentorship_resume,
    transition,
)
from .work import (
    action_item_add,
    action_item_set_done,
    agreement_accept,
    agreement_save,
    calendar_feed_get_or_create,
    calendar_feed_regenerate,
    calendar_feed_revoke,
    check_in_submit,
    goal_comment_add,
    goal_create,
    goal_update,
    meeting_cancel,
    meeting_notes_save,
    meeting_schedule,
    meeting_update,
    private_note_save,
)

__all__ = [
    "DEFAULT_QUESTIONS", "CapacityFull", "CohortFull", "InvalidTransition", "action_item_add",
    "action_item_set_done", "agreement_accept", "agreement_save", "alumni_consent_set",
    "calendar_feed_get_or_create", "calendar_feed_regenerate", "calendar_feed_revoke", "capacity_left",
    "check_in_submit", "cohort_places_left", "closure_submit", "early_end_confirm", "early_end_decline",
    "early_end_request", "evaluation_questions_ensure", "evaluation_questions_for", "evaluation_submit", "goal_comment_add",
    "goal_create", "goal_update", "meeting_cancel", "meeting_notes_save", "meeting_schedule",
    "meeting_update", "mentor_offer_accept", "mentorship_activate", "mentorship_complete",
    "mentorship_create", "mentorship_dates_set", "mentorship_end_early", "mentorship_extend",
    "mentorship_pause", "mentorship_resume", "private_note_save", "room_left", "transition",
]
