"""A page of results costs the same queries with 3 rows behind it or 30: no N+1 in any list."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import make_mentee, make_mentor
from api.tests.world import build_api_world
from matching.tests.factories import MatchProposalFactory, MatchRunFactory
from mentoring.tests.factories import MentorshipFactory
from programs.models import Answer
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory, ProgramFactory
from stipends import services as stipend_services

pytestmark = pytest.mark.django_db

LISTS = [
    ("api:program_list", None, "anonymous"),
    ("api:cohort_list", None, "anonymous"),
    ("api:mentor_list", None, "anonymous"),
    ("api:my_application_list", None, "applicant"),
    ("api:application_list", None, "coordinator"),
    ("api:enrollment_list", None, "coordinator"),
    ("api:run_list", None, "coordinator"),
    ("api:run_proposals", "run", "coordinator"),
    ("api:mentorship_list", None, "coordinator"),
    ("api:evaluations_due", None, "coordinator"),
    ("api:instalment_list", None, "coordinator"),
]


def _grow(world, n: int) -> None:
    """n more of every listed row, in the coordinator's program."""
    o = world.o
    program = o["program"]
    for i in range(n):
        cohort = CohortFactory(program=program)
        application = ApplicationFactory(cohort=o["cohort"], applicant=make_mentee(name=f"Grown {i}"))
        Answer.objects.create(application=application, question=o["cohort"].questions.first(), value="More.")
        ApplicationFactory(cohort=cohort, applicant=world.people["applicant"])
        enrollment = EnrollmentFactory(cohort=o["cohort"], mentor=make_mentor(name=f"Grown mentor {i}"))
        MatchProposalFactory(run=o["run"], application=application, enrollment=enrollment)
        paid = MentorshipFactory(cohort=o["running_cohort"], mentor=enrollment.mentor, enrollment=None)
        stipend_services.instalments_create_for(mentorship=paid)
        MatchRunFactory(cohort=cohort)
        ProgramFactory()


def _queries(world, name, target, persona) -> tuple[int, int]:
    kwargs = {"pk": world.o[target].pk} if target else {}
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(reverse(name, kwargs=kwargs), **world.headers(persona))
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def test_every_list_keeps_its_query_count_as_rows_grow():
    world = build_api_world()
    small = {row: _queries(world, *row) for row in LISTS}
    _grow(world, 30)
    large = {row: _queries(world, *row) for row in LISTS}
    for row in LISTS:
        assert large[row][1] > small[row][1], f"{row[0]} did not grow: the test would prove nothing"
        assert large[row][0] == small[row][0], f"{row[0]}: {small[row][0]} queries for {small[row][1]} rows, " \
                                               f"{large[row][0]} for {large[row][1]}"


def test_every_list_endpoint_is_counted():
    from api.tests.test_permission_matrix import MATRIX

    lists = {name for name, method, _t, _b, expected in MATRIX
             if method == "get" and any(isinstance(v, tuple) for v in expected.values())}
    assert lists == {name for name, _t, _p in LISTS}
