"""Evaluations both ways with cohort questions and lateness; closure; the mentee who becomes a mentor; alumni."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SkillFactory
from mentoring import selectors, services
from mentoring.deadlines import EvaluationState, evaluation_slots
from mentoring.models import (
    CohortMentoringSettings,
    Direction,
    Evaluation,
    EvaluationQuestion,
    Goal,
    Mentorship,
    Stage,
)
from mentoring.tests.factories import NEAR_THE_END, pair, send_evaluations
from programs.models import Phase
from programs.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def answer_all(questions, rating=4, text="Good work."):
    return {q.pk: rating if q.kind == EvaluationQuestion.Kind.RATING else text for q in questions}


def submit(p, person, stage, **extra):
    role_direction = Direction.ABOUT_MENTEE if person == p.mentor else Direction.ABOUT_MENTOR
    questions = services.evaluation_questions_ensure(cohort=p.cohort, stage=stage, direction=role_direction)
    if stage == Stage.FINAL and person == p.mentor:
        extra.setdefault("mentee_completed", True)
    return services.evaluation_submit(mentorship=p.mentorship, actor=person, stage=stage, answers=answer_all(questions), **extra)


def test_default_questions_when_the_cohort_has_none_and_its_own_otherwise():
    p = pair()
    defaults = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.MIDPOINT, direction=Direction.ABOUT_MENTOR)
    assert len(defaults) == 3 and {q.kind for q in defaults} == {"rating", "text"}
    again = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.MIDPOINT, direction=Direction.ABOUT_MENTOR)
    assert [q.pk for q in again] == [q.pk for q in defaults]  # not added twice
    other = pair()
    own = EvaluationQuestion.objects.create(
        cohort=other.cohort,
        stage=Stage.FINAL,
        direction=Direction.ABOUT_MENTEE,
        prompt="Would you work with them again?",
        kind="rating",
    )
    assert services.evaluation_questions_ensure(cohort=other.cohort, stage=Stage.FINAL, direction=Direction.ABOUT_MENTEE) == [own]


def test_both_directions_once_per_stage_and_the_mentor_says_whether_the_mentee_completed():
    p = pair(started_days_ago=NEAR_THE_END)
    by_mentee = submit(p, p.mentee, Stage.MIDPOINT)
    by_mentor = submit(p, p.mentor, Stage.MIDPOINT)
    assert (by_mentee.direction, by_mentor.direction) == (Direction.ABOUT_MENTOR, Direction.ABOUT_MENTEE)
    assert by_mentor.answers.count() == 3 and by_mentor.answers.filter(rating=4).count() == 2
    with pytest.raises(ValidationError, match="already sent"):
        submit(p, p.mentee, Stage.MIDPOINT)
    questions = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.FINAL, direction=Direction.ABOUT_MENTEE)
    with pytest.raises(ValidationError, match="completed the program"):
        services.evaluation_submit(mentorship=p.mentorship, actor=p.mentor, stage=Stage.FINAL, answers=answer_all(questions))
    final = submit(p, p.mentor, Stage.FINAL, mentee_completed=False)
    assert final.mentee_completed is False
    with pytest.raises(PermissionDenied):
        submit(p, p.coordinator, Stage.FINAL)


def test_answers_are_validated():
    p = pair(started_days_ago=NEAR_THE_END)
    questions = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.MIDPOINT, direction=Direction.ABOUT_MENTOR)
    bad = answer_all(questions)
    bad[questions[0].pk] = 9
    with pytest.raises(ValidationError, match="from 1 to 5"):
        services.evaluation_submit(mentorship=p.mentorship, actor=p.mentee, stage=Stage.MIDPOINT, answers=bad)
    missing = answer_all(questions, text="  ")
    with pytest.raises(ValidationError):
        services.evaluation_submit(mentorship=p.mentorship, actor=p.mentee, stage=Stage.MIDPOINT, answers=missing)
    assert not Evaluation.objects.exists()


def test_late_evaluations_are_flagged_sent_late_or_overdue_and_missing():
    p = pair()
    due = p.cohort.midpoint_evaluation_due
    with time_machine.travel(dt.datetime.combine(due, dt.time(23, 0), tzinfo=dt.UTC), tick=False):
        on_time = submit(p, p.mentee, Stage.MIDPOINT)
    with time_machine.travel(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9, 0), tzinfo=dt.UTC), tick=False):
        late = submit(p, p.mentor, Stage.MIDPOINT)
    assert not on_time.is_late and late.is_late
    later = due + dt.timedelta(days=3)
    slots = {(s.stage, s.direction): s for s in evaluation_slots(p.mentorship, [on_time, late], on=later)}
    assert slots[(Stage.MIDPOINT, Direction.ABOUT_MENTOR)].state == EvaluationState.SUBMITTED
    assert slots[(Stage.MIDPOINT, Direction.ABOUT_MENTEE)].state == EvaluationState.SUBMITTED_LATE
    final_due = p.cohort.final_evaluation_due
    after_final = {
        (s.stage, s.direction): s.state for s in evaluation_slots(p.mentorship, [], on=final_due + dt.timedelta(days=1))
    }
    assert after_final[(Stage.FINAL, Direction.ABOUT_MENTOR)] == EvaluationState.OVERDUE
    before = {(s.stage, s.direction): s.state for s in evaluation_slots(p.mentorship, [], on=final_due - dt.timedelta(days=30))}
    # 30 days before it is due, the final evaluation has not opened (it opens at 85 % of the pair's time).
    assert before[(Stage.FINAL, Direction.ABOUT_MENTOR)] == EvaluationState.NOT_OPEN_YET


def test_feedback_about_the_mentor_is_for_coordinators_unless_the_cohort_shares_it(client):
    p = pair(started_days_ago=NEAR_THE_END)
    questions = services.evaluation_questions_ensure(cohort=p.cohort, stage=Stage.MIDPOINT, direction=Direction.ABOUT_MENTOR)
    answers = answer_all(questions, text="MENTEE-SAYS-ABOUT-MENTOR")
    services.evaluation_submit(mentorship=p.mentorship, actor=p.mentee, stage=Stage.MIDPOINT, answers=answers)
    url = reverse("mentoring:evaluation_list", args=[p.mentorship.pk])
    client.force_login(p.mentor)
    assert "MENTEE-SAYS-ABOUT-MENTOR" not in client.get(url).content.decode()
    client.force_login(p.coordinator)
    assert "MENTEE-SAYS-ABOUT-MENTOR" in client.get(url).content.decode()
    CohortMentoringSettings.objects.create(cohort=p.cohort, share_mentee_feedback_with_mentor=True)
    client.force_login(p.mentor)
    assert "MENTEE-SAYS-ABOUT-MENTOR" in client.get(url).content.decode()


def test_both_close_then_completed_with_thank_you_notes_by_email(django_capture_on_commit_callbacks):
    p = pair(started_days_ago=NEAR_THE_END)
    with pytest.raises(ValidationError):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved=" ")
    with pytest.raises(ValidationError, match="both final evaluations"):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="Too soon")
    send_evaluations(p, Stage.FINAL)
    services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="A release", thank_you="THANKS-FROM-MENTOR")
    assert Mentorship.objects.get().status == Mentorship.Status.ACTIVE
    with pytest.raises(ValidationError, match="already closed"):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="Again")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_submit(
            mentorship=p.mentorship,
            actor=p.mentee,
            achieved="I maintain a package now",
            do_differently="Ask earlier",
            thank_you="THANKS-FROM-MENTEE",
            list_as_alumni=True,
        )
    m = Mentorship.objects.get()
    assert m.status == Mentorship.Status.COMPLETED and m.completed_at
    by_recipient = {msg.to[0]: msg for msg in mail.outbox}
    assert "THANKS-FROM-MENTEE" in by_recipient[p.mentor.email].body
    assert "THANKS-FROM-MENTOR" in by_recipient[p.mentee.email].body
    assert "THANKS-FROM-MENTOR" not in by_recipient[p.mentor.email].body


def test_closing_needs_a_running_mentorship():
    p = pair(status=Mentorship.Status.PROPOSED)
    with pytest.raises(ValidationError, match="running"):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentee, achieved="x")


def complete(p, *, list_as_alumni=True):
    send_evaluations(p, Stage.FINAL)
    services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="Done")
    services.closure_submit(mentorship=p.mentorship, actor=p.mentee, achieved="Done", list_as_alumni=list_as_alumni)


def test_a_completed_mentee_is_offered_the_next_cohort_with_a_prefilled_offer(client):
    p = pair(started_days_ago=NEAR_THE_END)
    packaging = SkillFactory(name="Packaging")
    services.goal_create(
        mentorship=p.mentorship, actor=p.mentee, title="Publish to PyPI", skills=[packaging], status=Goal.Status.DONE
    )
    now = timezone.now()
    CohortFactory(
        program=p.program,
        name="Finished one",
        applications_open_at=now - dt.timedelta(days=400),
        applications_close_at=now - dt.timedelta(days=380),
        starts_on=(now - dt.timedelta(days=300)).date(),
        ends_on=(now - dt.timedelta(days=200)).date(),
    )
    later = CohortFactory(
        program=p.program,
        name="Much later",
        applications_open_at=now + dt.timedelta(days=200),
        applications_close_at=now + dt.timedelta(days=220),
    )
    upcoming = CohortFactory(
        program=p.program,
        name="Next term",
        applications_open_at=now + dt.timedelta(days=20),
        applications_close_at=now + dt.timedelta(days=40),
    )
    assert upcoming.phase == Phase.UPCOMING and later.phase == Phase.UPCOMING
    complete(p)
    client.force_login(p.mentee)
    html = client.get(p.mentorship.get_absolute_url()).content.decode()
    assert "Yes, I'd like to mentor" in html
    offer = selectors.mentorship_page(mentorship=Mentorship.objects.get(), role="mentee", user=p.mentee)["mentor_offer"]
    assert offer.cohort == upcoming
    parts = urlsplit(offer.url)
    assert parts.path == reverse("programs:volunteer", args=[upcoming.pk]) == f"/cohorts/{upcoming.pk}/volunteer/"
    text = parse_qs(parts.query)["offer"][0]
    assert "Packaging" in text and "Publish to PyPI" in text and p.program.name in text

    assert not p.mentee.profile.is_mentor
    response = client.post(reverse("mentoring:become_mentor"), {"next": offer.url})
    assert response.status_code == 302 and response["Location"] == offer.url
    p.mentee.profile.refresh_from_db()
    assert p.mentee.profile.is_mentor
    assert "Yes, I'd like to mentor" not in client.get(p.mentorship.get_absolute_url()).content.decode()


def test_only_completed_mentees_get_the_one_click_offer(client):
    p = pair(started_days_ago=NEAR_THE_END)
    with pytest.raises(PermissionDenied):
        services.mentor_offer_accept(user=p.mentee)
    client.force_login(p.mentee)
    assert client.post(reverse("mentoring:become_mentor"), {"next": "https://evil.example.com/"}).status_code == 403
    complete(p)
    response = client.post(reverse("mentoring:become_mentor"), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("accounts:dashboard")


def test_alumni_are_listed_only_with_consent_and_can_leave_the_list(client):
    listed, unlisted, running = (pair(mentee_name=name, started_days_ago=NEAR_THE_END)
                                 for name in ("Ana Alumna", "Nico Private", "Still Going"))
    for p in (unlisted, running):
        p.mentorship.cohort = listed.cohort
        Mentorship.objects.filter(pk=p.mentorship.pk).update(cohort=listed.cohort)
    complete(listed)
    complete(unlisted, list_as_alumni=False)
    send_evaluations(running, Stage.FINAL)
    services.closure_submit(mentorship=running.mentorship, actor=running.mentee, achieved="half", list_as_alumni=True)
    alumni = selectors.alumni_for_program(listed.program)
    assert [a.name for a in alumni] == ["Ana Alumna"] and alumni[0].cohorts == [listed.cohort.name]
    html = render_to_string("mentoring/alumni_list.html", {"alumni": alumni})
    assert "Ana Alumna" in html and "Nico Private" not in html

    client.force_login(listed.mentee)
    client.post(reverse("mentoring:alumni_consent", args=[listed.mentorship.pk]), {"listed": "0"})
    assert selectors.alumni_for_program(listed.program) == []
