"""The API's lists are the apps' permission rules as querysets: each agrees with its one-object getter."""
import pytest
from django.http import Http404

from api import selectors
from api.tests.world import PERSONAS, build_api_world
from matching.selectors import run_get_for_coordinator
from mentoring.selectors import mentorship_get_for_user
from mentoring.tests.factories import MentorshipFactory
from programs.models import Application, Cohort, MentorEnrollment
from programs.selectors import application_get_for_user, cohort_get_for_coordinator, cohort_get_visible

pytestmark = pytest.mark.django_db


def _may(getter, **kwargs) -> bool:
    try:
        getter(**kwargs)
    except Http404:
        return False
    return True


@pytest.fixture
def world():
    w = build_api_world()
    MentorshipFactory(cohort=w.o["other_cohort"])  # a pair in the other coordinator's program
    return w


def test_lists_agree_with_the_getters_for_every_person(world):
    from django.contrib.auth.models import AnonymousUser

    for persona in PERSONAS:
        user = world.people[persona] or AnonymousUser()
        from mentoring.models import Mentorship

        listed = set(selectors.mentorships_visible_to(user=user).values_list("pk", flat=True))
        allowed = {m.pk for m in Mentorship.objects.all() if _may(mentorship_get_for_user, user=user, pk=m.pk)}
        assert listed == allowed, persona

        listed = set(selectors.applications_for_coordinator(user=user).values_list("pk", flat=True))
        coordinated = {a.pk for a in Application.objects.exclude(status="draft")
                       if _may(cohort_get_for_coordinator, user=user, pk=a.cohort_id)
                       and application_get_for_user(user=user, pk=a.pk)[1] == "coordinator"}
        assert listed == coordinated, persona

        listed = set(selectors.enrollments_for_coordinator(user=user).values_list("pk", flat=True))
        assert listed == {e.pk for e in MentorEnrollment.objects.all()
                          if _may(cohort_get_for_coordinator, user=user, pk=e.cohort_id)}, persona

        from matching.models import MatchRun

        listed = set(selectors.runs_for_coordinator(user=user).values_list("pk", flat=True))
        assert listed == {r.pk for r in MatchRun.objects.all() if _may(run_get_for_coordinator, user=user, pk=r.pk)}

    anonymous = AnonymousUser()
    listed = set(selectors.cohorts_listed().values_list("pk", flat=True))
    assert listed == {c.pk for c in Cohort.objects.all() if _may(cohort_get_visible, user=anonymous, pk=c.pk)}


def test_the_listed_phase_is_the_python_phase(world):
    for cohort in selectors.cohorts_listed():
        assert cohort.current_phase == Cohort.objects.get(pk=cohort.pk).phase
