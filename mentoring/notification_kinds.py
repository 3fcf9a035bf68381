from django.utils.translation import gettext_lazy as _

from notifications import kinds

MENTORSHIP_STARTED = kinds.register(
    "mentorship_started", _("A new mentorship starts"), "mentoring/emails/mentorship_started",
)
EARLY_END_REQUESTED = kinds.register(
    "mentorship_early_end_requested", _("Requests to end a mentorship early (coordinators)"),
    "mentoring/emails/early_end_requested",
)
EARLY_END_CONFIRMED = kinds.register(
    "mentorship_early_end_confirmed", _("Your mentorship ended early"), "mentoring/emails/early_end_confirmed",
)
MENTORSHIP_CLOSED = kinds.register(
    "mentorship_closed", _("Your mentorship is completed (with thank-you notes)"), "mentoring/emails/mentorship_closed",
)
MEETING_UPDATE = kinds.register(
    "meeting_update", _("Meetings scheduled, moved or cancelled (with a calendar file)"), "mentoring/emails/meeting_update",
)
AGREEMENT_WAITING = kinds.register(
    "agreement_waiting", _("Your mentorship agreement waits for your acceptance"), "mentoring/emails/agreement_waiting",
)
MENTORSHIP_DATES = kinds.register(
    "mentorship_dates", _("Your mentorship's dates changed (extensions)"), "mentoring/emails/mentorship_dates",
)
EARLY_END_DECLINED = kinds.register(
    "mentorship_early_end_declined", _("A coordinator answered a request to end early: carry on"),
    "mentoring/emails/early_end_declined",
)
CLOSURE_WAITING = kinds.register(
    "closure_waiting", _("The other person closed your mentorship: your turn"), "mentoring/emails/closure_waiting",
)
MENTORSHIP_STATUS = kinds.register(
    "mentorship_status", _("Your mentorship paused, resumed, started or completed by someone else"),
    "mentoring/emails/mentorship_status",
)
CONCERN_RAISED = kinds.register(
    "concern_raised", _("A concern raised in your program (coordinators)"), "mentoring/emails/concern_raised",
)
CONCERN_REPLY = kinds.register(
    "concern_reply", _("Replies to a concern you raised"), "mentoring/emails/concern_reply",
)
