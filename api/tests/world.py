"""One of everything the API shows, and the people around it, for the API's tests.

A published program with a coordinator: an accepting cohort (two submitted applications with answers,
an approved and a pending mentor, a finished match run proposing a pair), a second accepting cohort
where the applicant only has a draft, and a running cohort where the applicant is mentored
(a paid cohort: three stipend instalments). Another
program has its own coordinator (who must see none of this) and an outsider sees only the catalog.
"""
from dataclasses import dataclass

from djmoney.money import Money

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from api.services import token_create
from matching.tests.factories import MatchProposalFactory, MatchRunFactory
from mentoring import services as mentoring_services
from mentoring.tests.factories import RunningCohortFactory
from programs.models import Answer, Application, ApprovalStatus
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory, ProgramFactory, cohort_scenario
from stipends import services as stipend_services

PERSONAS = ("anonymous", "outsider", "other_coordinator", "applicant", "mentor", "coordinator")


@dataclass
class ApiWorld:
    people: dict
    tokens: dict  # persona -> raw write token
    o: dict  # objects by name

    def headers(self, persona: str) -> dict:
        token = self.tokens.get(persona)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def build_api_world(*, scope: str = "write") -> ApiWorld:
    scenario = cohort_scenario(applications=0, mentors=0)
    cohort, coordinator = scenario.cohort, scenario.coordinator
    program = cohort.program
    applicant = make_mentee(name="Ada Applicant")
    other_applicant = make_mentee(name="Bea Applicant")
    submitted = ApplicationFactory(cohort=cohort, applicant=applicant)
    Answer.objects.create(application=submitted, question=scenario.questions[0], value="A telescope pipeline.")
    proposed = ApplicationFactory(cohort=cohort, applicant=other_applicant)
    Answer.objects.create(application=proposed, question=scenario.questions[0], value="A climate model.")
    second = CohortFactory(program=program)
    draft = ApplicationFactory(cohort=second, applicant=applicant, status=Application.Status.DRAFT, submitted_at=None)
    mentor = make_mentor(name="Mo Mentor")
    enrollment = EnrollmentFactory(cohort=cohort, mentor=mentor, status=ApprovalStatus.APPROVED)
    pending = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Pat Pending"), status=ApprovalStatus.PENDING)
    run = MatchRunFactory(cohort=cohort)
    proposal = MatchProposalFactory(run=run, application=proposed, enrollment=enrollment)
    running = RunningCohortFactory(program=program)
    running_place = EnrollmentFactory(cohort=running, mentor=mentor, status=ApprovalStatus.APPROVED)
    mentorship = mentoring_services.mentorship_create(enrollment=running_place, mentee=applicant, actor=coordinator)
    stipend_services.plan_set(cohort=running, actor=coordinator, amount=Money("1000.00", "EUR"),
                              percents={"start": 30, "midpoint": 30, "final": 40})  # three instalments
    other_coordinator = UserFactory()
    other_program = ProgramFactory(coordinators=[other_coordinator])
    other_cohort = CohortFactory(program=other_program)
    hidden_program = ProgramFactory(published=False, coordinators=[coordinator])
    people = {
        "anonymous": None, "outsider": UserFactory(), "other_coordinator": other_coordinator,
        "applicant": applicant, "mentor": mentor, "coordinator": coordinator,
    }
    tokens = {name: token_create(user=user, name="tests", scope=scope, expires_in_days=30)[1]
              for name, user in people.items() if user is not None}
    objects = {
        "program": program, "cohort": cohort, "second_cohort": second, "running_cohort": running,
        "submitted": submitted, "proposed": proposed, "draft": draft, "enrollment": enrollment, "pending": pending,
        "run": run, "proposal": proposal, "mentorship": mentorship, "other_cohort": other_cohort,
        "hidden_program": hidden_program, "instalment": mentorship.instalments.get(event="start"),
    }
    return ApiWorld(people=people, tokens=tokens, o=objects)
