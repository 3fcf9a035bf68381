"""The verbs of the programs app. Each checks who may do it and in which state, in one transaction.

Views, admin actions, tasks and other apps import them from here.
"""
from .applications import (
    EDITABLE_FIELDS,
    IncompleteApplication,
    InvalidTransition,
    application_decide,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
    applications_decide_bulk,
    missing_required,
    missing_required_answers,
    season_application_count,
)
from .enrollments import (
    mentor_enrollment_decide,
    mentor_enrollment_request,
    mentor_enrollment_withdraw,
    register_places_taken,
)
from .review_numbers import review_numbers_refresh
from .reviews import review_submit, weighted_score

__all__ = [
    "EDITABLE_FIELDS", "IncompleteApplication", "InvalidTransition", "application_decide", "application_save",
    "application_start", "application_submit", "application_withdraw", "applications_decide_bulk",
    "mentor_enrollment_decide", "mentor_enrollment_request", "mentor_enrollment_withdraw", "missing_required",
    "missing_required_answers", "register_places_taken",
    "review_numbers_refresh", "review_submit", "season_application_count", "weighted_score",
]
