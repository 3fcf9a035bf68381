"""Reads for mentoring pages: permission-scoped, with their related rows, in constant queries."""
from ..models import cohort_settings
from .access import (
    COORDINATOR,
    action_item_get,
    coordinated_cohorts_with_mentorships,
    early_end_request_get,
    goal_get,
    may_read_evaluation,
    meeting_get,
    mentorship_get_for_user,
    mentorship_role,
    mentorships_for_user,
    program_get_for_coordinator,
)
from .alumni import Alumnus, alumni_for_program
from .capabilities import Capabilities, capability_check, may_attempt, mentorship_capabilities
from .capacity import (
    capacity_left,
    cohort_places_left,
    cohorts_with_places_left,
    enrollments_with_places_left,
    room_left,
)
from .dashboard import cohort_overview, dashboard_for
from .pages import (
    agreement_of,
    calendar_feed_owner,
    calendar_meetings_for,
    check_ins_for,
    evaluations_for,
    goal_page,
    meeting_page,
    mentor_offer_for,
    mentorship_page,
    next_cohorts_by_program,
    volunteer_offer_text,
    volunteer_url,
)
from .statistics import program_statistics

__all__ = [
    "Capabilities", "capability_check", "cohort_settings", "may_attempt", "mentorship_capabilities",
    "COORDINATOR", "Alumnus", "agreement_of", "action_item_get", "alumni_for_program", "calendar_feed_owner",
    "calendar_meetings_for", "capacity_left", "check_ins_for", "cohort_overview", "cohort_places_left",
    "cohorts_with_places_left", "coordinated_cohorts_with_mentorships", "dashboard_for",
    "early_end_request_get", "enrollments_with_places_left", "evaluations_for", "goal_get", "goal_page",
    "may_read_evaluation", "meeting_get", "meeting_page", "mentor_offer_for", "mentorship_get_for_user",
    "mentorship_page", "mentorship_role", "mentorships_for_user", "next_cohorts_by_program",
    "program_get_for_coordinator", "program_statistics", "room_left", "volunteer_offer_text", "volunteer_url",
]
