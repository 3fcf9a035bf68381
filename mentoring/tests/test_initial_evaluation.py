"""The optional initial evaluation: off by default (cohorts behave as before), on with a window setting."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.deadlines import evaluation_due_on, evaluation_opens_on, evaluation_slots, evaluation_stages, todos_for
from mentoring.models import CohortMentoringSettings, Evaluation, Role
from mentoring.reminders import evaluations_due
from mentoring.selectors import mentorship_capabilities
from notifications.models import Notification

from .factories import pair, send_evaluations

pytestmark = pytest.mark.django_db


def test_without_the_setting_a_cohort_has_no_initial_evaluation():
    p = pair(started_days_ago=20)
    assert evaluation_stages(p.cohort) == ["midpoint", "final"]
    assert {s.stage for s in evaluation_slots(p.mentorship, [], on=timezone.localdate())} == {"midpoint", "final"}
    can = mentorship_capabilities(mentorship=p.mentorship, role=Role.MENTOR)
    assert not can.evaluate_initial and can.why_not["evaluate_initial"] == "This cohort has no initial evaluation."
    with pytest.raises(ValidationError, match="no initial evaluation"):
        send_evaluations(p, "initial")
    assert not Evaluation.objects.exists()


def _with_initial(p, percent=10):
    CohortMentoringSettings.objects.create(cohort=p.cohort, initial_opens_percent=percent)
    p.cohort.refresh_from_db()
    p.mentorship.refresh_from_db()


def test_with_the_setting_the_initial_evaluation_opens_is_due_reminded_and_sent(client):
    p = pair(started_days_ago=12)  # a 90-day pair: opens on day 9 (10 %), due on day 18 (20 %)
    _with_initial(p)
    m = p.mentorship
    assert evaluation_opens_on(m, "initial") == m.starts_on + dt.timedelta(days=9)
    assert evaluation_due_on(m, "initial") == m.starts_on + dt.timedelta(days=18)
    today = timezone.localdate()
    slots = evaluation_slots(m, [], on=today)
    assert [s.stage for s in slots][:2] == ["initial", "initial"] and slots[0].state == "due"
    todos = todos_for(m, Role.MENTOR, on=today, agreement=None, evaluations=[], closures=[], last_check_in_at=None)
    assert "Initial evaluation" in [str(t.label) for t in todos]
    evaluations_due(now=timezone.now())
    assert Notification.objects.filter(key__startswith=f"reminder:evaluation:{m.pk}:initial:").count() == 2
    client.force_login(p.mentor)
    page = client.get(reverse("mentoring:evaluation_submit", args=[m.pk, "initial"]))
    assert page.status_code == 200 and "Initial evaluation of" in page.content.decode()
    send_evaluations(p, "initial")
    assert Evaluation.objects.filter(mentorship=m, stage="initial").count() == 2


def test_the_initial_window_must_open_before_the_midpoint():
    settings = CohortMentoringSettings(initial_opens_percent=40, midpoint_opens_percent=40, final_opens_percent=85)
    with pytest.raises(ValidationError, match="before the midpoint"):
        settings.clean()
