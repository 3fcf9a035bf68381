"""Eligibility rules: screening questions, past completers, one acceptance per season; override with a note."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_mentee
from mentoring.models import Mentorship
from mentoring.tests.factories import pair
from programs import services
from programs.models import Answer, Application, EligibilityRules, ScreeningOutcome, ScreeningQuestion
from programs.services import eligibility
from programs.tests.factories import ApplicationFactory, CohortFactory, ProgramFactory, cohort_scenario

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def scenario():
    return cohort_scenario(applications=0, mentors=0, season="2027")


def draft(scenario, applicant=None):
    application = ApplicationFactory(cohort=scenario.cohort, applicant=applicant or make_mentee(name="Ann Applicant"),
                                     status=Status.DRAFT, submitted_at=None)
    Answer.objects.create(application=application, question=scenario.questions[0], value="A pipeline.")
    return application


def adult_rule(program):
    return ScreeningQuestion.objects.create(program=program, prompt="Are you 18 or older?", kind="yes_no",
                                            expected="yes", reason="This program is for adults (18 or older).")


def submit(application):
    return services.application_submit(application=application, actor=application.applicant)


def test_a_screening_question_screens_out_with_the_reason_and_a_coordinator_overrides(client, scenario):
    question = adult_rule(scenario.cohort.program)
    application = draft(scenario)
    with pytest.raises(eligibility.ScreenedOut) as refused:
        eligibility.screening_answers_save(applicant=application.applicant, cohort=scenario.cohort,
                                           answers={question.pk: "no"})
        submit(application)
    assert refused.value.reasons == ["This program is for adults (18 or older)."]
    application.refresh_from_db()
    assert application.status == Status.DRAFT  # kept, as a draft
    outcome = ScreeningOutcome.objects.get(application=application)
    client.force_login(scenario.coordinator)
    page = client.get(reverse("programs:cohort_screening", args=[scenario.cohort.pk])).content.decode()
    assert "Ann Applicant" in page and "This program is for adults (18 or older)." in page
    url = reverse("programs:screening_override", args=[scenario.cohort.pk, outcome.pk])
    client.post(url, {"note": ""})
    assert ScreeningOutcome.objects.get().overridden_at is None  # a note is required
    client.post(url, {"note": "Turns 18 before the start."})
    assert submit(application).status == Status.SUBMITTED
    assert "Turns 18 before the start." in client.get(
        reverse("programs:cohort_screening", args=[scenario.cohort.pk])).content.decode()


def test_the_applicant_sees_the_rule_before_starting_and_answers_it(client, scenario):
    question = ScreeningQuestion.objects.create(program=scenario.cohort.program, prompt="Hours a week you can give",
                                                kind="number", minimum=20, reason="At least 20 hours a week.")
    EligibilityRules.objects.create(program=scenario.cohort.program, one_acceptance_per_season=True)
    person = make_mentee(name="Ann Applicant")
    client.force_login(person)
    page = client.get(scenario.cohort.get_absolute_url()).content.decode()
    assert "At least 20 hours a week." in page and "one acceptance per season" in page
    assert reverse("programs:screening_answers", args=[scenario.cohort.pk]) in page
    url = reverse("programs:screening_answers", args=[scenario.cohort.pk])
    response = client.post(url, {f"q{question.pk}": "25"})
    assert response["Location"] == reverse("programs:application_edit", args=[scenario.cohort.pk])
    assert submit(draft(scenario, applicant=person)).status == Status.SUBMITTED


def test_unanswered_screening_questions_refuse_without_screening_out(scenario):
    adult_rule(scenario.cohort.program)
    application = draft(scenario)
    with pytest.raises(Exception, match="Answer the eligibility questions first"):
        submit(application)
    assert not ScreeningOutcome.objects.exists()


def test_people_who_completed_the_program_before_may_not_apply_when_the_rule_is_on(scenario):
    before = pair(mentor_name="Old Mentor", mentee_name="Alumna")
    program = scenario.cohort.program
    before.mentorship.cohort.program = program
    before.mentorship.cohort.save()
    Mentorship.objects.filter(pk=before.mentorship.pk).update(
        status=Mentorship.Status.COMPLETED, starts_on=timezone.now().date(), completed_at=timezone.now())
    assert eligibility._completion_providers  # mentoring registered its provider at start-up
    application = draft(scenario, applicant=before.mentee)
    rules = EligibilityRules.objects.create(program=program, no_past_completers=True)
    with pytest.raises(eligibility.ScreenedOut, match="completed this program before"):
        submit(application)
    rules.no_past_completers = False
    rules.save()
    assert submit(application).status == Status.SUBMITTED


def test_at_most_one_acceptance_per_season_across_programs(scenario):
    person = make_mentee(name="Popular")
    elsewhere = CohortFactory(program=ProgramFactory(), season="2027")
    ApplicationFactory(cohort=elsewhere, applicant=person, status=Status.ACCEPTED)
    EligibilityRules.objects.create(program=scenario.cohort.program, one_acceptance_per_season=True)
    application = draft(scenario, applicant=person)
    with pytest.raises(eligibility.ScreenedOut, match="already accepted this season"):
        submit(application)
    other_season = make_mentee(name="Fresh")
    ApplicationFactory(cohort=CohortFactory(season="2026"), applicant=other_season, status=Status.ACCEPTED)
    assert submit(draft(scenario, applicant=other_season)).status == Status.SUBMITTED


def test_coordinators_set_the_rules_and_screening_questions(client, scenario):
    program = scenario.cohort.program
    url = reverse("programs:program_eligibility", args=[program.slug])
    client.force_login(scenario.coordinator)
    client.post(url, {"rules": "1", "no_past_completers": "on"})
    assert EligibilityRules.objects.get(program=program).no_past_completers
    response = client.post(url, {"prompt": "18 or older?", "kind": "yes_no", "reason": "Adults only."})
    assert response.status_code == 400 and "Say which answer is needed." in response.content.decode()
    client.post(url, {"prompt": "18 or older?", "kind": "yes_no", "expected": "yes", "reason": "Adults only."})
    question = ScreeningQuestion.objects.get(program=program)
    client.post(url, {"remove": question.pk})
    assert not ScreeningQuestion.objects.exists()


@pytest.mark.parametrize("name", ["program_eligibility", "cohort_screening"])
def test_coordinator_pages_anonymous_wrong_and_right_person(client, scenario, name):
    url = reverse(f"programs:{name}", args=[scenario.cohort.program.slug if name == "program_eligibility"
                                            else scenario.cohort.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(make_mentee(name="Nosy"))
    assert client.get(url).status_code == 404
    client.force_login(scenario.coordinator)
    assert client.get(url).status_code == 200


def test_only_the_programs_coordinators_override(client, scenario):
    question = adult_rule(scenario.cohort.program)
    application = draft(scenario)
    eligibility.screening_answers_save(applicant=application.applicant, cohort=scenario.cohort,
                                       answers={question.pk: "no"})
    with pytest.raises(eligibility.ScreenedOut):
        submit(application)
    outcome = ScreeningOutcome.objects.get()
    url = reverse("programs:screening_override", args=[scenario.cohort.pk, outcome.pk])
    client.force_login(application.applicant)
    assert client.post(url, {"note": "me"}).status_code == 404
    other = cohort_scenario(applications=0, mentors=0)
    client.force_login(other.coordinator)
    assert client.post(url, {"note": "me"}).status_code == 404
    assert ScreeningOutcome.objects.get().overridden_at is None


def test_the_screening_page_has_constant_queries(client, scenario):
    question = adult_rule(scenario.cohort.program)
    client.force_login(scenario.coordinator)
    url = reverse("programs:cohort_screening", args=[scenario.cohort.pk])

    def screened(n):
        for i in range(n):
            application = draft(scenario, applicant=make_mentee(name=f"P{i}"))
            eligibility.screening_answers_save(applicant=application.applicant, cohort=scenario.cohort,
                                               answers={question.pk: "no"})
            with pytest.raises(eligibility.ScreenedOut):
                submit(application)
    screened(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    screened(10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
