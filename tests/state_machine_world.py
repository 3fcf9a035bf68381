"""The world the state machine (tests/test_state_machine.py) plays in, built through the services.

One coordinator runs two programs: an internship with two fixed-date cohorts of one season (A and B,
sharing the per-season application limit) and an open-all-year mentoring cohort (R) that takes direct
requests. Three mentors, four applicants and an outsider who has no role anywhere. Every date is
relative to START, so that the clock the machine moves decides the phase.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accounts.tests.factories import SkillFactory, UserFactory, make_mentee, make_mentor
from mentor_requests import services as request_services
from programs import services as program_services
from programs.models import Cohort, ProgramKind
from programs.tests.factories import CohortFactory, ProgramFactory, QuestionFactory

START = dt.datetime(2027, 1, 11, 12, 0, tzinfo=dt.UTC)
SEASON = "2027-spring"
REQUEST_TEXT = {
    "about_me": "PhD student in ecology.", "experience": "R scripts for my lab.",
    "learning_goals": "Package my scripts.", "why_you": "You maintain R packages.", "hours_per_week": 4,
}


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def fixed_cohort_fields(*, name: str, max_mentees: int | None, season_limit: int | None) -> dict:
    """Accepting now, closing in 10 days, reviews for 5 more, six-week mentorships from day 20 to day 62
    (short, so that random clock steps reach the evaluations and the closure)."""
    return {
        "name": name, "season": SEASON, "max_mentees": max_mentees, "max_applications_per_season": season_limit,
        "applications_open_at": START - days(5), "applications_close_at": START + days(10),
        "review_deadline": START + days(15), "starts_on": (START + days(20)).date(),
        "ends_on": (START + days(62)).date(), "midpoint_evaluation_due": (START + days(41)).date(),
        "final_evaluation_due": (START + days(60)).date(),
    }


@dataclass
class World:
    coordinator: object
    outsider: object
    cohort_a: Cohort
    cohort_b: Cohort
    cohort_r: Cohort
    mentors: list = field(default_factory=list)
    applicants: list = field(default_factory=list)

    @property
    def fixed_cohorts(self) -> list[Cohort]:
        return [self.cohort_a, self.cohort_b]

    @property
    def cohorts(self) -> list[Cohort]:
        return [self.cohort_a, self.cohort_b, self.cohort_r]

    @property
    def people(self) -> list:
        return [self.coordinator, self.outsider, *self.mentors, *self.applicants]


def build_world(*, capacities: list[int], approved: list[bool], submitted: list[bool], max_mentees: int | None = None,
                season_limit: int | None = None, seed_run: bool = False) -> World:
    """Mentors volunteer and are decided, applicants apply and submit: all through the services."""
    coordinator = UserFactory()
    outsider = UserFactory()
    python = SkillFactory(name="Python")
    internship = ProgramFactory(kind=ProgramKind.INTERNSHIP, coordinators=[coordinator])
    mentoring = ProgramFactory(kind=ProgramKind.MENTORING, coordinators=[coordinator])
    cohort_a = CohortFactory(program=internship, **fixed_cohort_fields(
        name="A", max_mentees=max_mentees, season_limit=season_limit))
    cohort_b = CohortFactory(program=internship, **fixed_cohort_fields(
        name="B", max_mentees=max_mentees, season_limit=season_limit))
    cohort_r = CohortFactory(
        program=mentoring, name="R", rolling=True, applications_open_at=START - days(60), applications_close_at=None,
        review_deadline=None, starts_on=(START - days(60)).date(), ends_on=(START + days(400)).date(),
        midpoint_evaluation_due=None, final_evaluation_due=None, max_mentees=max_mentees,
    )
    for cohort in (cohort_a, cohort_b):
        QuestionFactory(cohort=cohort, prompt="What have you built?", required=True)
    world = World(coordinator=coordinator, outsider=outsider, cohort_a=cohort_a, cohort_b=cohort_b, cohort_r=cohort_r)
    for i, (capacity, ok) in enumerate(zip(capacities, approved, strict=True)):
        mentor = make_mentor(name=f"Mentor {i}", skills=[python])
        world.mentors.append(mentor)
        for cohort in (cohort_a, cohort_r):
            enrollment = program_services.mentor_enrollment_request(mentor=mentor, cohort=cohort, capacity=capacity)
            if ok:
                program_services.mentor_enrollment_decide(enrollment=enrollment, approve=True, actor=coordinator)
    for i, submit in enumerate(submitted):
        applicant = make_mentee(name=f"Applicant {i}", interests=[python])
        world.applicants.append(applicant)
        if submit:
            application, _created = program_services.application_start(applicant=applicant, cohort=cohort_a)
            question = cohort_a.questions.get()
            program_services.application_save(
                application=application, actor=applicant, data={"goals": "Learn packaging."},
                answers={question.pk: f"Tool number {i}."}, preferences=[],
            )
            program_services.application_submit(application=application, actor=applicant)
    if seed_run:  # a finished matching run, so that the machine can confirm from its first step
        from matching import services as matching_services

        run, _created = matching_services.run_request(cohort=cohort_a, actor=coordinator)
        matching_services.run_execute(run_id=run.pk)
    return world


def send_request(*, mentee, mentor, cohort):
    return request_services.request_send(mentee=mentee, mentor=mentor, cohort=cohort, **REQUEST_TEXT)
