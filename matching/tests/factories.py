"""Factories and scenario builders for matching tests."""
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from accounts.tests.factories import SkillFactory, make_mentee, make_mentor
from matching.models import MatchingSettings, MatchProposal, MatchRun
from programs.models import ApplicationPreference, Review
from programs.tests.factories import ApplicationFactory, EnrollmentFactory, cohort_scenario

SKILLS_ONLY = {
    "weight_skills": 100, "weight_interests": 0, "weight_text": 0, "weight_language": 0, "weight_timezone": 0,
    "weight_availability": 0, "weight_preference": 0, "weight_review": 0,
}


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    cohort = factory.SubFactory("programs.tests.factories.CohortFactory")
    status = MatchRun.Status.DONE
    parameters = factory.LazyFunction(lambda: MatchingSettings().parameters())
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    heartbeat_at = factory.LazyFunction(timezone.now)


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    run = factory.SubFactory(MatchRunFactory)
    application = factory.LazyAttribute(lambda o: ApplicationFactory(cohort=o.run.cohort))
    enrollment = factory.LazyAttribute(lambda o: EnrollmentFactory(cohort=o.run.cohort))
    proposed_enrollment = factory.SelfAttribute("enrollment")
    score = 50.0
    components = factory.LazyFunction(lambda: {"values": {}, "points": {}, "facts": {}})


@dataclass
class HandMade:
    """Two mentors with one place each and four applicants, scored on skills only.

    X teaches Bayesian statistics and Python, Y teaches Python.
    a wants Bayesian statistics and Python, b wants Bayesian statistics, c wants Rust (nobody teaches it),
    d speaks only Spanish (nobody else does).
    Every skill in play is equally rare (Bayesian statistics and Python are each known or wanted by three
    of the six people), so: a-X 100, a-Y 50, b-X 100, b-Y 0, c-* 0.
    The best total puts b with X (only X teaches what b wants) and a with Y: 150. Greedy and stable
    take a-X first (100) and leave b without a mentor scoring above the minimum: 100.
    """

    scenario: object
    x: object = None
    y: object = None
    a: object = None
    b: object = None
    c: object = None
    d: object = None
    skills: dict = field(default_factory=dict)

    @property
    def cohort(self):
        return self.scenario.cohort

    @property
    def coordinator(self):
        return self.scenario.coordinator


def hand_made_cohort(*, min_score: int = 1, x_capacity: int = 1, y_capacity: int = 1) -> HandMade:
    scenario = cohort_scenario(mentors=0, applications=0)
    cohort = scenario.cohort
    skills = {name: SkillFactory(name=name) for name in ("Bayesian statistics", "Python", "Rust", "JavaScript")}
    made = HandMade(scenario=scenario, skills=skills)
    made.x = EnrollmentFactory(
        cohort=cohort, capacity=x_capacity,
        mentor=make_mentor(name="Xavier", skills=[skills["Bayesian statistics"], skills["Python"]]),
    )
    made.y = EnrollmentFactory(cohort=cohort, capacity=y_capacity, mentor=make_mentor(name="Yolanda", skills=[skills["Python"]]))

    def apply(name, wanted, languages=("en",)):
        application = ApplicationFactory(cohort=cohort, applicant=make_mentee(name=name, languages=languages), goals="")
        application.skills_wanted.set(wanted)
        return application

    made.a = apply("Ana", [skills["Bayesian statistics"], skills["Python"]])
    made.b = apply("Bruno", [skills["Bayesian statistics"]])
    made.c = apply("Chen", [skills["Rust"]])
    made.d = apply("Dolores", [skills["JavaScript"]], languages=("es",))
    MatchingSettings.objects.update_or_create(cohort=cohort, defaults={**SKILLS_ONLY, "min_score": min_score})
    return made


def realistic_cohort(*, applications: int, mentors: int, seed: int = 0):
    """A cohort with skills, interests, languages, preferences, reviews and a conflict of interest:
    everything the loader reads, so that an N+1 anywhere would show in the query count."""
    import random

    rng = random.Random(seed)
    scenario = cohort_scenario(mentors=0, applications=0)
    cohort = scenario.cohort
    pool = [SkillFactory(name=f"Topic {k}") for k in range(12)]
    enrollments = [
        EnrollmentFactory(
            cohort=cohort, capacity=rng.randint(1, 3),
            mentor=make_mentor(name=f"Mentor {k}", skills=rng.sample(pool, 3), languages=rng.choice([("en",), ("en", "es")]),
                               tz=rng.choice(["UTC", "Europe/Madrid", "America/La_Paz"]), bio="I teach data science."),
        )
        for k in range(mentors)
    ]
    apps = []
    for k in range(applications):
        applicant = make_mentee(name=f"Applicant {k}", interests=rng.sample(pool, 2), languages=rng.choice([("en",), ("es",)]))
        application = ApplicationFactory(cohort=cohort, applicant=applicant, goals="Learn statistics and Python packaging.")
        application.skills_wanted.set(rng.sample(pool, 2))
        for rank, enrollment in enumerate(rng.sample(enrollments, min(2, len(enrollments))), start=1):
            ApplicationPreference.objects.create(application=application, mentor=enrollment.mentor, rank=rank)
        reviewer = enrollments[k % len(enrollments)].mentor
        Review.objects.create(
            application=application, reviewer=reviewer, scores={}, weighted_score=rng.randint(1, 5),
            conflict_of_interest=(k % 7 == 0),
        )
        apps.append(application)
    return scenario, enrollments, apps
