"""The invariants the state machine checks after every step, written from the issue, not from the code.

`Ledger.check()` reads the database (a dozen queries, whatever the number of rows) and compares it with
what it saw after the previous step, so that it can judge what changed in this step: new mentorships,
new evaluations, status changes and the event rows they left. Each rule fails with its own message
(and its own line), so that Hypothesis reports and shrinks each broken rule separately.

Set STATE_MACHINE_IGNORE=capacity,cohort_max,... to switch some off while hunting for the others.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from matching.models import MatchProposal, PairRule
from mentor_requests.models import MentorshipRequest
from mentoring.models import Evaluation, Mentorship, MentorshipEvent, MentorshipExtension
from programs.models import Answer, Application, ApplicationEvent, ApplicationQuestion, ApprovalStatus, MentorEnrollment

IGNORE = {name.strip() for name in os.environ.get("STATE_MACHINE_IGNORE", "").split(",") if name.strip()}

A = Application.Status
M = Mentorship.Status
R = MentorshipRequest.Status
P = MatchProposal.Status
E = ApprovalStatus

# The allowed transitions, as the issue and the product describe them (not copied from the models).
APPLICATION_MOVES = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.UNDER_REVIEW, A.ACCEPTED, A.WAITLISTED, A.DECLINED, A.WITHDRAWN},
    A.UNDER_REVIEW: {A.ACCEPTED, A.WAITLISTED, A.DECLINED, A.WITHDRAWN},
    A.WAITLISTED: {A.ACCEPTED, A.DECLINED, A.WITHDRAWN},
    A.ACCEPTED: {A.WITHDRAWN},
}
MENTORSHIP_MOVES = {
    M.PROPOSED: {M.ACTIVE, M.ENDED_EARLY},
    M.ACTIVE: {M.PAUSED, M.COMPLETED, M.ENDED_EARLY},
    M.PAUSED: {M.ACTIVE, M.COMPLETED, M.ENDED_EARLY},
}
REQUEST_MOVES = {R.PENDING: {R.ACCEPTED, R.DECLINED, R.EXPIRED, R.WITHDRAWN}}
PROPOSAL_MOVES = {P.PROPOSED: {P.OVERRIDDEN, P.CONFIRMED}, P.OVERRIDDEN: {P.CONFIRMED}}
ENROLLMENT_MOVES = {
    E.PENDING: {E.APPROVED, E.DECLINED, E.WITHDRAWN},
    E.APPROVED: {E.DECLINED, E.WITHDRAWN},
    E.DECLINED: {E.APPROVED, E.PENDING, E.WITHDRAWN},
    E.WITHDRAWN: {E.PENDING},
}
HOLDING = (M.PROPOSED, M.ACTIVE, M.PAUSED)
COUNTED = (A.SUBMITTED, A.UNDER_REVIEW, A.ACCEPTED, A.WAITLISTED, A.DECLINED)  # a season's applications
COMPLETE_REQUIRED = (A.SUBMITTED, A.UNDER_REVIEW, A.WAITLISTED, A.ACCEPTED)
DEFAULT_EXTENSION_MAX_DAYS = 35  # Outreachy: 1 to 5 weeks. A cohort setting replaces it once there is one.


def on(name: str) -> bool:
    return name not in IGNORE


def utc_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date()


def site_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment, timezone.get_default_timezone())


# --- Hooks into services that are being written on the fix branches: used when they exist. ---------


def waiting_for_a_mentor(cohort_id: int) -> set[int]:
    """Application ids listed as "accepted, no mentor yet" (the dashboard's list and the hand-pairing page)."""
    from matching.pool import accepted_without_mentor

    return set(accepted_without_mentor(cohort_id).values_list("pk", flat=True))


def evaluation_opens_on(mentorship: Mentorship, stage: str) -> dt.date:
    """The earliest day an evaluation may be sent: the product's own window (the cohort's share of the pair's
    span), and in any case a midpoint evaluation waits for the start and a final one for the middle."""
    from mentoring.deadlines import evaluation_opens_on as window_opens_on

    span = mentorship.ends_on - mentorship.starts_on
    floor = mentorship.starts_on if stage == "midpoint" else mentorship.starts_on + span / 2
    return max(window_opens_on(mentorship, stage), floor)


def extension_max_days(mentorship: Mentorship) -> int:
    from mentoring.models import cohort_settings

    config = cohort_settings(mentorship.cohort)
    for name in ("extension_max_days", "max_extension_days"):
        if getattr(config, name, None) is not None:
            return int(getattr(config, name))
    weeks = getattr(config, "extension_max_weeks", None) or getattr(config, "max_extension_weeks", None)
    return int(weeks) * 7 if weeks is not None else DEFAULT_EXTENSION_MAX_DAYS


def max_open_requests() -> int:
    return getattr(settings, "MENTORSHIP_REQUEST_MAX_OPEN", 3)


# --- The ledger ----------------------------------------------------------------------------------


class Ledger:
    def __init__(self, world):
        self.world = world
        self.coordinators = {world.coordinator.pk}
        self.statuses: dict[str, dict[int, str]] = {}
        self.capacities: dict[int, int] = {}
        self.last = {"mentorship": 0, "evaluation": 0, "app_event": 0, "ms_event": 0}
        self.check()

    # Each check raises AssertionError with a message naming the invariant.
    def check(self):
        enrollments = list(MentorEnrollment.objects.values_list("pk", "cohort_id", "mentor_id", "capacity", "status"))
        mentorships = list(Mentorship.objects.order_by("pk").values_list(
            "pk", "cohort_id", "mentor_id", "mentee_id", "status", "starts_on", "ends_on", "completed_at",
            "created_at", "application_id", "cohort__rolling", "cohort__max_mentees",
        ))
        applications = list(Application.objects.values_list("pk", "cohort_id", "applicant_id", "status", "cohort__season",
                                                            "cohort__max_applications_per_season"))
        new_mentorships = [m for m in mentorships if m[0] > self.last["mentorship"]]
        statuses = {
            "application": {a[0]: a[3] for a in applications},
            "mentorship": {m[0]: m[4] for m in mentorships},
            "enrollment": {e[0]: e[4] for e in enrollments},
            "request": dict(MentorshipRequest.objects.values_list("pk", "status")),
            "proposal": dict(MatchProposal.objects.values_list("pk", "status")),
        }
        self._capacity(enrollments, mentorships)
        self._cohort_max(mentorships)
        self._pair_rules(new_mentorships)
        self._accepted_are_paired(applications, mentorships)
        self._completion(mentorships)
        self._evaluations()
        self._extensions()
        self._limits(applications)
        self._submitted_complete()
        self._rolling_dates(new_mentorships)
        self._transitions(statuses)
        self._events(statuses)
        self.statuses = statuses
        self.capacities = {e[0]: e[3] for e in enrollments}
        if mentorships:
            self.last["mentorship"] = mentorships[-1][0]
        self.counts = {
            "mentorship": len(mentorships), "proposal": len(statuses["proposal"]), "request": len(statuses["request"]),
            "pending": sum(1 for status in statuses["request"].values() if status == R.PENDING),
        }

    def _capacity(self, enrollments, mentorships):
        held = Counter((m[1], m[2]) for m in mentorships if m[4] in HOLDING)
        for pk, cohort_id, mentor_id, capacity, _status in enrollments:
            n = held[(cohort_id, mentor_id)]
            if n <= capacity:
                continue
            if on("capacity_lowered") and self.capacities.get(pk, capacity) > capacity:
                raise AssertionError(f"capacity_lowered: enrollment {pk} was lowered to {capacity} below its {n} mentees")
            if on("capacity"):
                raise AssertionError(f"capacity: mentor {mentor_id} holds {n} places in cohort {cohort_id}, capacity {capacity}")

    def _cohort_max(self, mentorships):
        if not on("cohort_max"):
            return
        held = Counter(m[1] for m in mentorships if m[4] in HOLDING)
        maxima = {m[1]: m[11] for m in mentorships}
        for cohort_id, n in held.items():
            assert maxima[cohort_id] is None or n <= maxima[cohort_id], (
                f"cohort_max: cohort {cohort_id} has {n} mentorships, maximum {maxima[cohort_id]}"
            )

    def _pair_rules(self, new_mentorships):
        if not new_mentorships or not on("pair_rules"):
            return
        rules = PairRule.objects.values_list("cohort_id", "application__applicant_id", "enrollment__mentor_id", "kind")
        ruled_out = {(c, a, m) for c, a, m, kind in rules if kind == PairRule.Kind.RULED_OUT}
        locked = {(c, a): m for c, a, m, kind in rules if kind == PairRule.Kind.LOCKED}
        for pk, cohort_id, mentor_id, mentee_id, *_rest in new_mentorships:
            assert (cohort_id, mentee_id, mentor_id) not in ruled_out, (
                f"pair_rules: mentorship {pk} pairs a ruled-out pair (mentee {mentee_id}, mentor {mentor_id})"
            )
            lock = locked.get((cohort_id, mentee_id))
            assert lock in (None, mentor_id), (
                f"pair_rules: mentorship {pk} gives mentee {mentee_id} mentor {mentor_id}, but the pair is locked to {lock}"
            )

    def _accepted_are_paired(self, applications, mentorships):
        if not on("accepted_paired"):
            return
        # Paired: a running or completed mentorship. One that ended early sends the mentee back to the list.
        paired = {(m[1], m[3]) for m in mentorships if m[4] != M.ENDED_EARLY}
        waiting = {}
        for pk, cohort_id, applicant_id, status, *_rest in applications:
            if status != A.ACCEPTED or (cohort_id, applicant_id) in paired:
                continue
            if cohort_id not in waiting:
                waiting[cohort_id] = waiting_for_a_mentor(cohort_id)
            assert pk in waiting[cohort_id], (
                f"accepted_paired: accepted application {pk} has no mentor and is on no list of people waiting for one"
            )

    def _completion(self, mentorships):
        completed = [m for m in mentorships if m[4] == M.COMPLETED]
        if not completed:
            return
        finals = Counter(Evaluation.objects.filter(
            mentorship_id__in=[m[0] for m in completed], stage="final").values_list("mentorship_id", flat=True))
        for pk, _c, _mentor, _mentee, _s, starts_on, _e, completed_at, *_rest in completed:
            if on("completed_early"):
                assert utc_date(completed_at) >= starts_on, f"completed_early: mentorship {pk} completed before it started"
            if on("completed_without_finals"):
                assert finals[pk] == 2, f"completed_without_finals: mentorship {pk} completed with {finals[pk]} of 2 finals"

    def _evaluations(self):
        new = list(Evaluation.objects.filter(pk__gt=self.last["evaluation"]).select_related("mentorship__cohort"))
        for evaluation in new:
            self.last["evaluation"] = max(self.last["evaluation"], evaluation.pk)
            if not on("evaluation_window"):
                continue
            opens = evaluation_opens_on(evaluation.mentorship, evaluation.stage)
            sent = utc_date(evaluation.submitted_at)
            assert sent >= opens, (
                f"evaluation_window: {evaluation.stage} evaluation of mentorship {evaluation.mentorship_id} sent on "
                f"{sent}, its window opens on {opens}"
            )

    def _extensions(self):
        if not on("extension_max"):
            return
        unapproved = defaultdict(int)
        rows = MentorshipExtension.objects.select_related("mentorship__cohort").order_by("pk")
        mentorships = {}
        for extension in rows:
            if extension.created_by_id in self.coordinators:
                continue  # a coordinator's extension is an approved one
            if getattr(extension, "approved_by_id", None):
                continue
            mentorships[extension.mentorship_id] = extension.mentorship
            unapproved[extension.mentorship_id] += (extension.new_ends_on - extension.previous_ends_on).days
        for pk, total in unapproved.items():
            limit = extension_max_days(mentorships[pk])
            assert total <= limit, f"extension_max: mentorship {pk} extended by {total} days without approval (max {limit})"

    def _limits(self, applications):
        if on("open_requests"):
            pending = MentorshipRequest.objects.filter(status=R.PENDING).values("mentee_id").annotate(n=Count("pk"))
            for row in pending:
                assert row["n"] <= max_open_requests(), f"open_requests: mentee {row['mentee_id']} has {row['n']} pending"
        if on("season_limit"):
            per_season = Counter((a[2], a[4]) for a in applications if a[4] and a[3] in COUNTED)
            limits = {a[4]: a[5] for a in applications if a[4]}
            for (applicant_id, season), n in per_season.items():
                limit = limits[season]
                assert not limit or n <= limit, f"season_limit: applicant {applicant_id} has {n} in {season}, limit {limit}"

    def _submitted_complete(self):
        if not on("submitted_complete"):
            return
        blank_goals = Application.objects.filter(status__in=COMPLETE_REQUIRED, goals__regex=r"^\s*$")
        assert not blank_goals.exists(), f"submitted_complete: {list(blank_goals.values_list('pk', flat=True))} lost their goals"
        required = list(ApplicationQuestion.objects.filter(required=True).values_list("pk", "cohort_id"))
        answered = {(a, q) for a, q, v in Answer.objects.values_list("application_id", "question_id", "value") if v.strip()}
        for pk, cohort_id in Application.objects.filter(status__in=COMPLETE_REQUIRED).values_list("pk", "cohort_id"):
            for question_id, question_cohort in required:
                if question_cohort == cohort_id:
                    assert (pk, question_id) in answered, (
                        f"submitted_complete: application {pk} is submitted without an answer to question {question_id}"
                    )

    def _rolling_dates(self, new_mentorships):
        if not on("rolling_dates"):
            return
        for pk, *_x, starts_on, _ends, _completed, created_at, _app, rolling, _max in new_mentorships:
            if rolling:
                assert starts_on >= site_date(created_at), (
                    f"rolling_dates: mentorship {pk} in a rolling cohort starts on {starts_on}, before it was made "
                    f"({site_date(created_at)})"
                )

    def _transitions(self, statuses):
        if not on("transitions"):
            return
        tables = {"application": APPLICATION_MOVES, "mentorship": MENTORSHIP_MOVES, "request": REQUEST_MOVES,
                  "proposal": PROPOSAL_MOVES, "enrollment": ENROLLMENT_MOVES}
        for name, moves in tables.items():
            before = self.statuses.get(name, {})
            for pk, status in statuses[name].items():
                old = before.get(pk)
                if old is None or old == status:
                    continue
                assert status in moves.get(old, set()), f"transitions: {name} {pk} went from {old} to {status}"
            if name in ("mentorship", "proposal", "application"):
                gone = set(before) - set(statuses[name])
                assert not gone, f"transitions: {name} rows {sorted(gone)} disappeared"

    def _events(self, statuses):
        """Every status change of an application or a mentorship left an event row that says so."""
        app_events = list(ApplicationEvent.objects.filter(pk__gt=self.last["app_event"]).order_by("pk").values_list(
            "pk", "application_id", "from_status", "to_status", "actor_id"))
        ms_events = list(MentorshipEvent.objects.filter(
            pk__gt=self.last["ms_event"], action=MentorshipEvent.Action.STATUS,
        ).order_by("pk").values_list("pk", "mentorship_id", "from_status", "to_status", "actor_id"))
        if app_events:
            self.last["app_event"] = app_events[-1][0]
        if ms_events:
            self.last["ms_event"] = max(self.last["ms_event"], ms_events[-1][0])
        if not on("events"):
            return
        for name, events, initial in (("application", app_events, A.DRAFT), ("mentorship", ms_events, None)):
            chains = defaultdict(list)
            for _pk, obj_id, from_status, to_status, _actor in events:
                chains[obj_id].append((from_status, to_status))
            before = self.statuses.get(name, {})
            for pk, status in statuses[name].items():
                old = before.get(pk, initial)
                chain = chains.get(pk, [])
                if old is None:  # a new mentorship: it starts in the status it was created with
                    old = chain[0][0] if chain else status
                walked = old
                for from_status, to_status in chain:
                    assert from_status == walked, f"events: {name} {pk} event from {from_status}, but it was {walked}"
                    walked = to_status
                assert walked == status, (
                    f"events: {name} {pk} is {status} but its events lead from {old} to {walked} (a change without event)"
                )

