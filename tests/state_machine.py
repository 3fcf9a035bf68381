"""The state machine of tests/test_state_machine.py (its docstring lists the rules and invariants)."""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter

import time_machine
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from matching import services as matching
from matching.models import MatchProposal, MatchRun, PairRule
from mentor_requests import services as requests
from mentor_requests.models import MentorshipRequest
from mentoring import services as mentoring
from mentoring.models import EarlyEndRequest, Mentorship, Stage
from mentoring.selectors import mentorship_capabilities
from notifications.reminders import scan_due
from programs import services as programs
from programs.models import Application, Cohort, MentorEnrollment

from .state_machine_invariants import Ledger, on
from .state_machine_world import START, send_request

EXAMPLES = int(os.environ.get("STATE_MACHINE_EXAMPLES", "200"))
STEPS = int(os.environ.get("STATE_MACHINE_STEPS", "25"))
REFUSED = (ValidationError, PermissionDenied, Http404)
OUTCOMES: Counter = Counter()  # what the rules did, printed with STATE_MACHINE_STATS=1 (to tune the depth)
DECISIONS = [Application.Status.ACCEPTED, Application.Status.WAITLISTED, Application.Status.DECLINED]
index = st.integers(min_value=0, max_value=7)
# Mostly the right person; sometimes someone with no business there.
right_or_outsider = st.sampled_from(["right", "right", "right", "outsider"])
PARTICIPANT_CHOICES = ["mentor", "mentee", "mentor", "mentee", "coordinator", "outsider"]
participant = st.sampled_from(PARTICIPANT_CHOICES)


def event(text):
    if currently_in_test_context():  # the example tests below replay rules outside Hypothesis
        hypothesis_event(text)


def having(what):
    """Only when there is something to act on: a step spent on nothing is a step lost."""
    return precondition(lambda self: self.ledger is not None and self.ledger.counts[what] > 0)


def at_most(times, what):
    """The costly steps (a matching run, the due scan) a few times per example, so that the budget holds."""
    return precondition(lambda self: self.costly[what] < times)


def pick(rows, i):
    return rows[i % len(rows)] if rows else None


class WholePath(RuleBasedStateMachine):
    def __init__(self, world):
        super().__init__()
        cache.clear()
        self.world = world
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._clock = time_machine.travel(START, tick=False)
        self._clock.start()
        self.ledger = None
        self.costly = Counter()

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------------

    def _do(self, name, call, *, outsider=False):
        """Call a service in its own savepoint, as one request would. Refusals are fine."""
        self.done = False
        try:
            with transaction.atomic():
                result = call()
        except REFUSED:
            event(f"{name}: refused")
            OUTCOMES[f"{name}: refused"] += 1
            return None
        except ObjectDoesNotExist:  # a service that crashes on a row that went away instead of refusing
            if on("crash"):
                raise
            event(f"{name}: crashed")
            OUTCOMES[f"{name}: crashed"] += 1
            return None
        event(f"{name}: done")
        OUTCOMES[f"{name}: done"] += 1
        self.done = True
        assert not (outsider and on("outsider")), f"outsider: a person with no role could {name}"
        return result

    def _on_mentorship(self, name, action, mentorship, actor, call, *, outsider, exact=True):
        """Call a mentorship service and compare with what the page offers (the capability table it reads):
        the service never does what the page hides, and (exact) never refuses what the page offers."""
        fresh = Mentorship.objects.select_related("cohort__program", "cohort__mentoring_settings").get(pk=mentorship.pk)
        offered = mentorship_capabilities(user=actor, mentorship=fresh)[action]
        self._do(name, call, outsider=outsider)
        if on("capabilities"):
            assert offered or not self.done, f"capabilities: the page hides {action} but the service did it ({name})"
            assert not exact or self.done or not offered, f"capabilities: the page offers {action}, the service refused"

    def _actor(self, who, right):
        return self.world.outsider if who == "outsider" else right

    def _mentorship_actor(self, mentorship, who):
        return {"mentor": mentorship.mentor, "mentee": mentorship.mentee, "coordinator": self.world.coordinator,
                "outsider": self.world.outsider}[who]

    def _applications(self):
        return list(Application.objects.select_related("cohort__program", "applicant__profile").order_by("pk"))

    def _mentorships(self):
        return list(Mentorship.objects.select_related("cohort__program", "mentor", "mentee").order_by("pk"))

    def _runs(self, cohort):
        return list(MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.DONE).select_related(
            "cohort__program").order_by("pk"))

    # --- the world -------------------------------------------------------------------------------

    @initialize(max_mentees=st.integers(1, 3), season_limit=st.integers(1, 2))
    def configure(self, max_mentees, season_limit):
        """The cohort's settings, as a site admin set them up before anyone acted."""
        Cohort.objects.filter(pk__in=[c.pk for c in self.world.cohorts]).update(
            max_mentees=max_mentees, max_applications_per_season=season_limit)
        for cohort in self.world.cohorts:
            cohort.refresh_from_db()
        self.ledger = Ledger(self.world)

    @invariant()
    def invariants_hold(self):
        if self.ledger is not None:
            self.ledger.check()

    # --- the clock -------------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 7, 20, 40]))
    def clock(self, days):
        later = timezone.now() + dt.timedelta(days=days)
        self._clock.stop()
        self._clock = time_machine.travel(later, tick=False)
        self._clock.start()

    @having("mentorship")
    @rule(ms=index, share=st.sampled_from([0, 40, 50, 85, 100]), day_before=st.booleans())
    def clock_to_milestone(self, ms, share, day_before):
        """Move the clock to a share of a pair's span (its start, the evaluation windows, its end), or the day
        before: the boundaries where a rule about dates is most likely wrong."""
        mentorship = pick(self._mentorships(), ms)
        day = mentorship.starts_on + dt.timedelta(days=(mentorship.ends_on - mentorship.starts_on).days * share // 100)
        target = dt.datetime.combine(day - dt.timedelta(days=int(day_before)), dt.time(12), tzinfo=dt.UTC)
        if target > timezone.now():
            self._clock.stop()
            self._clock = time_machine.travel(target, tick=False)
            self._clock.start()

    # --- applications ----------------------------------------------------------------------------

    @rule(applicant=index, cohort=st.integers(0, 1))
    def apply(self, applicant, cohort):
        person = pick(self.world.applicants, applicant)
        self._do("apply", lambda: programs.application_start(applicant=person, cohort=self.world.fixed_cohorts[cohort]))

    @rule(app=index, goals=st.booleans(), answer=st.booleans(), who=right_or_outsider)
    def save(self, app, goals, answer, who):
        application = pick(self._applications(), app)
        if application is None:
            return
        actor = self._actor(who, application.applicant)
        question = application.cohort.questions.first()
        answers = {question.pk: "A tool I built." if answer else ""} if question else {}
        data = {"goals": "Learn packaging." if goals else ""}
        self._do(f"save {application.status}", lambda: programs.application_save(
            application=application, actor=actor, data=data, answers=answers, preferences=[]),
            outsider=who == "outsider")

    @rule(app=index, who=right_or_outsider)
    def submit(self, app, who):
        application = pick(self._applications(), app)
        if application is not None:
            actor = self._actor(who, application.applicant)
            self._do("submit", lambda: programs.application_submit(application=application, actor=actor),
                     outsider=who == "outsider")

    @rule(app=index, who=right_or_outsider)
    def withdraw(self, app, who):
        application = pick(self._applications(), app)
        if application is not None:
            actor = self._actor(who, application.applicant)
            self._do("withdraw", lambda: programs.application_withdraw(application=application, actor=actor),
                     outsider=who == "outsider")

    @rule(app=index, mentor=index)
    def review(self, app, mentor):
        application = pick(self._applications(), app)
        if application is not None:
            reviewer = pick(self.world.mentors, mentor)
            self._do("review", lambda: programs.review_submit(
                application=application, reviewer=reviewer, scores={}, recommendation="yes"))

    @rule(app=index, decision=st.sampled_from(DECISIONS), who=right_or_outsider)
    def decide(self, app, decision, who):
        application = pick(self._applications(), app)
        if application is not None:
            actor = self._actor(who, self.world.coordinator)
            self._do(f"decide {decision}", lambda: programs.application_decide(
                application=application, status=decision, actor=actor), outsider=who == "outsider")

    @rule(apps=st.sets(index, min_size=1, max_size=4), decision=st.sampled_from(DECISIONS), who=right_or_outsider)
    def decide_bulk(self, apps, decision, who):
        rows = self._applications()
        chosen = list({pick(rows, i).pk: pick(rows, i) for i in apps if rows}.values())
        if chosen:
            actor = self._actor(who, self.world.coordinator)
            self._do(f"decide bulk {decision}", lambda: programs.applications_decide_bulk(
                applications=chosen, status=decision, actor=actor), outsider=who == "outsider")

    # --- mentors ---------------------------------------------------------------------------------

    @rule(mentor=index, cohort=st.integers(0, 2), capacity=st.integers(1, 3))
    def volunteer(self, mentor, cohort, capacity):
        person = pick(self.world.mentors, mentor)
        self._do("volunteer", lambda: programs.mentor_enrollment_request(
            mentor=person, cohort=self.world.cohorts[cohort], capacity=capacity))

    @rule(enrollment=index, approve=st.booleans(), who=right_or_outsider)
    def approve_mentor(self, enrollment, approve, who):
        row = pick(list(MentorEnrollment.objects.select_related("cohort").order_by("pk")), enrollment)
        actor = self._actor(who, self.world.coordinator)
        self._do("approve mentor" if approve else "decline mentor", lambda: programs.mentor_enrollment_decide(
            enrollment=row, approve=approve, actor=actor), outsider=who == "outsider")

    @rule(enrollment=index)
    def withdraw_mentor(self, enrollment):
        row = pick(list(MentorEnrollment.objects.order_by("pk")), enrollment)
        self._do("withdraw mentor", lambda: programs.mentor_enrollment_withdraw(enrollment=row, actor=row.mentor))

    # --- matching --------------------------------------------------------------------------------

    @at_most(3, "run")
    @rule(cohort=st.integers(0, 1), who=right_or_outsider)
    def run_matching(self, cohort, who):
        self.costly["run"] += 1
        actor = self._actor(who, self.world.coordinator)

        def run():
            run, _created = matching.run_request(cohort=self.world.fixed_cohorts[cohort], actor=actor)
            matching.run_execute(run_id=run.pk)  # what the worker does; tasks are not queued inside a test
            return run

        self._do("run matching", run, outsider=who == "outsider")

    @having("proposal")
    @rule(cohort=st.integers(0, 1), older=st.booleans(), proposal=index, enrollment=index, keep=st.booleans())
    def swap(self, cohort, older, proposal, enrollment, keep):
        runs = self._runs(self.world.fixed_cohorts[cohort])
        run = pick(runs, 0 if older else -1)
        row = pick(list(MatchProposal.objects.filter(run=run).order_by("pk")) if run else [], proposal)
        target = pick(list(MentorEnrollment.objects.filter(cohort=self.world.fixed_cohorts[cohort]).order_by("pk")),
                      enrollment)
        if row is not None and target is not None:
            self._do("swap", lambda: matching.proposal_swap(
                proposal=row, enrollment_id=target.pk, actor=self.world.coordinator, keep=keep))

    @rule(app=index, enrollment=index, kind=st.sampled_from(PairRule.Kind.values), who=right_or_outsider)
    def pair_rule(self, app, enrollment, kind, who):
        application = pick(self._applications(), app)
        target = pick(list(MentorEnrollment.objects.order_by("pk")), enrollment)
        if application is not None and target is not None:
            actor = self._actor(who, self.world.coordinator)
            self._do(f"pair rule {kind}", lambda: matching.pair_rule_set(
                cohort=application.cohort, application_id=application.pk, enrollment_id=target.pk, kind=kind,
                actor=actor), outsider=who == "outsider")

    @having("proposal")
    @rule(cohort=st.integers(0, 1), older=st.booleans(), how=st.sampled_from(["one", "some", "all"]),
          proposals=st.sets(index, min_size=1, max_size=3), who=right_or_outsider)
    def confirm(self, cohort, older, how, proposals, who):
        run = pick(self._runs(self.world.fixed_cohorts[cohort]), 0 if older else -1)
        if run is None:
            return
        actor = self._actor(who, self.world.coordinator)
        rows = list(MatchProposal.objects.filter(run=run, enrollment__isnull=False).order_by("pk"))
        ids = sorted({pick(rows, i).pk for i in proposals}) if rows else []
        name = f"confirm {how} ({'older' if older else 'latest'} run)"
        if how == "one" and ids:
            self._do(name, lambda: matching.proposal_confirm(proposal_id=ids[0], actor=actor),
                     outsider=who == "outsider")
        elif how == "some" and ids:
            self._do(name, lambda: matching.proposals_confirm(run=run, actor=actor, proposal_ids=ids),
                     outsider=who == "outsider")
        elif how == "all":
            self._do(name, lambda: matching.proposals_confirm(run=run, actor=actor), outsider=who == "outsider")

    @having("proposal")
    @rule(how=st.sampled_from(["one", "all"]), proposals=st.sets(index, min_size=1, max_size=1))
    def confirm_latest(self, how, proposals):
        """The common case, listed a second time so that random sequences reach mentorships more often."""
        self.confirm(cohort=0, older=False, how=how, proposals=proposals, who="right")

    @rule(app=index, enrollment=index, who=right_or_outsider)
    def pair_by_hand(self, app, enrollment, who):
        application = pick(self._applications(), app)
        if application is None:
            return
        target = pick(list(MentorEnrollment.objects.filter(cohort=application.cohort_id).order_by("pk")), enrollment)
        if target is not None:
            actor = self._actor(who, self.world.coordinator)
            self._do("pair by hand", lambda: matching.application_pair_by_hand(
                cohort=application.cohort, application_id=application.pk, enrollment_id=target.pk, actor=actor),
                outsider=who == "outsider")

    # --- direct requests -------------------------------------------------------------------------

    @rule(mentee=index, mentor=index)
    def request(self, mentee, mentor):
        person = pick(self.world.applicants, mentee)
        self._do("request send", lambda: send_request(
            mentee=person, mentor=pick(self.world.mentors, mentor), cohort=self.world.cohort_r))

    @having("request")
    @rule(req=index, accept=st.booleans(), who=st.sampled_from(["right", "right", "right", "mentee", "outsider"]))
    def answer_request(self, req, accept, who):
        row = pick(list(MentorshipRequest.objects.select_related("cohort__program").order_by("pk")), req)
        if row is None:
            return
        actor = {"right": row.mentor, "mentee": row.mentee, "outsider": self.world.outsider}[who]
        verb = requests.request_accept if accept else requests.request_decline
        self._do("request accept" if accept else "request decline", lambda: verb(request=row, actor=actor),
                 outsider=who != "right")

    @having("request")
    @rule(req=index)
    def withdraw_request(self, req):
        row = pick(list(MentorshipRequest.objects.order_by("pk")), req)
        if row is not None:
            self._do("request withdraw", lambda: requests.request_withdraw(request=row, actor=row.mentee))

    @having("pending")
    @rule()
    def expire_requests(self):
        self._do("requests expire", lambda: requests.requests_expire(now=timezone.now()))

    @having("pending")
    @at_most(2, "scan")
    @rule()
    def due_scan(self):
        self.costly["scan"] += 1
        now = timezone.now()
        self._do("due scan", lambda: scan_due(now=now))
        overdue = list(MentorshipRequest.objects.filter(status=MentorshipRequest.Status.PENDING, expires_at__lte=now)
                       .values_list("pk", flat=True))
        assert not overdue or not on("due_scan"), f"due_scan: requests {overdue} are still pending after their answer-by time"

    # --- mentorships -----------------------------------------------------------------------------

    @having("mentorship")
    @rule(ms=index, who=participant, in_days=st.integers(-3, 20))
    def meeting(self, ms, who, in_days):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is not None:
            actor = self._mentorship_actor(mentorship, who)
            starts_at = timezone.now() + dt.timedelta(days=in_days)
            self._on_mentorship("meeting", "schedule_meeting", mentorship, actor, lambda: mentoring.meeting_schedule(
                mentorship=mentorship, actor=actor, starts_at=starts_at), outsider=who in ("outsider", "coordinator"))

    @having("mentorship")
    @rule(ms=index, stage=st.sampled_from(Stage.values), who=st.sampled_from(["both", "both", *PARTICIPANT_CHOICES]))
    def evaluate(self, ms, stage, who):
        """One side's evaluation, or both sides' ("both": two requests in one step, to reach closure sooner)."""
        mentorship = pick(self._mentorships(), ms)
        for side in ("mentor", "mentee") if who == "both" else (who,):
            actor = self._mentorship_actor(mentorship, side)

            def submit(actor=actor):
                role = "mentor" if actor.pk == mentorship.mentor_id else "mentee"
                direction = "about_mentee" if role == "mentor" else "about_mentor"
                questions = mentoring.evaluation_questions_ensure(
                    cohort=mentorship.cohort, stage=stage, direction=direction)
                answers = {q.pk: 4 if q.kind == "rating" else "Going well." for q in questions}
                return mentoring.evaluation_submit(mentorship=mentorship, actor=actor, stage=stage, answers=answers,
                                                   mentee_completed=True)

            self._on_mentorship(f"evaluate {stage}", f"evaluate_{stage}", mentorship, actor, submit,
                                outsider=side in ("outsider", "coordinator"))

    @having("mentorship")
    @rule(ms=index, who=participant, by=st.sampled_from(["week", "five weeks", "four months", "forever"]))
    def extend(self, ms, who, by):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is None:
            return
        actor = self._mentorship_actor(mentorship, who)
        room = (dt.date.max - mentorship.ends_on).days
        new_end = dt.date.max if by == "forever" else mentorship.ends_on + dt.timedelta(
            days=min(room, {"week": 7, "five weeks": 35, "four months": 120}[by]))
        self._on_mentorship(f"extend {by}", "extend", mentorship, actor, lambda: mentoring.mentorship_extend(
            mentorship=mentorship, actor=actor, new_ends_on=new_end, reason="More time for the release."),
            outsider=who in ("outsider", "mentee"), exact=False)  # the page offers Extend; the length may be refused

    @having("mentorship")
    @rule(ms=index, who=participant)
    def ask_to_end_early(self, ms, who):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is not None:
            actor = self._mentorship_actor(mentorship, who)
            self._on_mentorship("early end request", "request_early_end", mentorship, actor, lambda: mentoring.early_end_request(
                mentorship=mentorship, actor=actor, reason="We cannot meet."), outsider=who in ("outsider", "coordinator"))

    @having("mentorship")
    @rule(req=index, confirm=st.booleans(), who=right_or_outsider)
    def decide_early_end(self, req, confirm, who):
        row = pick(list(EarlyEndRequest.objects.select_related("mentorship").order_by("pk")), req)
        if row is None:
            return
        actor = self._actor(who, self.world.coordinator)
        verb = mentoring.early_end_confirm if confirm else mentoring.early_end_decline
        self._do("early end confirm" if confirm else "early end decline", lambda: verb(request=row, actor=actor),
                 outsider=who == "outsider")

    @having("mentorship")
    @rule(ms=index, who=participant)
    def end_early(self, ms, who):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is not None:
            actor = self._mentorship_actor(mentorship, who)
            self._on_mentorship("end early", "end_early", mentorship, actor, lambda: mentoring.mentorship_end_early(
                mentorship=mentorship, actor=actor, reason="The mentee left."), outsider=who != "coordinator")

    @having("mentorship")
    @rule(ms=index, who=participant, pause=st.booleans())
    def pause_or_resume(self, ms, who, pause):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is not None:
            actor = self._mentorship_actor(mentorship, who)
            verb = mentoring.mentorship_pause if pause else mentoring.mentorship_resume
            self._on_mentorship("pause" if pause else "resume", "pause" if pause else "resume", mentorship, actor,
                                lambda: verb(mentorship=mentorship, actor=actor), outsider=who == "outsider")

    @having("mentorship")
    @rule(ms=index, who=st.sampled_from(["both", "both", *PARTICIPANT_CHOICES]))
    def close(self, ms, who):
        mentorship = pick(self._mentorships(), ms)
        for side in ("mentor", "mentee") if who == "both" else (who,):
            actor = self._mentorship_actor(mentorship, side)
            self._on_mentorship("close", "close", mentorship, actor, lambda actor=actor: mentoring.closure_submit(
                mentorship=mentorship, actor=actor, achieved="We shipped a release.", thank_you="Thanks!"),
                outsider=side in ("outsider", "coordinator"))

    @having("mentorship")
    @rule(ms=index, who=participant)
    def complete(self, ms, who):
        mentorship = pick(self._mentorships(), ms)
        if mentorship is not None:
            actor = self._mentorship_actor(mentorship, who)
            self._on_mentorship("complete", "complete", mentorship, actor,
                                lambda: mentoring.mentorship_complete(mentorship=mentorship, actor=actor),
                                outsider=who != "coordinator")
