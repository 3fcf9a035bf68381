"""Pages say what is true: one way to write a time (with its zone), roles as they are, and a
question that stops once it is answered."""
import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import SkillFactory, UserFactory
from mentoring import services
from mentoring.models import Goal, Stage
from mentoring.tests.factories import NEAR_THE_END, pair, send_evaluations
from programs.tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def render(text: str, **context) -> str:
    return Template("{% load when %}" + text).render(Context(context))


def test_a_moment_names_its_zone_and_a_day_is_a_date_in_the_readers_language():
    moment = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)
    with timezone.override("America/La_Paz"):
        assert render("{{ m|moment }}", m=moment) == "Nov. 30, 2026, 1:05 p.m. America/La_Paz"
        assert render("{{ m|day }}", m=moment) == "Nov. 30, 2026"
    with translation.override("es"), timezone.override("Europe/Madrid"):
        assert render("{{ m|day }}", m=moment.date()) == "30 de noviembre de 2026"
        assert "Europe/Madrid" in render("{{ m|moment }}", m=moment)
    # The outbox reads e-mail Date headers: the same presentation, not the raw RFC text.
    with timezone.override("UTC"):
        assert render("{{ m|moment }}", m="Mon, 30 Nov 2026 17:05:00 -0000") == "Nov. 30, 2026, 5:05 p.m. UTC"
    assert render("{{ m|moment|default:'—' }}", m=None) == "—"


def test_age_in_days_is_whole_days_and_ago_is_relative():
    now = timezone.now()
    assert render("{{ m|days_old }}", m=now - dt.timedelta(minutes=6)) == "0"
    assert render("{{ m|days_old }}", m=now - dt.timedelta(days=3, hours=1)) == "3"
    assert render("{{ m|ago }}", m=now - dt.timedelta(days=2, hours=1)).startswith("2\xa0days")
    assert render("{{ m|ago }}", m=now + dt.timedelta(days=2, hours=1)).endswith("from now")


def complete(p):
    send_evaluations(p, Stage.FINAL)
    services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="Done")
    services.closure_submit(mentorship=p.mentorship, actor=p.mentee, achieved="Done", list_as_alumni=True)


def test_after_yes_id_like_to_mentor_the_dashboard_stops_asking_and_the_profile_is_no_less_complete(client):
    p = pair(started_days_ago=NEAR_THE_END)
    services.goal_create(mentorship=p.mentorship, actor=p.mentee, title="Publish to PyPI",
                         skills=[SkillFactory(name="Packaging")], status=Goal.Status.DONE)
    now = timezone.now()
    CohortFactory(program=p.program, name="Next term", applications_open_at=now + dt.timedelta(days=20),
                  applications_close_at=now + dt.timedelta(days=40))
    complete(p)
    client.force_login(p.mentee)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Would you mentor the next cohort?" in dashboard
    before = p.mentee.profile.completeness

    client.post(reverse("mentoring:become_mentor"))
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Would you mentor the next cohort?" not in dashboard
    assert "Yes, I&#x27;d like to mentor" not in dashboard and "Yes, I'd like to mentor" not in dashboard
    assert "Volunteer to mentor in Next term" in dashboard  # the next step is still offered
    profile = type(p.mentee.profile).objects.get(pk=p.mentee.profile.pk)
    assert profile.is_mentor
    assert list(profile.skills.values_list("name", flat=True)) == ["Packaging"]  # what they learned
    assert profile.completeness >= before


def test_the_dashboard_names_roles_truthfully(client):
    coordinator = UserFactory()
    coordinator.profile.is_mentee = False
    coordinator.profile.save()
    ProgramFactory(coordinators=[coordinator])
    client.force_login(coordinator)
    aside = client.get(reverse("accounts:dashboard")).content.decode().split('id="profile-status"')[1]
    assert "Coordinator" in aside and "Mentee" not in aside

    p = pair()
    client.force_login(p.mentor)
    aside = client.get(reverse("accounts:dashboard")).content.decode().split('id="profile-status"')[1]
    assert "Mentor" in aside and "Coordinator" not in aside


def test_a_pair_with_a_meeting_booked_in_two_days_is_not_flagged_at_risk():
    from mentoring import selectors
    from mentoring.reminders import no_meeting

    quiet, booked = pair(started_days_ago=30, mentee_name="Quiet Mentee"), pair(started_days_ago=30)
    services.meeting_schedule(mentorship=booked.mentorship, actor=booked.mentor,
                              starts_at=timezone.now() + dt.timedelta(days=2), agenda="Catch up")
    rows = {}
    for p in (quiet, booked):
        for _status, group in selectors.cohort_overview(cohort=p.cohort)["groups"]:
            rows.update({row.mentorship.pk: row.at_risk for row in group})
    assert rows == {quiet.mentorship.pk: True, booked.mentorship.pk: False}
    no_meeting(now=timezone.now())  # the reminder follows the same rule: only the quiet pair is told
    from notifications.models import Notification

    told = set(Notification.objects.filter(kind="mentorship_reminder").values_list("user_id", flat=True))
    assert quiet.mentee.pk in told and booked.mentee.pk not in told


def test_similar_goals_names_words_that_say_something():
    from matching.reasons import reasons_for

    said = " | ".join(reasons_for({"text_terms": ["first", "of", "pandas", "quiero"]}))
    assert "similar goals: pandas" in said
    assert "first" not in said
    assert "similar goals" not in " ".join(reasons_for({"text_terms": ["first", "goals"]}))


def test_a_suggested_mentor_is_linked_only_when_the_mentee_may_open_their_profile(client):
    from matching.tests.factories import hand_made_cohort

    made = hand_made_cohort()
    listed, unlisted = made.x.mentor.profile, made.y.mentor.profile
    listed.open_to_mentoring, unlisted.open_to_mentoring = True, False
    listed.save(), unlisted.save()
    client.force_login(made.a.applicant)
    html = client.get(reverse("programs:application_edit", args=[made.cohort.pk])).content.decode()
    section = html.split("suggested-mentors", 1)[1]
    assert f'href="{listed.get_absolute_url()}"' in section and "Yolanda" in section
    assert f'href="{unlisted.get_absolute_url()}"' not in section
    assert client.get(unlisted.get_absolute_url()).status_code == 404  # the link it would have been


def test_every_page_links_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg")
