"""Issue 10, the matching part: each finding has a test named after it (each fails on the old main)."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import services
from matching.models import MatchingSettings, MatchProposal, MatchRun, PairRule
from matching.services.config import EDITABLE
from mentoring.models import Mentorship
from programs.models import Application

from .factories import hand_made_cohort
from .test_services import run_now

pytestmark = pytest.mark.django_db


def accept_on_dashboard(client, made, *applications):
    """The coordinator ticks applications on /cohorts/<id>/manage/ and clicks "Accept selected", then confirms."""
    client.force_login(made.coordinator)
    response = client.post(reverse("programs:bulk_decide", args=[made.cohort.pk]), {
        "applications": [a.pk for a in applications], "status": Application.Status.ACCEPTED, "confirm": "1",
    })
    assert response.status_code == 302
    for application in applications:
        application.refresh_from_db()
        assert application.status == Application.Status.ACCEPTED


def proposed_mentor(run, application):
    proposal = MatchProposal.objects.filter(run=run, application=application).first()
    return None if proposal is None else proposal.enrollment_id


def test_finding_01_accepted_applicant_stays_in_matching_pool(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    accept_on_dashboard(client, made, made.a, made.b)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    # accepted before the matching ran: still proposed a mentor (the best total: b with X, a with Y)
    assert proposed_mentor(run, made.b) == made.x.pk
    assert proposed_mentor(run, made.a) == made.y.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_confirm(proposal_id=MatchProposal.objects.get(run=run, application=made.b).pk, actor=made.coordinator)
    # once paired, b leaves the pool; a (accepted, no mentor yet) stays in it
    again = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    assert not MatchProposal.objects.filter(run=again, application=made.b).exists()
    assert proposed_mentor(again, made.a) == made.y.pk


def test_finding_02_cohort_maximum_is_honoured_by_solver_and_confirmation(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort(x_capacity=2, y_capacity=2)
    made.cohort.max_mentees = 1
    made.cohort.save()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    assert run.matched_count == 1  # the solver: one pair although the mentors have four places
    assert run.unmatched_by_reason.get("cohort_full") == 1
    # confirmation: raise the maximum to 2, run (two pairs), lower it to 1 again, confirm all: one mentorship
    made.cohort.max_mentees = 2
    made.cohort.save()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    assert run.matched_count == 2
    made.cohort.max_mentees = 1
    made.cohort.save()
    client.force_login(made.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:confirm", args=[run.pk]), {"all": "1", "confirm": "1"}, follow=True)
    assert Mentorship.objects.filter(cohort=made.cohort).count() == 1
    assert "maximum of 1 mentees" in response.content.decode()


def test_finding_03_ruled_out_pair_cannot_be_confirmed(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    proposal = MatchProposal.objects.get(run=run, application=made.b, enrollment=made.x)
    client.force_login(made.coordinator)
    client.post(reverse("matching:proposal_rule", args=[proposal.pk]), {"kind": "ruled_out"})
    page = client.get(run.get_absolute_url()).content.decode()
    row = page[page.index(f'id="proposal-{proposal.pk}"'):].split('<tr id="proposal-')[0]
    assert '<span class="badge text-bg-dark">Ruled out</span>' in row and f'id="select-{proposal.pk}"' not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:confirm", args=[run.pk]), {"proposals": [proposal.pk], "confirm": "1"})
        with pytest.raises(ValidationError, match="ruled out"):  # any other door: the service refuses too
            services.proposal_confirm(proposal_id=proposal.pk, actor=made.coordinator)
    assert not Mentorship.objects.exists() and mail.outbox == []
    made.b.refresh_from_db()
    assert made.b.status == Application.Status.SUBMITTED  # the acceptance was not kept either


def test_finding_03_outdated_run_cannot_be_confirmed(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    old = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    newer = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    client.force_login(made.coordinator)
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'id="newer-run"' in page and 'name="proposals"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:confirm", args=[old.pk]), {"all": "1", "confirm": "1"}, follow=True)
    assert f"A newer run exists for this cohort: confirm the pairs on run #{newer.pk}." in response.content.decode()
    with pytest.raises(ValidationError, match="newer run"):
        services.proposals_confirm(run=old, actor=made.coordinator)
    with pytest.raises(ValidationError, match="newer run"):
        services.proposal_confirm(
            proposal_id=MatchProposal.objects.filter(run=old, enrollment__isnull=False).first().pk, actor=made.coordinator,
        )
    assert not Mentorship.objects.exists()
    # the newest run confirms
    result = services.proposals_confirm(run=newer, actor=made.coordinator)
    assert len(result.confirmed) == 2


def settings_data(config: MatchingSettings, **typed) -> dict:
    data = {name: getattr(config, name) for name in EDITABLE}
    data.update(typed)
    if not data.pop("require_shared_language"):
        return data
    return {**data, "require_shared_language": "on"}


def test_finding_14_typed_weights_are_not_lost(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    url = reverse("matching:cohort", args=[made.cohort.pk])
    client.force_login(made.coordinator)
    page = client.get(url).content.decode()
    button = page[page.index('id="run-matching"') - 120:page.index('id="run-matching"')]
    assert 'form="settings-form"' in button  # "Run matching" submits what is typed in the settings form
    config = MatchingSettings.objects.get(cohort=made.cohort)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**settings_data(config, weight_interests=40, min_score=5), "run": "1"})
    run = MatchRun.objects.get(cohort=made.cohort)
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.parameters["weights"]["interests"] == 40 and run.parameters["min_score"] == 5
    config.refresh_from_db()
    assert config.weight_interests == 40
    # a mistake: nothing runs, nothing typed is lost
    response = client.post(url, {**settings_data(config, weight_text=7, min_score="abc"), "run": "1"})
    assert response.status_code == 400 and MatchRun.objects.filter(cohort=made.cohort).count() == 1
    content = response.content.decode()
    assert 'name="weight_text" value="7"' in content and 'name="min_score" value="abc"' in content


def test_confirmation_refuses_a_pair_locked_to_another_mentor(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    proposal = MatchProposal.objects.get(run=run, application=made.a, enrollment=made.y)
    PairRule.objects.create(cohort=made.cohort, application=made.a, enrollment=made.x, kind=PairRule.Kind.LOCKED)
    with pytest.raises(ValidationError, match="locked to Xavier"):
        services.proposal_confirm(proposal_id=proposal.pk, actor=made.coordinator)
    assert not Mentorship.objects.exists()
