"""A program's code of conduct, accepted (who and when) before applying or volunteering."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_mentee, make_mentor
from programs import services
from programs.models import Answer, Application, CodeOfConduct, ConductAcceptance, MentorEnrollment
from programs.services import conduct, invitations
from programs.tests.factories import ApplicationFactory, cohort_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    s = cohort_scenario(applications=0, mentors=0)
    conduct.conduct_save(actor=s.coordinator, program=s.cohort.program, text="Be **kind**.")
    return s


def draft(scenario, person):
    application = ApplicationFactory(cohort=scenario.cohort, applicant=person, status=Application.Status.DRAFT,
                                     submitted_at=None)
    Answer.objects.create(application=application, question=scenario.questions[0], value="Something.")
    return application


def test_an_applicant_accepts_the_code_before_submitting_and_it_is_recorded(client, scenario):
    person = make_mentee(name="Ann")
    application = draft(scenario, person)
    with pytest.raises(ValidationError, match="accept the code of conduct"):
        services.application_submit(application=application, actor=person)
    client.force_login(person)
    page = client.get(scenario.cohort.get_absolute_url()).content.decode()
    assert "Read and accept the code of conduct before you apply or volunteer" in page
    url = reverse("programs:program_conduct", args=[scenario.cohort.program.slug])
    assert "<strong>kind</strong>" in client.get(url).content.decode()
    response = client.post(url, {"next": scenario.cohort.get_absolute_url()})
    assert response["Location"] == scenario.cohort.get_absolute_url()
    acceptance = ConductAcceptance.objects.get(user=person)
    assert timezone.now() - acceptance.accepted_at < timedelta(minutes=1)
    assert services.application_submit(application=application, actor=person).status == Application.Status.SUBMITTED


def test_a_changed_code_is_accepted_again_and_an_outside_next_is_ignored(client, scenario):
    person = make_mentee(name="Ann")
    conduct.conduct_accept(user=person, program=scenario.cohort.program)
    assert conduct.conduct_pending(user=person, program=scenario.cohort.program) is None
    conduct.conduct_save(actor=scenario.coordinator, program=scenario.cohort.program, text="Be kind. Be patient.")
    assert conduct.conduct_pending(user=person, program=scenario.cohort.program) is not None
    client.force_login(person)
    response = client.post(reverse("programs:program_conduct", args=[scenario.cohort.program.slug]),
                           {"next": "https://evil.example.com/"})
    assert response["Location"] == scenario.cohort.program.get_absolute_url()


def test_a_mentor_accepts_it_before_volunteering_or_accepting_an_invitation(scenario):
    mentor = make_mentor(name="Mo")
    with pytest.raises(ValidationError, match="accept the code of conduct"):
        services.mentor_enrollment_request(mentor=mentor, cohort=scenario.cohort, capacity=1)
    invitation = invitations.mentor_invite(actor=scenario.coordinator, cohort=scenario.cohort, email=mentor.email)
    with pytest.raises(ValidationError, match="accept the code of conduct"):
        invitations.invitation_accept(invitation=invitation, user=mentor, capacity=1)
    assert not MentorEnrollment.objects.exists()
    conduct.conduct_accept(user=mentor, program=scenario.cohort.program)
    invitations.invitation_accept(invitation=invitation, user=mentor, capacity=1)
    assert MentorEnrollment.objects.get().status == "approved"


def test_the_coordinator_writes_it_and_sees_who_accepted(client, scenario):
    url = reverse("programs:conduct_edit", args=[scenario.cohort.program.slug])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(make_mentee(name="Nosy"))
    assert client.get(url).status_code == 404
    conduct.conduct_accept(user=make_mentee(name="Early Bird"), program=scenario.cohort.program)
    client.force_login(scenario.coordinator)
    assert "Early Bird" in client.get(url).content.decode()
    client.post(url, {"text": "New rules."})
    assert CodeOfConduct.objects.get().text == "New rules."
    assert "before the last change" in client.get(url).content.decode()
    client.post(url, {"text": ""})
    assert not CodeOfConduct.objects.exists()
