"""Confirming under concurrent clicks, on Postgres with real threads: a mentor is never overfilled."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.tests.factories import make_mentee
from conftest import require
from matching import services
from matching.models import MatchProposal
from mentoring.models import Mentorship
from programs.models import Application
from programs.tests.factories import ApplicationFactory, EnrollmentFactory, cohort_scenario

from .factories import MatchProposalFactory, MatchRunFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(target, items):
    barrier = threading.Barrier(len(items))
    outcomes = []
    lock = threading.Lock()

    def work(item):
        try:
            barrier.wait(timeout=30)
            result = target(item)
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # anything else is a bug the test must show
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def test_fifty_concurrent_confirmations_against_capacity_three_make_exactly_three_mentorships():
    require(connection.vendor == "postgresql", "the capacity race needs Postgres row locks (set DATABASE_URL)")
    scenario = cohort_scenario(mentors=0, applications=0)
    enrollment = EnrollmentFactory(cohort=scenario.cohort, capacity=3)
    applications = [ApplicationFactory(cohort=scenario.cohort, applicant=make_mentee(name=f"Mentee {i}")) for i in range(50)]
    run = MatchRunFactory(cohort=scenario.cohort)  # the cohort's latest run: only its pairs may be confirmed
    proposals = [MatchProposalFactory(run=run, enrollment=enrollment, application=a) for a in applications]

    def confirm(proposal):
        services.proposal_confirm(proposal_id=proposal.pk, actor=scenario.coordinator)
        return "ok"

    outcomes = _in_threads(confirm, proposals)
    errors = [o for o in outcomes if o.startswith("error")]
    assert not errors, errors[:3]
    assert outcomes.count("ok") == 3
    assert sum(1 for o in outcomes if "no place left" in o) == 47
    assert Mentorship.objects.filter(enrollment=enrollment).count() == 3
    # the 47 refusals rolled back their acceptance too
    assert Application.objects.filter(cohort=scenario.cohort, status=Application.Status.ACCEPTED).count() == 3
    assert MatchProposal.objects.filter(run=run, status=MatchProposal.Status.CONFIRMED).count() == 3


def test_fifty_concurrent_clicks_on_the_same_proposal_confirm_it_once():
    require(connection.vendor == "postgresql", "the race needs Postgres row locks (set DATABASE_URL)")
    scenario = cohort_scenario(mentors=0, applications=0)
    enrollment = EnrollmentFactory(cohort=scenario.cohort, capacity=3)
    application = ApplicationFactory(cohort=scenario.cohort)
    proposal = MatchProposalFactory(run=MatchRunFactory(cohort=scenario.cohort), enrollment=enrollment, application=application)

    def confirm(_):
        return services.proposal_confirm(proposal_id=proposal.pk, actor=scenario.coordinator).status

    outcomes = _in_threads(confirm, list(range(50)))
    assert outcomes == ["confirmed"] * 50
    assert Mentorship.objects.filter(enrollment=enrollment).count() == 1
