"""Every programs URL, for every kind of person, answers what it must (pretix / Zulip style).

One row per URL (and target object), one column per role. LOGIN means "redirect to the login
page"; 302 means a redirect somewhere else (an action that was carried out). Forbidden objects
answer 404 exactly like missing ones, so that nothing leaks.

Each request runs in a savepoint that is rolled back, so an action carried out by one role
(withdrawing, submitting, deciding) does not change what the next role sees.
"""
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from programs.models import Answer, Application, ApprovalStatus, ScreeningOutcome
from programs.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    QuestionFactory,
    cohort_scenario,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = ("anonymous", "mentee_a", "mentee_b", "pending_mentor", "approved_mentor", "other_coordinator",
         "coordinator", "site_admin")


@dataclass
class World:
    people: dict
    targets: dict


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    scenario = cohort_scenario(applications=0, mentors=0)
    cohort, coordinator = scenario.cohort, scenario.coordinator
    program = cohort.program
    mentee_a, mentee_b = make_mentee(name="Mentee A"), make_mentee(name="Mentee B")
    submitted = ApplicationFactory(cohort=cohort, applicant=mentee_a)
    submitted.cv.save("cv.pdf", ContentFile(b"%PDF-1.4\n% a tiny test file\n"), save=True)
    Answer.objects.create(application=submitted, question=scenario.questions[0], value="A telescope pipeline.")
    ApplicationFactory(cohort=cohort, applicant=mentee_b)
    # A second cohort of the same program, where mentee A only has a draft.
    second = CohortFactory(program=program)
    QuestionFactory(cohort=second, required=False)
    draft = ApplicationFactory(cohort=second, applicant=mentee_a, status=Application.Status.DRAFT, submitted_at=None)
    approved = make_mentor(name="Approved Mentor")
    EnrollmentFactory(cohort=cohort, mentor=approved, status=ApprovalStatus.APPROVED)
    EnrollmentFactory(cohort=second, mentor=approved, status=ApprovalStatus.APPROVED)
    pending = make_mentor(name="Pending Mentor")
    EnrollmentFactory(cohort=cohort, mentor=pending, status=ApprovalStatus.PENDING)
    other_coordinator = UserFactory()
    ProgramFactory(coordinators=[other_coordinator])
    hidden_program = ProgramFactory(published=False, coordinators=[coordinator])
    hidden_cohort = CohortFactory(program=hidden_program)
    people = {
        "anonymous": None, "mentee_a": mentee_a, "mentee_b": mentee_b, "pending_mentor": pending,
        "approved_mentor": approved, "other_coordinator": other_coordinator, "coordinator": coordinator,
        "site_admin": UserFactory(is_superuser=True, is_staff=True),
    }
    outcome = ScreeningOutcome.objects.create(application=draft, reasons=["Adults only."], screened_at=timezone.now())
    targets = {
        "program": program, "cohort": cohort, "submitted": submitted, "draft": draft, "outcome": outcome,
        "hidden_program": hidden_program, "hidden_cohort": hidden_cohort,
    }
    return World(people=people, targets=targets)


def _url(name: str, target: str, t: dict) -> str:
    args = {
        "": [],
        "program": [t["program"].slug],
        "cohort": [t["cohort"].pk],
        "cohort_detail": [t["program"].slug, t["cohort"].pk],
        "submitted": [t["submitted"].pk],
        "draft": [t["draft"].pk],
        "hidden_program": [t["hidden_program"].slug],
        "hidden_cohort": [t["hidden_cohort"].pk],
        "hidden_cohort_detail": [t["hidden_program"].slug, t["hidden_cohort"].pk],
        "question": [t["cohort"].pk, t["cohort"].questions.first().pk],
        "forged_token": ["eyJpIjoxLCJuIjoieCJ9:forged"],
        "outcome": [t["draft"].cohort_id, t["outcome"].pk],
        "criterion": [t["cohort"].pk, t["cohort"].criteria.first().pk],
    }[target]
    return reverse(f"programs:{name}", args=args)


def _bulk_data(t):
    return {"applications": [t["submitted"].pk], "status": "accepted"}  # first step: the confirmation page


# (url name, target, method, data) -> expected status for
#   anonymous, mentee A (the applicant), mentee B, pending mentor, approved mentor,
#   coordinator of another program, coordinator, site admin
MATRIX = [
    # Public catalog
    (("catalog", "", "get", None), (200, 200, 200, 200, 200, 200, 200, 200)),
    (("program_detail", "program", "get", None), (200, 200, 200, 200, 200, 200, 200, 200)),
    (("cohort_detail", "cohort_detail", "get", None), (200, 200, 200, 200, 200, 200, 200, 200)),
    (("program_detail", "hidden_program", "get", None), (404, 404, 404, 404, 404, 404, 200, 200)),
    (("cohort_detail", "hidden_cohort_detail", "get", None), (404, 404, 404, 404, 404, 404, 200, 200)),
    # Mentees apply: everyone signed in has their own application and list
    (("application_edit", "cohort", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    (("my_applications", "", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    # Mentee A's submitted application: the applicant, its cohort's approved mentors, its coordinators
    (("application_detail", "submitted", "get", None), (LOGIN, 200, 404, 404, 200, 404, 200, 200)),
    # A file, not a page: anonymous people get the same 404 as anyone else who may not see it.
    (("application_cv", "submitted", "get", None), (404, 200, 404, 404, 200, 404, 200, 200)),
    (("application_withdraw", "submitted", "post", None), (LOGIN, 302, 404, 404, 404, 404, 404, 404)),
    # Mentee A's draft: private to the applicant (and the program's staff), never to mentors
    (("application_detail", "draft", "get", None), (LOGIN, 200, 404, 404, 404, 404, 200, 200)),
    (("application_submit", "draft", "post", None), (LOGIN, 302, 404, 404, 404, 404, 404, 404)),
    # Mentors volunteer and review
    (("volunteer", "cohort", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    (("volunteer", "hidden_cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("review_queue", "cohort", "get", None), (LOGIN, 404, 404, 404, 200, 404, 200, 200)),
    (("review", "submitted", "get", None), (LOGIN, 404, 404, 404, 200, 404, 200, 200)),
    (("review", "draft", "get", None), (LOGIN, 404, 404, 404, 404, 404, 404, 404)),
    # Coordinators decide
    (("cohort_dashboard", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("mentor_enrollments", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("bulk_decide", "cohort", "post", _bulk_data), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("export_csv", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("my_cohorts", "", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    # Coordinators set up cohorts (views.setup): the program's coordinators and site admins only
    *[((name, target, "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)) for name, target in (
        ("program_setup", "program"), ("cohort_setup", "cohort"), ("cohort_dates", "cohort"),
        ("applications_open", "cohort"), ("applications_close", "cohort"), ("setup_questions", "cohort"),
        ("setup_rubric", "cohort"))],
    (("setup_question_edit", "question", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("setup_question_move", "question", "post", {"direction": "down"}), (LOGIN, 404, 404, 404, 404, 404, 302, 302)),
    (("setup_question_delete", "question", "post", None), (LOGIN, 404, 404, 404, 404, 404, 302, 302)),
    (("setup_criterion_edit", "criterion", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("cohort_copy", "program", "post", None), (LOGIN, 404, 404, 404, 404, 404, 400, 400)),
    (("cohort_create", "program", "post", None), (LOGIN, 404, 404, 404, 404, 404, 400, 400)),
    # Invitations: coordinators invite; a link that is not a signed invitation is 404 for everyone
    (("mentor_invite", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("program_coordinators", "program", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("invitation", "forged_token", "get", None), (404, 404, 404, 404, 404, 404, 404, 404)),
    # Announcements: the program's coordinators only
    (("announcement_list", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("announcement_new", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    # Eligibility: coordinators set the rules, see who was screened out and override; applicants answer first
    (("program_eligibility", "program", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("cohort_screening", "cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("screening_override", "outcome", "post", {"note": "ok"}), (LOGIN, 404, 404, 404, 404, 404, 302, 302)),
    (("screening_answers", "cohort", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    (("screening_answers", "hidden_cohort", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    # Code of conduct: everyone signed in reads a visible program's; its coordinators write it
    (("program_conduct", "program", "get", None), (LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    (("program_conduct", "hidden_program", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
    (("conduct_edit", "program", "get", None), (LOGIN, 404, 404, 404, 404, 404, 200, 200)),
]


def test_the_matrix_covers_every_programs_url():
    from programs.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {row[0][0] for row in MATRIX}


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("request_spec", "expected"), MATRIX, ids=[f"{r[0][0]}:{r[0][1] or '-'}" for r in MATRIX])
def test_permission_matrix(world, request_spec, expected):
    name, target, method, data = request_spec
    url = _url(name, target, world.targets)
    payload = data(world.targets) if callable(data) else (data or {})
    actual = {}
    for role in ROLES:
        client = Client()
        with transaction.atomic():
            if world.people[role] is not None:
                client.force_login(world.people[role])
            response = getattr(client, method)(url, payload)
            actual[role] = _outcome(response)
            transaction.set_rollback(True)
    assert actual == dict(zip(ROLES, expected, strict=True)), url


def test_reviews_never_reach_the_applicant(world, client):
    """Outreachy-style leak check: the applicant's pages never show reviewers' words."""
    from programs.models import Review

    submitted = world.targets["submitted"]
    Review.objects.create(application=submitted, reviewer=world.people["approved_mentor"], scores={}, weighted_score=2.0,
                          comment="PRIVATE-REVIEWER-COMMENT")
    client.force_login(world.people["mentee_a"])
    for url in (reverse("programs:review", args=[submitted.pk]), reverse("programs:application_detail", args=[submitted.pk]),
                reverse("programs:my_applications"), reverse("programs:review_queue", args=[submitted.cohort_id])):
        assert "PRIVATE-REVIEWER-COMMENT" not in client.get(url).content.decode(), url
    client.force_login(world.people["coordinator"])
    assert "PRIVATE-REVIEWER-COMMENT" in client.get(reverse("programs:review", args=[submitted.pk])).content.decode()
