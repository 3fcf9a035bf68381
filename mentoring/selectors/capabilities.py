"""Who may do what on a mentorship, and when: the one capability table.

Each action names the roles that may ask for it and a rule about the mentorship's state. The services
enforce by calling `capability_check` inside their locked transaction; views and templates read
`mentorship_capabilities(...)` (`can.extend`, `can.close`, ...) and never test a role themselves.
So a button is on the page exactly when the service would accept the click.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ..deadlines import evaluation_is_open, evaluation_opens_on, evaluation_stages, today
from ..models import Closure, EarlyEndRequest, Evaluation, Mentorship, MentorshipExtension, Role, Stage, cohort_settings
from .access import COORDINATOR, mentorship_role

S = Mentorship.Status
MENTOR, MENTEE = Role.MENTOR.value, Role.MENTEE.value
PARTICIPANTS = (MENTOR, MENTEE)
EVERYONE = (MENTOR, MENTEE, COORDINATOR)
FINALS = {(Stage.FINAL.value, "about_mentee"), (Stage.FINAL.value, "about_mentor")}


class InvalidTransition(ValidationError):
    """The mentorship cannot go from its current status to the one asked for."""


@dataclass(frozen=True)
class Facts:
    """What the rules need besides the mentorship row (loaded once per page or per locked service call)."""

    evaluations: frozenset = frozenset()  # {(stage, direction)} already sent
    closed_roles: frozenset = frozenset()
    pending_early_end: bool = False
    extended_days: int = 0  # extensions so far, in days

    @property
    def both_finals_sent(self) -> bool:
        return FINALS <= self.evaluations


class LoadedFacts:
    """The same facts read from the database on first use (a service asks only what its rule needs)."""

    def __init__(self, mentorship: Mentorship):
        self.mentorship = mentorship

    @cached_property
    def evaluations(self):
        return frozenset(Evaluation.objects.filter(mentorship=self.mentorship).values_list("stage", "direction"))

    @cached_property
    def closed_roles(self):
        return frozenset(Closure.objects.filter(mentorship=self.mentorship).values_list("role", flat=True))

    @cached_property
    def pending_early_end(self):
        return EarlyEndRequest.objects.filter(mentorship=self.mentorship, status=EarlyEndRequest.Status.PENDING).exists()

    @cached_property
    def extended_days(self):
        return extended_days(
            MentorshipExtension.objects.filter(mentorship=self.mentorship).values_list("previous_ends_on", "new_ends_on")
        )

    both_finals_sent = Facts.both_finals_sent


def facts_for(mentorship: Mentorship) -> LoadedFacts:
    return LoadedFacts(mentorship)


def extended_days(extensions) -> int:
    """Days added by extensions so far, from (previous end, new end) pairs."""
    return sum((new - previous).days for previous, new in extensions)


def transition_refused(mentorship: Mentorship, target: str) -> InvalidTransition:
    return InvalidTransition(
        _("This mentorship is “%(current)s”; it cannot become “%(target)s”.")
        % {"current": S(mentorship.status).label, "target": S(target).label},
        code="invalid_transition",
    )


# --- the rules about state: None when allowed, else the error the service raises ------------------


def _to(target):
    def rule(m, role, facts, on, **params):
        return None if m.can_become(target) else transition_refused(m, target)
    return rule


def _resume(m, role, facts, on, **params):
    # "Resume" only ever means paused → active; activating a proposed pair is another verb.
    return None if m.status == S.PAUSED else transition_refused(m, S.ACTIVE)


def _activate(m, role, facts, on, **params):
    return None if m.status == S.PROPOSED else transition_refused(m, S.ACTIVE)


def _finish_checks(m, facts, on):
    if on < m.starts_on:
        return ValidationError(_("A mentorship cannot be completed before it starts (%(date)s).") % {"date": m.starts_on},
                               code="not_started")
    if not facts.both_finals_sent:
        return ValidationError(
            _("A mentorship is completed after both final evaluations are sent (or it ends early with a coordinator)."),
            code="finals_missing",
        )
    return None


def _complete(m, role, facts, on, **params):
    if not m.can_become(S.COMPLETED):
        return transition_refused(m, S.COMPLETED)
    return _finish_checks(m, facts, on)


def _close(m, role, facts, on, **params):
    if m.status not in (S.ACTIVE, S.PAUSED):
        return ValidationError(_("Only a running mentorship can be closed."), code="not_running")
    if role in facts.closed_roles:
        return ValidationError(_("You already closed this mentorship."), code="already_closed")
    return _finish_checks(m, facts, on)


def _open(m, role, facts, on, **params):
    if not m.is_open:
        return ValidationError(_("This mentorship has ended; it can no longer be changed."), code="finished")
    return None


def _extend(m, role, facts, on, new_ends_on=None, **params):
    if not m.is_open:
        return ValidationError(_("A finished mentorship cannot be extended."), code="finished")
    limit = cohort_settings(m.cohort).max_extension_weeks
    # Without a date: could this person extend by at least a day?
    asked_days = 1 if new_ends_on is None else (new_ends_on - m.ends_on).days
    if new_ends_on is not None and new_ends_on <= m.ends_on:
        return ValidationError(_("The new end must be after the current end (%(date)s).") % {"date": m.ends_on},
                               code="not_later")
    if not may_attempt("extend_beyond_maximum", role) and facts.extended_days + asked_days > limit * 7:
        latest = m.ends_on + dt.timedelta(days=max(limit * 7 - facts.extended_days, 0))
        return ValidationError(
            _("Mentorships in this cohort may be extended by up to %(weeks)s weeks in total (here: until %(date)s). "
              "For more, ask a coordinator.") % {"weeks": limit, "date": latest},
            code="extension_limit",
        )
    return None


def _request_early_end(m, role, facts, on, **params):
    if not m.can_become(S.ENDED_EARLY):
        return transition_refused(m, S.ENDED_EARLY)
    if facts.pending_early_end:
        return ValidationError(_("A request to end this mentorship early is already waiting for a coordinator."),
                               code="pending")
    return None


def _confirm_early_end(m, role, facts, on, **params):
    if not facts.pending_early_end:
        return ValidationError(_("This request was already decided."), code="decided")
    return _to(S.ENDED_EARLY)(m, role, facts, on)


def _evaluate(m, role, facts, on, stage=None, **params):
    stages = [stage] if stage else evaluation_stages(m.cohort)
    if stage and stage not in evaluation_stages(m.cohort):
        return ValidationError(_("This cohort has no initial evaluation."), code="no_such_stage")
    direction = "about_mentee" if role == MENTOR else "about_mentor"
    if all((s, direction) in facts.evaluations for s in stages):
        return ValidationError(_("You already sent this evaluation."), code="already_sent")
    if m.status not in (S.ACTIVE, S.PAUSED):
        return ValidationError(_("Evaluations are written while the mentorship runs."), code="not_running")
    if not any(evaluation_is_open(m, s, on=on) and (s, direction) not in facts.evaluations for s in stages):
        if stage:
            return ValidationError(_("This evaluation opens on %(date)s.") % {"date": evaluation_opens_on(m, stage)},
                                   code="not_open")
        return ValidationError(_("No evaluation is open yet."), code="not_open")
    return None


def _running(m, role, facts, on, **params):
    if m.status not in (S.ACTIVE, S.PAUSED):
        return ValidationError(_("Check-ins are for running mentorships."), code="not_running")
    return None


def _always(m, role, facts, on, **params):
    return None


# action: (who may ask, the rule about state)
ACTIONS = {
    "activate": (EVERYONE, _activate),
    "pause": (EVERYONE, _to(S.PAUSED)),
    "resume": (EVERYONE, _resume),
    "complete": ((COORDINATOR,), _complete),
    "close": (PARTICIPANTS, _close),
    "extend": ((MENTOR, COORDINATOR), _extend),
    # Beyond the cohort's maximum only a coordinator extends (their decision is the approval).
    "extend_beyond_maximum": ((COORDINATOR,), _open),
    "set_dates": ((COORDINATOR,), _open),
    "end_early": ((COORDINATOR,), _to(S.ENDED_EARLY)),
    "request_early_end": (PARTICIPANTS, _request_early_end),
    "confirm_early_end": ((COORDINATOR,), _confirm_early_end),
    "evaluate": (PARTICIPANTS, _evaluate),
    "schedule_meeting": (PARTICIPANTS, _open),
    "change_meeting": (PARTICIPANTS, _open),
    "cancel_meeting": (PARTICIPANTS, _always),
    "write_meeting_notes": (PARTICIPANTS, _always),
    "add_action_item": (PARTICIPANTS, _open),
    "edit_agreement": (PARTICIPANTS, _open),
    "accept_agreement": (PARTICIPANTS, _open),
    "add_goal": ((MENTEE,), _open),
    "edit_goal": ((MENTEE,), _open),
    "comment_on_goal": (PARTICIPANTS, _always),
    "check_in": ((MENTEE,), _running),
    "update_action_items": (PARTICIPANTS, _always),
    "subscribe_calendar": (PARTICIPANTS, _always),
    "read_closures": ((COORDINATOR,), _always),
    "set_alumni_consent": ((MENTEE,), _always),
    "see_cohort_overview": ((COORDINATOR,), _always),
}


def capability_refusal(action: str, *, mentorship: Mentorship, role: str | None, facts: Facts, on: dt.date | None = None,
                       **params) -> Exception | None:
    """Why `role` may not do `action` now (PermissionDenied or a ValidationError), or None when it may."""
    roles, rule = ACTIONS[action]
    if role not in roles:
        return PermissionDenied(_("You cannot do this in this mentorship."))
    return rule(mentorship, role, facts, on or today(), **params)


def capability_check(action: str, *, mentorship: Mentorship, actor, facts: Facts | None = None, on=None, **params) -> str:
    """For services, inside their locked transaction: the actor's role, or raise the refusal."""
    role = mentorship_role(user=actor, mentorship=mentorship) if actor is not None else None
    if role not in ACTIONS[action][0]:
        raise PermissionDenied(_("You cannot do this in this mentorship."))
    refusal = capability_refusal(action, mentorship=mentorship, role=role, facts=facts or facts_for(mentorship), on=on,
                                 **params)
    if refusal is not None:
        raise refusal
    return role


class Capabilities(dict):
    """`can.extend`, `can.close`, ... for templates; `can.evaluate_midpoint` / `can.evaluate_final` per stage."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def mentorship_capabilities(*, user=None, mentorship: Mentorship, role: str | None = None, facts: Facts | None = None,
                            on: dt.date | None = None) -> Capabilities:
    """Everything this person may do on this mentorship now: the same rules the services enforce."""
    if role is None:
        role = mentorship_role(user=user, mentorship=mentorship)
    facts = facts if facts is not None else facts_for(mentorship)
    on = on or today()
    refusals = {action: capability_refusal(action, mentorship=mentorship, role=role, facts=facts, on=on) for action in ACTIONS}
    for stage in Stage.values:
        refusals[f"evaluate_{stage}"] = capability_refusal(
            "evaluate", mentorship=mentorship, role=role, facts=facts, on=on, stage=stage,
        )
    can = Capabilities((action, refusal is None) for action, refusal in refusals.items())
    # Why an action a role may ask for is not possible now, for the page to say (not for forbidden roles).
    can["why_not"] = {
        action: " ".join(refusal.messages) for action, refusal in refusals.items()
        if isinstance(refusal, ValidationError)
    }
    can["role"] = role
    can["raise_concern"] = may_raise_concern(role=role)
    return can


def may_raise_concern(*, role: str | None) -> bool:
    """The two participants may tell the program's coordinators privately that something worries them."""
    return role in (Role.MENTOR, Role.MENTEE)


def may_attempt(action: str, role: str | None) -> bool:
    """Whether this role may ask for the action at all (views answer 403 otherwise; the service says why not now)."""
    return role in ACTIONS[action][0]
