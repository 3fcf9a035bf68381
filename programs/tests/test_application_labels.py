"""Each kind of applicant is asked what fits it: no "mentorship" goals or weekly hours for an organization,
hours asked once for a group, skills wanted as a searchable list."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_mentee
from programs import demo
from programs.models import ProgramKind
from programs.tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _form_html(client, kind) -> str:
    cohort = CohortFactory(program=ProgramFactory(kind=kind))
    client.force_login(make_mentee())
    response = client.get(reverse("programs:application_edit", args=[cohort.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kind", [ProgramKind.AFFILIATION, ProgramKind.PARTNERS])
def test_organization_applications_ask_about_the_collaboration_not_a_mentorship(client, kind):
    html = _form_html(client, kind)
    assert "Goals for this mentorship" not in html
    assert "Goals of this collaboration" in html
    assert 'name="hours_per_week"' not in html and "Hours per week" not in html


def test_a_group_is_asked_for_hours_once(client):
    html = _form_html(client, ProgramKind.VIRTUAL_LABS)
    assert len(re.findall(r'name="hours_per_week"', html)) == 1
    assert "Hours per week each member can give" in html
    assert "Goals of your group" in html and "Goals for this mentorship" not in html


def test_a_person_keeps_the_mentorship_wording_and_a_searchable_skills_list(client):
    html = _form_html(client, ProgramKind.MENTORING)
    assert "Goals for this mentorship" in html
    tag = re.search(r'<select name="skills_wanted"[^>]*>', html).group(0)
    assert "multiple" in tag and 'data-widget="multiselect"' in tag


def test_demo_cohorts_do_not_ask_for_hours_in_a_question_too():
    program = ProgramFactory(kind=ProgramKind.AFFILIATION)
    cohort = demo._cohort(program, "Demo", phase="accepting", now=timezone.now() - timedelta(minutes=1))
    prompts = " ".join(cohort.questions.values_list("prompt", flat=True)).lower()
    assert cohort.questions.exists() and "hours" not in prompts
