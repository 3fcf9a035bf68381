"""Changes the other person must act on or plan around: new dates, an early-end request answered "carry on",
the other person's closure."""
import datetime as dt

import pytest
from django.core import mail

from mentoring import services
from mentoring.models import Stage
from mentoring.tests.factories import NEAR_THE_END, pair, send_evaluations

pytestmark = pytest.mark.django_db


def subjects(user):
    return [m.subject for m in mail.outbox if m.to == [user.email]]


def test_an_extension_tells_the_other_person_the_new_end(django_capture_on_commit_callbacks):
    p = pair(mentor_name="Ana O'Brien")
    later = p.mentorship.ends_on + dt.timedelta(days=14)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_extend(mentorship=p.mentorship, actor=p.mentor, new_ends_on=later, reason="R&D took longer")
    [message] = [m for m in mail.outbox if m.to == [p.mentee.email]]
    assert message.subject.startswith("Your mentorship with Ana O'Brien now ends on")
    assert "Ana O'Brien changed the dates" in message.body and "R&D took longer" in message.body
    assert subjects(p.mentor) == []


def test_new_dates_set_by_a_coordinator_reach_both(django_capture_on_commit_callbacks):
    p = pair()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_dates_set(mentorship=p.mentorship, actor=p.coordinator, starts_on=p.mentorship.starts_on,
                                      ends_on=p.mentorship.ends_on + dt.timedelta(days=7))
    assert len(subjects(p.mentor)) == 1 and len(subjects(p.mentee)) == 1


def test_a_declined_early_end_request_tells_both_to_carry_on(django_capture_on_commit_callbacks):
    p = pair()
    request = services.early_end_request(mentorship=p.mentorship, actor=p.mentee, reason="No time")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.early_end_decline(request=request, actor=p.coordinator, note="Let's talk on Monday")
    [to_mentee] = [m for m in mail.outbox if m.to == [p.mentee.email]]
    assert to_mentee.subject == "Your mentorship with Mira Mentor continues"
    assert "answered your request" in to_mentee.body and "Let's talk on Monday" in to_mentee.body
    assert subjects(p.mentor) == ["Your mentorship with Teo Mentee continues"]


def test_the_first_closure_asks_the_other_person_to_close(django_capture_on_commit_callbacks):
    p = pair(started_days_ago=NEAR_THE_END)
    send_evaluations(p, Stage.FINAL)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentor, achieved="A release")
    assert subjects(p.mentee) == ["Mira Mentor closed your mentorship: your turn"]
    assert subjects(p.mentor) == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_submit(mentorship=p.mentorship, actor=p.mentee, achieved="Learned a lot")
    # The second closure completes it: the "completed" email, no "your turn".
    assert all("your turn" not in s for s in subjects(p.mentor) + subjects(p.mentee))
    assert len(subjects(p.mentor)) == 1 and len(subjects(p.mentee)) == 1


def test_a_pause_tells_the_other_person_and_a_coordinators_resume_tells_both(django_capture_on_commit_callbacks):
    p = pair()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_pause(mentorship=p.mentorship, actor=p.mentee, reason="Exams & a move")
    assert subjects(p.mentor) == ["Your mentorship with Teo Mentee is paused"]
    assert "Teo Mentee paused your mentorship" in mail.outbox[-1].body and "Exams & a move" in mail.outbox[-1].body
    assert subjects(p.mentee) == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_resume(mentorship=p.mentorship, actor=p.coordinator)
    assert subjects(p.mentor) == ["Your mentorship with Teo Mentee has resumed"]
    assert subjects(p.mentee) == ["Your mentorship with Mira Mentor has resumed"]
