"""Dashboards, the coordinators' cohort overview and program statistics: content, risk flags and query counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentoring import services
from mentoring.models import Agreement, CheckIn, Direction, Evaluation, EvaluationAnswer, Goal, Meeting, Mentorship, Stage
from mentoring.tests.factories import RunningCohortFactory, accepted_agreement, pair, send_evaluations
from programs.models import Application
from programs.tests.factories import ApplicationFactory, ProgramFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def bulk_pairs(cohort, count, *, mentor=None):
    """`count` mentorships in one cohort, each with a goal, meetings, a check-in and an evaluation (few queries)."""
    mentees = [UserFactory(verified=False) for _ in range(count)]
    mentors = [mentor] * count if mentor else [UserFactory(verified=False) for _ in range(count)]
    statuses = [Mentorship.Status.ACTIVE, Mentorship.Status.PAUSED, Mentorship.Status.COMPLETED, Mentorship.Status.ENDED_EARLY]
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                cohort=cohort,
                mentor=mentors[i],
                mentee=mentees[i],
                status=statuses[i % 4],
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                completed_at=dt.datetime.now(UTC) if statuses[i % 4] == Mentorship.Status.COMPLETED else None,
            )
            for i in range(count)
        ]
    )
    now = dt.datetime.now(UTC)
    Goal.objects.bulk_create([Goal(mentorship=m, title=f"Goal {m.pk}", progress=50) for m in mentorships])
    Meeting.objects.bulk_create(
        [Meeting(mentorship=m, starts_at=now - dt.timedelta(days=3)) for m in mentorships]
        + [Meeting(mentorship=m, starts_at=now + dt.timedelta(days=3)) for m in mentorships]
    )
    CheckIn.objects.bulk_create([CheckIn(mentorship=m, author=m.mentee, progress="ok", mood=3) for m in mentorships])
    Agreement.objects.bulk_create([Agreement(mentorship=m, communication="chat", mentee_goals="grow") for m in mentorships[::2]])
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                mentorship=m,
                stage=Stage.MIDPOINT,
                direction=Direction.ABOUT_MENTOR,
                author=m.mentee,
                submitted_at=now,
                due_on=cohort.midpoint_evaluation_due,
            )
            for m in mentorships
        ]
    )
    EvaluationAnswer.objects.bulk_create(
        [EvaluationAnswer(evaluation=e, prompt="q", kind="rating", rating=4) for e in evaluations]
    )
    return mentorships


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_dashboard_asks_for_the_agreement_until_both_accept_and_shows_the_next_meeting(client):
    p = pair()
    client.force_login(p.mentee)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your mentorship" in html and "Write your agreement" in html
    services.agreement_save(
        mentorship=p.mentorship, actor=p.mentor, meeting_frequency="weekly", communication="Chat", mentee_goals="Grow"
    )
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Read and accept your agreement" in html
    client.force_login(p.mentor)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your mentees" in html and "Teo Mentee" in html and "Read and accept your agreement" not in html
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)
    meeting = services.meeting_schedule(
        mentorship=p.mentorship, actor=p.mentee, starts_at=dt.datetime.now(UTC) + dt.timedelta(days=2)
    )
    services.goal_create(
        mentorship=p.mentorship, actor=p.mentee, title="Write the docs", progress=60, status=Goal.Status.IN_PROGRESS
    )
    client.force_login(p.mentee)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "agreement" not in html.lower().split("your mentorship")[1]
    assert reverse("mentoring:meeting_detail", args=[p.mentorship.pk, meeting.pk]) in html
    assert "Write the docs" in html and "w-60" in html
    # The mentorship page asks too, until both accept.
    other = pair()
    client.force_login(other.mentee)
    assert "First, agree on goals and expectations" in client.get(other.mentorship.get_absolute_url()).content.decode()
    client.force_login(p.mentee)
    assert "First, agree on goals and expectations" not in client.get(p.mentorship.get_absolute_url()).content.decode()


def test_dashboard_lists_what_is_due():
    from mentoring.selectors import dashboard_for

    p = pair(started_days_ago=80)  # midpoint passed, final due soon
    accepted_agreement(p)
    data = dashboard_for(user=p.mentee)
    labels = [str(t.label) for t in data["as_mentee"][0].todos]
    assert "Check in: how is it going?" in labels
    assert "Midpoint evaluation" in labels and "Final evaluation" in labels
    assert any(t.overdue for t in data["as_mentee"][0].todos if str(t.label) == "Midpoint evaluation")
    # Closing comes after both final evaluations (the lifecycle's rule), not before.
    assert "Close the mentorship: reflect and say thank you" not in labels
    services.check_in_submit(mentorship=p.mentorship, actor=p.mentee, progress="ok", mood=4)
    send_evaluations(p, Stage.FINAL)
    labels = [str(t.label) for t in dashboard_for(user=p.mentee)["as_mentee"][0].todos]
    assert "Check in: how is it going?" not in labels
    assert "Close the mentorship: reflect and say thank you" in labels


def test_people_without_mentorships_get_no_mentoring_section():
    from mentoring.selectors import dashboard_for

    assert dashboard_for(user=UserFactory()) is None


def test_dashboard_query_count_does_not_grow_with_300_mentorships(client, django_assert_max_num_queries):
    mentor = UserFactory()
    small_cohort, big_cohort = RunningCohortFactory(), RunningCohortFactory()
    bulk_pairs(small_cohort, 3, mentor=mentor)
    client.force_login(mentor)
    client.get(reverse("accounts:dashboard"))  # warm the session (time zone)
    small = count_queries(client, reverse("accounts:dashboard"))
    bulk_pairs(big_cohort, 300, mentor=mentor)
    with django_assert_max_num_queries(small):
        response = client.get(reverse("accounts:dashboard"))
    assert response.content.decode().count("Your mentees") == 1
    assert Mentorship.objects.filter(mentor=mentor).count() == 303
    assert small <= 24  # a fixed number: sections registered by apps (stipends, contributions, programwork) add one each


def test_cohort_overview_query_count_is_constant_with_300_mentorships(client, django_assert_max_num_queries):
    p = pair()
    client.force_login(p.coordinator)
    url = reverse("mentoring:cohort_overview", args=[p.cohort.pk])
    client.get(url)
    small = count_queries(client, url)
    bulk_pairs(p.cohort, 300)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    html = response.content.decode()
    assert Mentorship.objects.filter(cohort=p.cohort).count() == 301
    assert html.count('href="/mentorships/') >= 301
    assert small <= 12


def test_overview_numbers_and_pending_early_end_requests(client):
    p = pair()
    cohort = p.cohort
    bulk_pairs(cohort, 8)  # 2 of each status; the pair from pair() is active
    services.early_end_request(mentorship=p.mentorship, actor=p.mentor, reason="Too busy")
    client.force_login(p.coordinator)
    response = client.get(reverse("mentoring:cohort_overview", args=[cohort.pk]))
    context = response.context
    assert context["counts"]["active"] == 3 and context["counts"]["completed"] == 2 and context["total"] == 9
    assert context["completion_rate"] == 50  # 2 completed of 4 finished
    assert [r.reason for r in context["pending_early_ends"]] == ["Too busy"]
    html = response.content.decode()
    assert reverse("mentoring:early_end_decide", args=[p.mentorship.pk, context["pending_early_ends"][0].pk]) in html


def test_at_risk_after_21_days_without_a_meeting(client):
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC), tick=False):
        met = pair(mentee_name="Met Once", started_days_ago=4)  # started 1 January
        never = pair(mentee_name="Never Met", started_days_ago=4)
        Mentorship.objects.filter(pk=never.mentorship.pk).update(cohort=met.cohort)
        services.meeting_schedule(
            mentorship=met.mentorship, actor=met.mentor, starts_at=dt.datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
        )
    client.force_login(met.coordinator)
    url = reverse("mentoring:cohort_overview", args=[met.cohort.pk])

    def at_risk_names():
        rows = [row for _status, rows in client.get(url).context["groups"] for row in rows]
        return sorted(r.mentorship.mentee.profile.name for r in rows if r.at_risk)

    with time_machine.travel(dt.datetime(2026, 1, 20, 12, 0, tzinfo=UTC), tick=False):
        assert at_risk_names() == []  # 19 days since the start: too early to tell
    with time_machine.travel(dt.datetime(2026, 1, 23, 12, 0, tzinfo=UTC), tick=False):
        assert at_risk_names() == ["Never Met"]  # 22 days, never met
    with time_machine.travel(dt.datetime(2026, 1, 27, 9, 0, tzinfo=UTC), tick=False):
        assert at_risk_names() == ["Never Met"]  # 20 days and 23 hours since they met
    with time_machine.travel(dt.datetime(2026, 1, 28, 11, 0, tzinfo=UTC), tick=False):
        assert at_risk_names() == ["Met Once", "Never Met"]
        assert "at risk" in client.get(url).content.decode()
        services.meeting_schedule(
            mentorship=met.mentorship, actor=met.mentee, starts_at=dt.datetime(2026, 1, 28, 10, 0, tzinfo=UTC)
        )
        assert at_risk_names() == ["Never Met"]


def test_program_statistics_with_server_drawn_bar_charts(client, django_assert_max_num_queries):
    coordinator = UserFactory()
    program = ProgramFactory(coordinators=[coordinator])
    first, second = RunningCohortFactory(program=program, name="Spring"), RunningCohortFactory(program=program, name="Autumn")
    for status in ("accepted", "accepted", "declined", "submitted", "draft"):
        ApplicationFactory(cohort=first, status=status)
    ApplicationFactory(cohort=second, status=Application.Status.ACCEPTED)
    bulk_pairs(first, 8)
    client.force_login(coordinator)
    url = reverse("mentoring:program_statistics", args=[program.slug])
    client.get(url)
    small = count_queries(client, url)
    for i in range(5):
        cohort = RunningCohortFactory(program=program, name=f"Extra {i}")
        bulk_pairs(cohort, 4)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    rows = {r.cohort.name: r for r in response.context["rows"]}
    spring = rows["Spring"]
    assert (spring.applications, spring.accepted, spring.acceptance_rate) == (4, 2, 50)
    assert spring.completion_rate == 50 and spring.rating_about_mentor == 4.0 and spring.rating_about_mentee is None
    assert rows["Autumn"].acceptance_rate == 100 and rows["Autumn"].completion_rate is None
    html = response.content.decode()
    assert html.count("<svg") == 5 and "<rect" in html and 'role="img"' in html
    assert " style=" not in html and "<script>" not in html
    widths = [b.width for b in response.context["charts"][1].bars]  # acceptance: Spring 50%, Autumn 100%
    assert widths[0] * 2 == widths[1] > 0


def test_statistics_and_overview_are_for_the_programs_coordinators(client):
    p = pair()
    client.force_login(pair().coordinator)
    assert client.get(reverse("mentoring:program_statistics", args=[p.program.slug])).status_code == 404
    assert client.get(reverse("mentoring:program_statistics", args=["no-such-program"])).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("mentoring:program_statistics", args=[p.program.slug])).status_code == 200
