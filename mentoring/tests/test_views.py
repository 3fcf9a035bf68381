"""The pages' forms call the services: dates, extension, early end, pause, goals, check-ins, evaluations, closure."""

import datetime as dt

import pytest
from django.urls import reverse

from mentoring import services
from mentoring.models import (
    Agreement,
    CheckIn,
    Closure,
    EarlyEndRequest,
    Evaluation,
    EvaluationQuestion,
    Goal,
    Mentorship,
    Stage,
)
from mentoring.tests.factories import NEAR_THE_END, GoalFactory, accepted_agreement, pair, send_evaluations

pytestmark = pytest.mark.django_db


def test_coordinator_adjusts_dates_and_the_mentor_extends(client):
    p = pair()
    client.force_login(p.coordinator)
    start, end = p.cohort.starts_on + dt.timedelta(days=1), p.cohort.ends_on + dt.timedelta(days=1)
    response = client.post(
        reverse("mentoring:mentorship_dates", args=[p.mentorship.pk]),
        {"starts_on": start.isoformat(), "ends_on": end.isoformat()},
    )
    assert response.status_code == 302
    client.force_login(p.mentor)
    bad = client.post(
        reverse("mentoring:mentorship_extend", args=[p.mentorship.pk]), {"new_ends_on": start.isoformat(), "reason": "More time"}
    )
    assert bad.status_code == 200 and "must be after the current end" in bad.content.decode()
    later = end + dt.timedelta(days=21)  # within the cohort's 4-week maximum for a mentor
    client.post(
        reverse("mentoring:mentorship_extend", args=[p.mentorship.pk]), {"new_ends_on": later.isoformat(), "reason": "Sick leave"}
    )
    m = Mentorship.objects.get()
    assert (m.starts_on, m.ends_on) == (start, later)
    assert "Sick leave" in client.get(m.get_absolute_url()).content.decode()


def test_early_end_through_the_pages(client):
    p = pair()
    client.force_login(p.mentee)
    client.post(reverse("mentoring:early_end", args=[p.mentorship.pk]), {"reason": "New job"})
    request = EarlyEndRequest.objects.get()
    client.force_login(p.coordinator)
    overview = client.get(reverse("mentoring:cohort_overview", args=[p.cohort.pk])).content.decode()
    assert "New job" in overview
    response = client.post(
        reverse("mentoring:early_end_decide", args=[p.mentorship.pk, request.pk]),
        {"decision": "confirm", "note": "Good luck", "next": "overview"},
    )
    assert response["Location"] == reverse("mentoring:cohort_overview", args=[p.cohort.pk])
    assert Mentorship.objects.get().status == Mentorship.Status.ENDED_EARLY
    again = client.post(reverse("mentoring:early_end_decide", args=[p.mentorship.pk, request.pk]), {"decision": "decline"})
    assert again.status_code == 200 and "already decided" in again.content.decode()


def test_pause_and_resume_buttons_and_an_impossible_one(client):
    p = pair()
    client.force_login(p.mentee)
    client.post(reverse("mentoring:mentorship_transition", args=[p.mentorship.pk, "pause"]), {"reason": "Holidays"})
    assert Mentorship.objects.get().status == Mentorship.Status.PAUSED
    response = client.post(reverse("mentoring:mentorship_transition", args=[p.mentorship.pk, "pause"]), follow=True)
    assert "cannot become" in response.content.decode()
    client.post(reverse("mentoring:mentorship_transition", args=[p.mentorship.pk, "resume"]))
    assert Mentorship.objects.get().status == Mentorship.Status.ACTIVE


def test_editing_the_agreement_in_the_page_resets_acceptance(client):
    p = pair()
    accepted_agreement(p)
    client.force_login(p.mentee)
    data = {
        "meeting_frequency": "monthly",
        "communication": "Email",
        "mentee_goals": "Other goals",
        "mentor_expectations": "",
        "mentee_expectations": "",
    }
    edit_page = client.get(reverse("mentoring:agreement_edit", args=[p.mentorship.pk])).content.decode()
    assert "accept it again" in edit_page
    client.post(reverse("mentoring:agreement_edit", args=[p.mentorship.pk]), data)
    assert not Agreement.objects.get().is_accepted
    assert "Read and accept your agreement" in client.get(reverse("accounts:dashboard")).content.decode()


def test_goals_and_comments_in_the_pages(client):
    p = pair()
    client.force_login(p.mentee)
    client.post(
        reverse("mentoring:goal_create", args=[p.mentorship.pk]),
        {"title": "Give a talk", "status": "not_started", "progress": "0"},
    )
    goal = Goal.objects.get()
    client.post(
        reverse("mentoring:goal_edit", args=[p.mentorship.pk, goal.pk]),
        {"title": "Give a talk", "status": "in_progress", "progress": "55"},
    )
    goal.refresh_from_db()
    assert goal.progress == 55
    client.force_login(p.mentor)
    client.post(reverse("mentoring:goal_detail", args=[p.mentorship.pk, goal.pk]), {"body": "Try a lightning talk first."})
    client.force_login(p.mentee)
    assert (
        "Try a lightning talk first."
        in client.get(reverse("mentoring:goal_detail", args=[p.mentorship.pk, goal.pk])).content.decode()
    )
    other_goal = GoalFactory()
    assert client.get(reverse("mentoring:goal_detail", args=[p.mentorship.pk, other_goal.pk])).status_code == 404


def test_check_in_and_evaluation_forms(client):
    p = pair(started_days_ago=NEAR_THE_END)
    client.force_login(p.mentee)
    client.post(reverse("mentoring:check_in_create", args=[p.mentorship.pk]), {"progress": "Tests pass", "mood": "5"})
    assert CheckIn.objects.get().mood == 5
    client.force_login(p.mentor)
    assert "Tests pass" in client.get(reverse("mentoring:check_in_list", args=[p.mentorship.pk])).content.decode()

    url = reverse("mentoring:evaluation_submit", args=[p.mentorship.pk, Stage.FINAL])
    page = client.get(url).content.decode()
    assert "Did the mentee complete the program?" in page
    assert not EvaluationQuestion.objects.exists()  # the defaults are shown, not stored
    questions = services.evaluation_questions_for(cohort=p.cohort, stage=Stage.FINAL, direction="about_mentee")
    data = {f"q_{q.key}": "5" if q.kind == "rating" else "Great" for q in questions}
    incomplete = client.post(url, data)
    assert incomplete.status_code == 200 and not Evaluation.objects.exists()
    client.post(url, {**data, "mentee_completed": "yes"})
    evaluation = Evaluation.objects.get()
    assert evaluation.mentee_completed is True and evaluation.answers.filter(rating=5).count() == 2
    assert client.get(url)["Location"] == reverse("mentoring:evaluation_list", args=[p.mentorship.pk])
    assert client.get(reverse("mentoring:evaluation_submit", args=[p.mentorship.pk, "weekly"])).status_code == 404


def test_closure_forms_offer_alumni_consent_to_the_mentee_only(client):
    p = pair(started_days_ago=NEAR_THE_END)
    send_evaluations(p, Stage.FINAL)
    client.force_login(p.mentor)
    assert "alumnus" not in client.get(reverse("mentoring:closure", args=[p.mentorship.pk])).content.decode()
    client.post(reverse("mentoring:closure", args=[p.mentorship.pk]), {"achieved": "A lot", "thank_you": "Thanks!"})
    client.force_login(p.mentee)
    assert "alumnus/alumna" in client.get(reverse("mentoring:closure", args=[p.mentorship.pk])).content.decode()
    client.post(reverse("mentoring:closure", args=[p.mentorship.pk]), {"achieved": "Grew", "list_as_alumni": "on"})
    assert Closure.objects.get(role="mentee").list_as_alumni
    assert Mentorship.objects.get().status == Mentorship.Status.COMPLETED
    page = client.get(p.mentorship.get_absolute_url()).content.decode()
    assert "Thanks!" in page and "Remove me from the list" in page


@pytest.mark.parametrize(
    "model",
    [
        "mentorship",
        "agreement",
        "goal",
        "meeting",
        "actionitem",
        "checkin",
        "evaluation",
        "evaluationquestion",
        "closure",
        "earlyendrequest",
        "cohortmentoringsettings",
        "calendarfeed",
    ],
)
def test_admin_lists_and_change_pages_load(client, model):
    from accounts.tests.factories import UserFactory


    p = pair(started_days_ago=NEAR_THE_END)
    accepted_agreement(p)
    GoalFactory(mentorship=p.mentorship)
    meeting = services.meeting_schedule(mentorship=p.mentorship, actor=p.mentor, starts_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    services.private_note_save(meeting=meeting, actor=p.mentor, body="ADMIN-MUST-NOT-SEE")
    services.action_item_add(meeting=meeting, actor=p.mentor, owner_role="mentee", title="Docs")
    services.check_in_submit(mentorship=p.mentorship, actor=p.mentee, progress="ok", mood=3)
    services.early_end_request(mentorship=p.mentorship, actor=p.mentee, reason="Busy")
    send_evaluations(p, Stage.FINAL)
    services.closure_submit(mentorship=p.mentorship, actor=p.mentee, achieved="Much")
    services.calendar_feed_get_or_create(user=p.mentee)
    questions = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.MIDPOINT, direction="about_mentor")
    services.evaluation_submit(
        mentorship=p.mentorship,
        actor=p.mentee,
        stage=Stage.MIDPOINT,
        answers={q.pk: 3 if q.kind == "rating" else "fine" for q in questions},
    )
    from mentoring.models import CohortMentoringSettings

    CohortMentoringSettings.objects.create(cohort=p.cohort)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse(f"admin:mentoring_{model}_changelist"))
    assert changelist.status_code == 200
    model_class = changelist.context["cl"].model
    obj = model_class.objects.first()
    change = client.get(reverse(f"admin:mentoring_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert "ADMIN-MUST-NOT-SEE" not in change.content.decode()
    if model == "calendarfeed":
        assert obj.token not in change.content.decode()


def test_coordinators_find_their_cohorts_on_the_dashboard(client):
    p = pair()
    client.force_login(p.coordinator)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Mentorships you oversee" in html and reverse("mentoring:cohort_overview", args=[p.cohort.pk]) in html
