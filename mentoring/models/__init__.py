"""Mentoring models: the pair and its life cycle, the work they do together, evaluations and closure."""
from .concerns import Concern
from .evaluations import Closure, Direction, Evaluation, EvaluationAnswer, EvaluationQuestion, Stage
from .mentorship import (
    CohortMentoringSettings,
    EarlyEndRequest,
    Mentorship,
    MentorshipEvent,
    MentorshipExtension,
    MentorshipQuerySet,
    Role,
    cohort_settings,
)
from .work import ActionItem, Agreement, CalendarFeed, CheckIn, Goal, GoalComment, Meeting, MeetingPrivateNote

__all__ = [
    "ActionItem", "Agreement", "CalendarFeed", "CheckIn", "Closure", "Concern", "CohortMentoringSettings", "Direction",
    "EarlyEndRequest", "Evaluation", "EvaluationAnswer", "EvaluationQuestion", "Goal", "GoalComment", "Meeting",
    "MeetingPrivateNote", "Mentorship", "MentorshipEvent", "MentorshipExtension", "MentorshipQuerySet", "Role", "Stage",
    "cohort_settings",
]
