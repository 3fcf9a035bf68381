import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from programs.models import Application, Cohort, Phase, Program, ProgramKind, Review

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_every_kind_and_phase(capsys):
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Program.objects.count(), Cohort.objects.count(),
              Application.objects.count(), Review.objects.count())
    call_command("seed_demo")
    assert counts == (get_user_model().objects.count(), Program.objects.count(), Cohort.objects.count(),
                      Application.objects.count(), Review.objects.count())
    assert set(Program.objects.values_list("kind", flat=True)) == set(ProgramKind.values)
    assert {c.phase for c in Cohort.objects.all()} == set(Phase.values)
    assert Application.objects.count() >= 50
    assert Review.objects.exists()
    # Applicants of the right type for each kind.
    assert Application.objects.filter(cohort__program__kind="package_support", project__isnull=True).count() == 0
    assert Application.objects.filter(cohort__program__kind="incubator", project__isnull=False).exists()
    assert Application.objects.filter(cohort__program__kind="affiliation", organization__isnull=False).count() == 3
    assert Application.objects.filter(cohort__program__kind="virtual_labs").exclude(group_members="").exists()
    from mentor_requests.models import MentorshipRequest

    assert MentorshipRequest.objects.filter(status="pending", cohort__rolling=True).count() == 3
    from mentoring.models import Mentorship

    assert Mentorship.objects.filter(status="active").count() == 4  # two in the Virtual Lab, two in the paid cohort
    out = capsys.readouterr().out
    assert "admin@example.com" in out and "demo-pass-2026" in out


def test_seed_demo_fills_the_stipend_and_contribution_pages_without_calling_the_platforms(monkeypatch):
    """A paid cohort with a plan, a sponsor and instalments in every state before export; a contribution period
    with a task and contributions already checked. Eager tasks run, yet nothing talks to GitHub or GitLab."""
    from contributions import client
    from contributions.models import Contribution, ContributionPeriod
    from contributions.services import contributions_due
    from stipends.models import ExportBatch, Instalment, PaymentDetails, Sponsor, StipendPlan

    def no_network(*args, **kwargs):
        raise AssertionError("seed_demo called a code-host API")

    monkeypatch.setattr(client.Client, "__init__", no_network)

    def counts():
        return (Instalment.objects.count(), Contribution.objects.count(), Sponsor.objects.count(),
                ExportBatch.objects.count(), ContributionPeriod.objects.count(), Cohort.objects.count())

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    plan = StipendPlan.objects.get(cohort__program__kind="internship")
    assert plan.cohort.phase == Phase.RUNNING
    assert sorted(plan.instalments.values_list("percent", flat=True)) == [30, 30, 40]
    assert Sponsor.objects.filter(cohort=plan.cohort).exists()
    sofia = {i.event: i.status for i in Instalment.objects.filter(mentorship__mentee__email="sofia.mamani@example.com")}
    assert sofia == {"start": "approved", "midpoint": "held", "final": "waiting"}
    assert set(Instalment.objects.values_list("status", flat=True)) == set(Instalment.Status.values)
    assert not PaymentDetails.objects.filter(user__email="sofia.mamani@example.com").exists()  # her page asks

    period = ContributionPeriod.objects.get()
    assert period.is_open() and period.cohort.phase == Phase.ACCEPTING and period.tasks.exists()
    rows = list(Contribution.objects.filter(cohort=period.cohort))
    assert any(c.checks_out and c.merged for c in rows)  # verified
    assert any(c.verified and c.flags for c in rows)  # flagged
    assert any(not c.verified and c.problem for c in rows)  # not verified, with the reason
    assert contributions_due() == []  # beat would not fetch the demo's addresses either


def test_the_embedded_broker_names_its_host_so_eager_tasks_print_no_warning(settings, caplog):
    """seed_demo printed kombu's "No hostname was supplied" for every email it queued without Redis."""
    from kombu import Connection

    with caplog.at_level("WARNING", logger="kombu.connection"):
        info = dict(Connection(settings.EMBEDDED_BROKER_URL)._info(resolve=False))
    assert info["hostname"] == "localhost"
    assert "No hostname" not in caplog.text
    with caplog.at_level("WARNING", logger="kombu.connection"):
        Connection("memory://")._info(resolve=False)
    assert "No hostname" in caplog.text  # the warning this guards against
