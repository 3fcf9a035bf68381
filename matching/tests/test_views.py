"""Matching pages: who may see them (three cases for each), and what coordinators do on them."""
import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from matching.models import MatchingSettings, MatchProposal, MatchRun, PairRule
from mentoring.models import Mentorship
from programs.models import Application
from programs.tests.factories import cohort_scenario

from .factories import hand_made_cohort, realistic_cohort
from .test_services import run_now

pytestmark = pytest.mark.django_db


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    proposal = MatchProposal.objects.get(run=run, application=made.b)
    rule = PairRule.objects.create(cohort=made.cohort, application=made.c, enrollment=made.y, kind=PairRule.Kind.RULED_OUT)
    return made, run, proposal, rule


def urls(made, run, proposal, rule):
    """(method, url, data) for every matching view."""
    return [
        ("get", reverse("matching:cohort", args=[made.cohort.pk]), None),
        ("post", reverse("matching:cohort", args=[made.cohort.pk]), {"min_score": "2"}),
        ("post", reverse("matching:run_start", args=[made.cohort.pk]), {}),
        ("get", reverse("matching:run_detail", args=[run.pk]), None),
        ("get", reverse("matching:run_status", args=[run.pk]), None),
        ("post", reverse("matching:run_again", args=[run.pk]), {}),
        ("post", reverse("matching:confirm", args=[run.pk]), {"all": "1"}),
        ("get", reverse("matching:proposal_swap", args=[proposal.pk]), None),
        ("post", reverse("matching:proposal_swap", args=[proposal.pk]), {"enrollment": made.y.pk}),
        ("post", reverse("matching:proposal_rule", args=[proposal.pk]), {"kind": "locked"}),
        ("post", reverse("matching:rule_remove", args=[rule.pk]), {}),
    ]


def test_every_view_three_cases(client, world):
    made, run, proposal, rule = world
    other_coordinator = cohort_scenario(applications=0, mentors=0).coordinator
    strangers = [made.b.applicant, made.x.mentor, other_coordinator, UserFactory()]
    for method, url, data in urls(*world):
        client.logout()
        assert login_redirect(getattr(client, method)(url, data or {})), url
        for person in strangers:
            client.force_login(person)
            assert getattr(client, method)(url, data or {}).status_code == 404, (url, person)
    # nothing changed for them
    assert MatchRun.objects.filter(cohort=made.cohort).count() == 1
    assert PairRule.objects.filter(pk=rule.pk).exists() and not Mentorship.objects.exists()
    for person in (made.coordinator, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(person)
        for method, url, _data in urls(*world):
            if method == "get":
                assert client.get(url).status_code == 200, (url, person)


def test_coordinator_and_admin_may_act(client, world):
    made, run, proposal, rule = world
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(reverse("matching:proposal_rule", args=[proposal.pk]), {"kind": "locked"})
    assert response.status_code == 302 and PairRule.objects.filter(application=made.b, kind="locked").exists()
    client.force_login(made.coordinator)
    response = client.post(reverse("matching:rule_remove", args=[rule.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("matching:cohort", args=[made.cohort.pk])
    assert not PairRule.objects.filter(pk=rule.pk).exists()


def test_settings_form_saves_and_refuses_all_zero_weights(client):
    made = hand_made_cohort()
    client.force_login(made.coordinator)
    url = reverse("matching:cohort", args=[made.cohort.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Run matching" in page.content.decode()
    data = {
        "weight_skills": "0", "weight_interests": "0", "weight_text": "0", "weight_language": "10", "weight_timezone": "0",
        "weight_availability": "0", "weight_preference": "10", "weight_review": "5", "min_score": "0", "mode": "optimal",
        "objective": "total", "top_k": "50",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "at least one of skills" in response.content.decode()
    data.update(weight_skills="60", mode="stable", min_score="10", require_shared_language="on")
    response = client.post(url, data)
    assert response.status_code == 302
    config = MatchingSettings.objects.get(cohort=made.cohort)
    assert config.weight_skills == 60 and config.mode == "stable" and config.min_score == 10


def test_run_matching_button_computes_and_the_run_page_explains(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    client.force_login(made.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:run_start", args=[made.cohort.pk]))
    run = MatchRun.objects.get(cohort=made.cohort)
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Bruno" in page and "Xavier" in page and "1 shared skill: Bayesian statistics" in page
    assert 'id="comparison"' in page and "Greedy" in page and "Stable" in page
    assert "Every possible mentor scores below the minimum" in page
    unmatched = client.get(run.get_absolute_url(), {"show": "unmatched"}).content.decode()
    assert "Chen" in unmatched and "Dolores" in unmatched and "Bruno" not in unmatched
    only_x = client.get(run.get_absolute_url(), {"mentor": made.x.pk}).content.decode()
    assert "Bruno" in only_x and "Ana" not in only_x
    by_mentee = client.get(run.get_absolute_url(), {"sort": "mentee"}).content.decode()
    assert by_mentee.index("Ana") < by_mentee.index("Bruno")
    status = client.get(reverse("matching:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["finished"] is True and status["matched"] == 2


def test_a_running_run_page_polls_and_has_a_refresh_link(client):
    made = hand_made_cohort()
    run = MatchRun.objects.create(cohort=made.cohort, status=MatchRun.Status.RUNNING, progress="scoring")
    client.force_login(made.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "js/matching.js" in page and 'data-run-status-url="/matching/runs/' in page
    assert 'id="refresh-link"' in page and "Scoring every pair" in page
    status = client.get(reverse("matching:run_status", args=[run.pk])).json()
    assert status == {**status, "status": "running", "finished": False, "progress": "scoring"}


def test_a_failed_run_page_shows_the_error_and_runs_again(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = MatchRun.objects.create(cohort=made.cohort, status=MatchRun.Status.FAILED, error="ValueError: bad data")
    client.force_login(made.coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "This run failed." in page and "ValueError: bad data" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:run_again", args=[run.pk]))
    newer = MatchRun.objects.exclude(pk=run.pk).get(cohort=made.cohort)
    assert response["Location"] == newer.get_absolute_url() and newer.status == MatchRun.Status.DONE


def test_run_page_query_count_does_not_grow_with_proposals(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries,
):
    small, _e, _a = realistic_cohort(applications=5, mentors=3, seed=5)
    large, _e, _a = realistic_cohort(applications=80, mentors=20, seed=6)
    small_run = run_now(small.cohort, small.coordinator, django_capture_on_commit_callbacks)
    large_run = run_now(large.cohort, large.coordinator, django_capture_on_commit_callbacks)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    client.get(small_run.get_absolute_url())  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(small_run.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(large_run.get_absolute_url()).status_code == 200


def test_swap_shows_the_new_score_and_places_then_moves(client, django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    a = MatchProposal.objects.get(run=run, application=made.a)
    assert a.enrollment_id == made.y.pk
    made.x.capacity = 2  # X takes one more mentee after the run
    made.x.save()
    client.force_login(made.coordinator)
    url = reverse("matching:proposal_swap", args=[a.pk])
    page = client.get(url).content.decode()
    assert "Move to Xavier" in page and "1 / 2" in page  # X has one place left of two
    preview = client.post(url, {"enrollment": made.x.pk})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'id="new-score">100.0<' in text and "1 of 2 now, 0 after the move" in text
    a.refresh_from_db()
    assert a.enrollment_id == made.y.pk  # nothing changed before confirming
    done = client.post(url, {"enrollment": made.x.pk, "confirm": "1", "keep": "on"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.enrollment_id == made.x.pk and a.status == "overridden" and a.locked


def test_swap_to_a_full_mentor_is_refused_with_a_message(client, world):
    made, run, proposal, rule = world
    a = MatchProposal.objects.get(run=run, application=made.a)
    client.force_login(made.coordinator)
    response = client.post(reverse("matching:proposal_swap", args=[a.pk]), {"enrollment": made.x.pk, "confirm": "1"}, follow=True)
    assert "no place left" in response.content.decode()
    a.refresh_from_db()
    assert a.enrollment_id == made.y.pk


def test_confirm_has_a_confirmation_step_then_confirms(client, world, django_capture_on_commit_callbacks):
    made, run, proposal, rule = world
    client.force_login(made.coordinator)
    url = reverse("matching:confirm", args=[run.pk])
    step = client.post(url, {"proposals": [proposal.pk]})
    assert step.status_code == 200 and "You are about to confirm 1 pair" in step.content.decode()
    assert not Mentorship.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"proposals": [proposal.pk], "confirm": "1"}, follow=True)
    assert "1 pair confirmed" in done.content.decode()
    assert Mentorship.objects.get().mentee_id == made.b.applicant_id
    assert {m.to[0] for m in mail.outbox} >= {made.b.applicant.email, made.x.mentor.email}
    made.b.refresh_from_db()
    assert made.b.status == Application.Status.ACCEPTED


def test_confirm_all_and_nothing_selected(client, world, django_capture_on_commit_callbacks):
    made, run, proposal, rule = world
    client.force_login(made.coordinator)
    url = reverse("matching:confirm", args=[run.pk])
    nothing = client.post(url, {}, follow=True)
    assert "Select at least one pair" in nothing.content.decode()
    step = client.post(url, {"all": "1"})
    assert "You are about to confirm 2 pairs" in step.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"all": "1", "confirm": "1"})
    assert Mentorship.objects.count() == 2


def test_many_confirmations_go_to_a_background_task(client, world, settings, django_capture_on_commit_callbacks):
    made, run, proposal, rule = world
    settings.MATCHING_CONFIRM_INLINE_LIMIT = 1
    client.force_login(made.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:confirm", args=[run.pk]), {"all": "1", "confirm": "1"}, follow=True)
    assert "in the background" in response.content.decode()
    assert Mentorship.objects.count() == 2  # the eager task ran


def test_admin_action_runs_matching_again(client, world, django_capture_on_commit_callbacks):
    made, run, proposal, rule = world
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:matching_matchrun_changelist"), {
            "action": "run_again_for_cohort", "_selected_action": [run.pk],
        })
    assert response.status_code == 302
    assert MatchRun.objects.filter(cohort=made.cohort).count() == 2
    for name in ("matchrun", "matchproposal", "pairrule", "matchingsettings"):
        assert client.get(reverse(f"admin:matching_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:matching_matchrun_change", args=[run.pk])).status_code == 200


def test_suggestion_includes_render(rf):
    from django.template import Context, Template

    made = hand_made_cohort()
    html = Template("{% load matching_tags %}{% suggested_mentors application %}").render(Context({"application": made.a}))
    assert "Xavier" in html and "Yolanda" in html and "fit 100/100" in html
    html = Template("{% load matching_tags %}{% best_fit_applicants cohort mentor %}").render(
        Context({"cohort": made.cohort, "mentor": made.x.mentor}),
    )
    assert "Ana" in html and "Bruno" in html and reverse("programs:review", args=[made.a.pk]) in html
    assert Template("{% load matching_tags %}{% best_fit_applicants cohort mentor %}").render(
        Context({"cohort": made.cohort, "mentor": UserFactory()}),
    ).strip() == ""
