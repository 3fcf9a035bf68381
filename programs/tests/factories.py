"""Factories and scenario builders for programs: a whole cohort with mentors and applicants."""
from dataclasses import dataclass, field
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from programs.models import (
    Answer,
    Application,
    ApplicationQuestion,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
    Program,
    ProgramKind,
    QuestionKind,
    ReviewCriterion,
)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    kind = ProgramKind.INTERNSHIP
    summary = "Paid remote internships in open science."
    description = "## About\n\nWork on **real** projects."
    contact_email = "team@example.org"
    published = True

    @factory.post_generation
    def coordinators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinators.set(extracted)


class CohortFactory(factory.django.DjangoModelFactory):
    """By default: accepting applications now, closing in 10 days, running in 40."""

    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    review_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    starts_on = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=40)).date())
    ends_on = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=130)).date())
    midpoint_evaluation_due = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=85)).date())
    final_evaluation_due = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=128)).date())


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationQuestion

    cohort = factory.SubFactory(CohortFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.LONG_TEXT
    required = True
    order = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorEnrollment

    cohort = factory.SubFactory(CohortFactory)
    mentor = factory.LazyFunction(lambda: make_mentor(name="Volunteer Mentor"))
    capacity = 2
    status = ApprovalStatus.APPROVED
    offer = "Weekly calls and code review."


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.LazyFunction(lambda: make_mentee(name="Applicant"))
    status = Application.Status.SUBMITTED
    goals = "Learn to maintain a scientific Python package."
    motivation = "I use these tools every day in my research."
    hours_per_week = 6
    submitted_at = factory.LazyFunction(timezone.now)


@dataclass
class CohortScenario:
    cohort: Cohort
    coordinator: object
    mentors: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    criteria: list = field(default_factory=list)


def cohort_scenario(*, mentors: int = 2, applications: int = 3, **cohort_fields) -> CohortScenario:
    """A published program with a coordinator, two questions, a rubric, approved mentors and
    submitted applications that answer every question."""
    coordinator = UserFactory(email=f"coordinator{UserFactory._meta.next_sequence()}@example.org")
    program = ProgramFactory(coordinators=[coordinator])
    cohort = CohortFactory(program=program, **cohort_fields)
    questions = [
        QuestionFactory(cohort=cohort, prompt="What have you built?", kind=QuestionKind.LONG_TEXT),
        QuestionFactory(cohort=cohort, prompt="Your GitHub profile", kind=QuestionKind.URL, required=False),
    ]
    criteria = [
        CriterionFactory(cohort=cohort, name="Motivation", weight=2),
        CriterionFactory(cohort=cohort, name="Experience", weight=1),
    ]
    scenario = CohortScenario(cohort=cohort, coordinator=coordinator, questions=questions, criteria=criteria)
    for i in range(mentors):
        enrollment = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name=f"Mentor {i}"))
        scenario.mentors.append(enrollment.mentor)
    for i in range(applications):
        application = ApplicationFactory(cohort=cohort, applicant=make_mentee(name=f"Applicant {i}"))
        Answer.objects.create(application=application, question=questions[0], value=f"I built tool number {i}.")
        scenario.applications.append(application)
    return scenario
