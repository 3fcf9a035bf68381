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

    assert Mentorship.objects.filter(status="active").count() == 2
    out = capsys.readouterr().out
    assert "admin@example.com" in out and "demo-pass-2026" in out


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
