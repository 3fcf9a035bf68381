"""The verbs of matching. Views, admin actions, tasks and tests call these."""
from .config import matching_settings_get, matching_settings_update
from .pairing import application_pair_by_hand
from .proposals import (
    ConfirmResult,
    MentorOption,
    confirmable_proposals,
    mentor_options,
    options_for,
    pair_rule_remove,
    pair_rule_set,
    proposal_confirm,
    proposal_swap,
    proposals_confirm,
    proposals_confirm_in_background,
)
from .runs import dispatch_run, run_execute, run_request, runs_reap_stuck
from .staleness import (
    recompute_if_stale,
    runs_mark_stale,
    runs_recompute_due,
    schedule_recompute,
    staleness_suppressed,
)

__all__ = [
    "ConfirmResult", "application_pair_by_hand", "options_for",
    "MentorOption", "confirmable_proposals", "dispatch_run", "matching_settings_get",
    "matching_settings_update", "mentor_options", "pair_rule_remove", "pair_rule_set", "proposal_confirm",
    "proposal_swap", "proposals_confirm", "proposals_confirm_in_background",
    "recompute_if_stale", "run_execute", "run_request", "runs_mark_stale",
    "runs_reap_stuck", "runs_recompute_due", "schedule_recompute", "staleness_suppressed",
]
