"""A task's places hold when many applicants take it at the same moment (the task row is locked)."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.tests.factories import make_mentee
from conftest import require
from contributions import services
from contributions.models import TaskClaim
from contributions.tests.factories import TaskFactory
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_applicants_at_once_fill_exactly_the_places():
    require(connection.vendor == "postgresql", "the race needs Postgres (set DATABASE_URL)")
    task = TaskFactory(places=3)
    people = [make_mentee(name=f"Racer {k}") for k in range(20)]
    results = run_concurrently(lambda person: services.task_claim(task=task, applicant=person), people)
    assert TaskClaim.objects.filter(task=task).count() == 3
    assert sum(isinstance(r, TaskClaim) for r in results) == 3
    assert all(isinstance(r, ValidationError) for r in results if not isinstance(r, TaskClaim)), results
