"""Coordinators who are not staff set up their cohorts: create, copy, dates, open/close, questions, rubric."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee
from matching.models import MatchingSettings
from mentoring.models import CohortMentoringSettings, EvaluationQuestion
from programs import services
from programs.models import Answer, ApplicationQuestion, Cohort, Phase, QuestionKind, Review, ReviewCriterion
from programs.services import setup
from programs.tests.factories import ApplicationFactory, CohortFactory, CriterionFactory, QuestionFactory, cohort_scenario

pytestmark = pytest.mark.django_db


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def scenario():
    s = cohort_scenario(applications=1, mentors=1)
    assert not s.coordinator.is_staff
    return s


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


SETUP_GETS = [
    ("programs:cohort_setup", "cohort"), ("programs:cohort_dates", "cohort"), ("programs:setup_questions", "cohort"),
    ("programs:setup_rubric", "cohort"), ("programs:program_setup", "program"),
    ("mentoring:setup_mentoring", "cohort"), ("mentoring:setup_evaluations", "cohort"),
]


@pytest.mark.parametrize(("name", "target"), SETUP_GETS)
def test_setup_pages_anonymous_wrong_and_right_person(client, scenario, name, target):
    args = [scenario.cohort.program.slug] if target == "program" else [scenario.cohort.pk]
    url = reverse(name, args=args)
    assert login_redirect(client.get(url))
    client.force_login(scenario.mentors[0])  # an approved mentor of the cohort is not its coordinator
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(scenario.coordinator)
    assert client.get(url).status_code == 200


def test_copy_the_last_cohort_with_everything_and_dates_shifted(client, scenario):
    source = scenario.cohort
    EvaluationQuestion.objects.create(cohort=source, stage="midpoint", direction="about_mentee", prompt="Progress?")
    CohortMentoringSettings.objects.create(cohort=source, max_extension_weeks=7, check_in_every_days=10)
    MatchingSettings.objects.create(cohort=source, min_score=33)
    opens = source.applications_open_at + timedelta(days=182)
    client.force_login(scenario.coordinator)
    response = client.post(reverse("programs:cohort_copy", args=[source.program.slug]), {
        "source": source.pk, "name": "Next term", "season": "2027", "applications_open_at": _local(opens),
    })
    copy = Cohort.objects.get(name="Next term")
    assert response["Location"] == reverse("programs:cohort_dates", args=[copy.pk])
    assert copy.program_id == source.program_id and copy.season == "2027"
    shift = copy.applications_open_at - source.applications_open_at
    assert abs(shift - timedelta(days=182)) < timedelta(minutes=1)
    assert copy.applications_close_at - source.applications_close_at == shift
    assert copy.starts_on - source.starts_on == timedelta(days=182)
    assert copy.final_evaluation_due - source.final_evaluation_due == timedelta(days=182)
    assert [q.prompt for q in copy.questions.all()] == [q.prompt for q in source.questions.all()]
    assert [(c.name, c.weight) for c in copy.criteria.all()] == [(c.name, c.weight) for c in source.criteria.all()]
    assert list(EvaluationQuestion.objects.filter(cohort=copy).values_list("prompt", flat=True)) == ["Progress?"]
    assert CohortMentoringSettings.objects.get(cohort=copy).max_extension_weeks == 7
    assert MatchingSettings.objects.get(cohort=copy).min_score == 33
    assert source.questions.count() == 2  # the original is untouched


def test_a_coordinator_cannot_copy_another_programs_cohort(client, scenario):
    other = CohortFactory()
    client.force_login(scenario.coordinator)
    response = client.post(reverse("programs:cohort_copy", args=[scenario.cohort.program.slug]), {
        "source": other.pk, "name": "Stolen", "applications_open_at": _local(timezone.now()),
    })
    assert response.status_code == 400
    assert not Cohort.objects.filter(name="Stolen").exists()


def test_create_an_empty_cohort_and_bad_dates_are_explained_beside_the_field(client, scenario):
    client.force_login(scenario.coordinator)
    url = reverse("programs:cohort_create", args=[scenario.cohort.program.slug])
    data = {"name": "Fresh", "applications_open_at": "2027-02-01T00:00", "applications_close_at": "2027-01-01T00:00",
            "starts_on": "2027-03-01", "ends_on": "2027-06-01"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "must close after they open" in response.content.decode()
    assert 'value="Fresh"' in response.content.decode()  # nothing typed is lost
    data["applications_close_at"] = "2027-02-15T00:00"
    response = client.post(url, data)
    cohort = Cohort.objects.get(name="Fresh")
    assert response["Location"] == reverse("programs:cohort_setup", args=[cohort.pk])


def test_dates_preview_shows_the_phase_it_will_be_and_saves_nothing(client, scenario):
    cohort = scenario.cohort
    assert cohort.phase == Phase.ACCEPTING
    client.force_login(scenario.coordinator)
    data = {"name": cohort.name, "applications_open_at": _local(timezone.now() + timedelta(days=3)),
            "applications_close_at": _local(timezone.now() + timedelta(days=20)),
            "review_deadline": _local(timezone.now() + timedelta(days=25)),
            "starts_on": cohort.starts_on.isoformat(), "ends_on": cohort.ends_on.isoformat(), "preview": "1"}
    response = client.post(reverse("programs:cohort_dates", args=[cohort.pk]), data)
    assert response.status_code == 200, response.context["form"].errors
    assert "would be in the phase “Upcoming”" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.phase == Phase.ACCEPTING
    del data["preview"]
    client.post(reverse("programs:cohort_dates", args=[cohort.pk]), data)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.UPCOMING


def test_open_now_confirmation_lists_the_changes_and_get_writes_nothing(client, scenario):
    cohort = scenario.cohort
    cohort.applications_open_at = timezone.now() + timedelta(days=3)
    cohort.save()
    client.force_login(scenario.coordinator)
    url = reverse("programs:applications_open", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert "Applications open" in page and "Open applications" in page
    cohort.refresh_from_db()
    assert cohort.phase == Phase.UPCOMING
    client.post(url)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.ACCEPTING


def test_open_now_on_an_open_cohort_changes_nothing_and_says_so(client, scenario):
    cohort = scenario.cohort
    opened = cohort.applications_open_at
    client.force_login(scenario.coordinator)
    url = reverse("programs:applications_open", args=[cohort.pk])
    assert "already open" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "already open" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.applications_open_at == opened


def test_admin_open_now_on_an_open_cohort_keeps_its_opening_date(admin_client):
    cohort = CohortFactory()
    opened = cohort.applications_open_at
    response = admin_client.post(reverse("admin:programs_cohort_changelist"),
                                 {"action": "open_applications_now", "_selected_action": [cohort.pk]}, follow=True)
    cohort.refresh_from_db()
    assert cohort.applications_open_at == opened
    assert "already open" in response.content.decode()


def test_close_now_then_reopen_gives_a_new_closing_date(scenario):
    cohort, coordinator = scenario.cohort, scenario.coordinator
    setup.applications_window_set(actor=coordinator, cohort=cohort, open_now=False)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.REVIEWING
    changes = setup.applications_window_set(actor=coordinator, cohort=cohort, open_now=True)
    cohort.refresh_from_db()
    assert cohort.phase == Phase.ACCEPTING
    assert [c.field for c in changes] == ["applications_close_at"]


def test_questions_of_every_kind_reorder_and_required(client, scenario):
    cohort = scenario.cohort
    client.force_login(scenario.coordinator)
    url = reverse("programs:setup_questions", args=[cohort.pk])
    for kind in QuestionKind.values:
        data = {"prompt": f"Q {kind}?", "kind": kind, "help_text": "Be brief.", "required": ""}
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            response = client.post(url, data)
            assert response.status_code == 400 and "at least two choices" in response.content.decode()
            data["choices"] = "Yes\nNo"
        assert client.post(url, data).status_code == 302
    added = list(cohort.questions.filter(prompt__startswith="Q "))
    assert {q.kind for q in added} == set(QuestionKind.values)
    assert not any(q.required for q in added) and all(q.help_text == "Be brief." for q in added)
    first, second = list(cohort.questions.all())[:2]
    client.post(reverse("programs:setup_question_move", args=[cohort.pk, second.pk]), {"direction": "up"})
    assert list(cohort.questions.all())[:2] == [second, first]


def test_a_changed_question_keeps_earlier_answers_with_the_question_as_asked(client, scenario):
    cohort, application = scenario.cohort, scenario.applications[0]
    question = scenario.questions[0]
    assert Answer.objects.get(application=application, question=question).prompt == ""  # made by the factory
    services.application_save(application=application, actor=application.applicant, data={},
                              answers={question.pk: "A telescope pipeline."}, preferences=[])
    client.force_login(scenario.coordinator)
    edit = reverse("programs:setup_question_edit", args=[cohort.pk, question.pk])
    assert "1 applicant already answered" in client.get(edit).content.decode()
    client.post(edit, {"prompt": "What have you shipped?", "kind": QuestionKind.LONG_TEXT, "required": "on"})
    answer = Answer.objects.get(application=application, question=question)
    assert answer.value == "A telescope pipeline." and answer.prompt == "What have you built?"
    page = client.get(reverse("programs:application_detail", args=[application.pk])).content.decode()
    assert "What have you built?" in page and "now reads “What have you shipped?”" in page
    # Removing the question keeps the answer too.
    client.post(reverse("programs:setup_question_delete", args=[cohort.pk, question.pk]))
    assert not ApplicationQuestion.objects.filter(pk=question.pk).exists()
    answer.refresh_from_db()
    assert answer.question_id is None and answer.value == "A telescope pipeline."
    page = client.get(reverse("programs:application_detail", args=[application.pk])).content.decode()
    assert "What have you built?" in page and "A telescope pipeline." in page


def test_rubric_shows_the_sum_and_locks_once_reviews_exist(client, scenario):
    cohort = scenario.cohort
    client.force_login(scenario.coordinator)
    url = reverse("programs:setup_rubric", args=[cohort.pk])
    client.post(url, {"name": "Clarity", "weight": "1.5"})
    page = client.get(url).content.decode()
    assert "Sum of the weights" in page and "4.5" in page  # 2 + 1 + 1.5
    motivation = cohort.criteria.get(name="Motivation")
    client.post(reverse("programs:setup_criterion_edit", args=[cohort.pk, motivation.pk]),
                {"name": "Motivation", "weight": "3"})
    motivation.refresh_from_db()
    assert motivation.weight == 3
    Review.objects.create(application=scenario.applications[0], reviewer=scenario.mentors[0], scores={})
    response = client.post(url, {"name": "Late", "weight": "1"})
    assert response.status_code == 400 and "can no longer change" in response.content.decode()
    assert not ReviewCriterion.objects.filter(name="Late").exists()


def test_mentoring_settings_and_evaluation_questions(client, scenario):
    cohort = scenario.cohort
    client.force_login(scenario.coordinator)
    hub = client.get(reverse("programs:cohort_setup", args=[cohort.pk])).content.decode()
    for name in ("mentoring:setup_mentoring", "mentoring:setup_evaluations", "matching:cohort"):
        assert f'href="{reverse(name, args=[cohort.pk])}"' in hub  # the sections other apps add
    url = reverse("mentoring:setup_mentoring", args=[cohort.pk])
    data = {"check_in_every_days": 7, "mentorship_length_weeks": 10, "midpoint_opens_percent": 90,
            "final_opens_percent": 50, "max_extension_weeks": 3}
    response = client.post(url, data)
    assert response.status_code == 400 and "must open after the midpoint" in response.content.decode()
    data.update(midpoint_opens_percent=40, final_opens_percent=85)
    assert client.post(url, data).status_code == 302
    assert CohortMentoringSettings.objects.get(cohort=cohort).max_extension_weeks == 3
    evaluations = reverse("mentoring:setup_evaluations", args=[cohort.pk])
    assert "How helpful is your mentor" in client.get(evaluations).content.decode()  # the defaults, shown
    client.post(evaluations, {"stage": "final", "direction": "about_mentor", "prompt": "Would you mentor next year?",
                              "kind": "text", "required": "on"})
    prompts = list(EvaluationQuestion.objects.filter(cohort=cohort, stage="final", direction="about_mentor")
                   .values_list("prompt", flat=True))
    assert len(prompts) == 4 and prompts[-1] == "Would you mentor next year?"  # defaults kept, one added
    question = EvaluationQuestion.objects.get(prompt="Would you mentor next year?")
    client.post(reverse("mentoring:setup_evaluation_question", args=[cohort.pk, question.pk]), {"delete": "1"})
    assert not EvaluationQuestion.objects.filter(pk=question.pk).exists()


def test_setup_pages_have_constant_queries(client, scenario, django_assert_max_num_queries):
    cohort = scenario.cohort
    client.force_login(scenario.coordinator)

    def counts():
        found = {}
        for name in ("programs:setup_questions", "programs:setup_rubric", "programs:cohort_setup",
                     "mentoring:setup_evaluations"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name, args=[cohort.pk])).status_code == 200
            found[name] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("programs:program_setup", args=[cohort.program.slug]))
        found["program"] = len(ctx.captured_queries)
        return found

    counts()  # the first request of a session warms caches
    before = counts()
    for i in range(12):
        question = QuestionFactory(cohort=cohort)
        CriterionFactory(cohort=cohort)
        EvaluationQuestion.objects.create(cohort=cohort, stage="midpoint", direction="about_mentor", prompt=f"E{i}")
        CohortFactory(program=cohort.program)
        application = ApplicationFactory(cohort=cohort, applicant=make_mentee(name=f"A{i}"))
        Answer.objects.create(application=application, question=question, value="x")
    assert counts() == before


def test_answer_prompt_data_migration_fills_the_wording(scenario):
    from importlib import import_module

    from django.apps import apps

    answer = Answer.objects.filter(question=scenario.questions[0]).first()
    assert answer.prompt == ""
    import_module("programs.migrations.0006_coordinators_answer_prompt_fill").fill_prompts(apps, None)
    answer.refresh_from_db()
    assert answer.prompt == "What have you built?"
