"""Factories and scenario builders for mentoring: a running cohort with a coordinated pair, and the work they do."""
import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from mentoring import services
from mentoring.models import Agreement, CheckIn, Goal, Meeting, Mentorship
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory


def running_cohort_fields(*, started_days_ago: int = 30, length_days: int = 90, today: dt.date | None = None) -> dict:
    """Dates for a cohort whose mentorships are running now (applications long closed)."""
    now = timezone.now()
    today = today or now.date()
    starts_on = today - dt.timedelta(days=started_days_ago)
    ends_on = starts_on + dt.timedelta(days=length_days)
    opened = timezone.make_aware(dt.datetime.combine(starts_on - dt.timedelta(days=40), dt.time(12)))
    return {
        "applications_open_at": opened,
        "applications_close_at": opened + dt.timedelta(days=20),
        "review_deadline": opened + dt.timedelta(days=30),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "midpoint_evaluation_due": starts_on + dt.timedelta(days=length_days // 2),
        "final_evaluation_due": ends_on - dt.timedelta(days=2),
    }


class RunningCohortFactory(CohortFactory):
    class Params:
        started_days_ago = 30

    @factory.lazy_attribute
    def applications_open_at(self):
        return running_cohort_fields(started_days_ago=self.started_days_ago)["applications_open_at"]

    applications_close_at = factory.LazyAttribute(lambda o: o.applications_open_at + dt.timedelta(days=20))
    review_deadline = factory.LazyAttribute(lambda o: o.applications_open_at + dt.timedelta(days=30))
    starts_on = factory.LazyAttribute(lambda o: running_cohort_fields(started_days_ago=o.started_days_ago)["starts_on"])
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=90))
    midpoint_evaluation_due = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=45))
    final_evaluation_due = factory.LazyAttribute(lambda o: o.ends_on - dt.timedelta(days=2))


class MentorshipFactory(factory.django.DjangoModelFactory):
    """A pair made directly (no capacity check): for lists with many rows. Use `pair()` for the real path."""

    class Meta:
        model = Mentorship

    cohort = factory.SubFactory(RunningCohortFactory)
    mentor = factory.LazyFunction(lambda: make_mentor(name="Factory Mentor"))
    mentee = factory.LazyFunction(lambda: make_mentee(name="Factory Mentee"))
    status = Mentorship.Status.ACTIVE
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.cohort.ends_on)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    mentorship = factory.SubFactory(MentorshipFactory)
    meeting_frequency = Agreement.Frequency.WEEKLY
    communication = "Chat on weekdays, a video call every Tuesday."
    mentor_expectations = "Come with an agenda."
    mentee_expectations = "Code review within a week."
    mentee_goals = "Ship my first release."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal
        skip_postgeneration_save = True

    mentorship = factory.SubFactory(MentorshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    status = Goal.Status.IN_PROGRESS
    progress = 40

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    duration_minutes = 45
    location = "https://meet.example.org/pair"
    agenda = "Review the pull request."


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    mentorship = factory.SubFactory(MentorshipFactory)
    author = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    progress = "Finished the tests."
    mood = 4


@dataclass
class Pair:
    mentorship: Mentorship
    mentor: object
    mentee: object
    coordinator: object
    cohort: object
    program: object


def pair(*, mentor_name="Mira Mentor", mentee_name="Teo Mentee", mentor_tz="UTC", mentee_tz="UTC",
         status=Mentorship.Status.ACTIVE, started_days_ago=30, **cohort_fields) -> Pair:
    """A published program with a coordinator, a running cohort, an approved mentor and a mentee,
    paired through the real service (capacity lock, emails)."""
    coordinator = UserFactory(email=f"coord{UserFactory._meta.next_sequence()}@example.org")
    program = ProgramFactory(coordinators=[coordinator])
    cohort = RunningCohortFactory(program=program, started_days_ago=started_days_ago, **cohort_fields)
    enrollment = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name=mentor_name, tz=mentor_tz))
    mentee = make_mentee(name=mentee_name, tz=mentee_tz)
    mentorship = services.mentorship_create(enrollment=enrollment, mentee=mentee, actor=coordinator, status=status)
    return Pair(mentorship, enrollment.mentor, mentee, coordinator, cohort, program)


def accepted_agreement(p: Pair) -> Agreement:
    services.agreement_save(
        mentorship=p.mentorship, actor=p.mentor, meeting_frequency=Agreement.Frequency.WEEKLY,
        communication="Chat, and a call every week.", mentee_goals="Publish the package.",
    )
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    return services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)


def send_evaluations(p: Pair, *stages: str, mentee_completed: bool = True) -> list:
    """Both people send their evaluations for these stages (their windows must be open), answering every question."""
    from mentoring.models import Direction, EvaluationQuestion, Stage

    sent = []
    for stage in stages or (Stage.MIDPOINT, Stage.FINAL):
        for person, direction in ((p.mentee, Direction.ABOUT_MENTOR), (p.mentor, Direction.ABOUT_MENTEE)):
            questions = services.evaluation_questions_for(cohort=p.cohort, stage=stage, direction=direction)
            answers = {q.key: 4 if q.kind == EvaluationQuestion.Kind.RATING else "Good." for q in questions}
            extra = {"mentee_completed": mentee_completed} if stage == Stage.FINAL and person == p.mentor else {}
            sent.append(services.evaluation_submit(mentorship=p.mentorship, actor=person, stage=stage, answers=answers,
                                                   **extra))
    return sent


# A pair near its end: both evaluation windows are open (final opens at 85 % of the 90 days).
NEAR_THE_END = 80
