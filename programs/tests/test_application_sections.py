"""The program kind decides what an application asks: a person, an organization, a project or a group."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import SkillFactory, make_mentee
from organizations.models import Organization, Project
from programs import services
from programs.models import Application, ProgramKind
from programs.tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def cohort_of(kind):
    return CohortFactory(program=ProgramFactory(kind=kind))


@pytest.mark.parametrize(("kind", "shown", "hidden"), [
    (ProgramKind.INTERNSHIP, ["skills_wanted", "cv", "hours_per_week"], ["organization", "project", "group_members"]),
    (ProgramKind.AMBASSADORS, ["skills_wanted", "cv"], ["organization", "project"]),
    (ProgramKind.AFFILIATION, ["organization", "offer", "wants", "contact_person", "skills_wanted"], ["project", "cv"]),
    (ProgramKind.PARTNERS, ["organization", "offer"], ["project", "cv"]),
    (ProgramKind.INCUBATOR, ["project", "support_needed", "wants", "skills_wanted"], ["organization", "cv"]),
    (ProgramKind.PACKAGE_SUPPORT, ["project", "support_needed"], ["organization", "cv"]),
    (ProgramKind.VIRTUAL_LABS, ["group_members", "hours_per_week"], ["organization", "project", "cv"]),
])
def test_form_sections_follow_the_program_kind(client, kind, shown, hidden):
    SkillFactory(name="Python")
    cohort = cohort_of(kind)
    client.force_login(make_mentee())
    html = client.get(reverse("programs:application_edit", args=[cohort.pk])).content.decode()
    for name in shown:
        assert f'name="{name}"' in html, name
    for name in hidden:
        assert f'name="{name}"' not in html, name


def test_organization_application_needs_an_organization_of_yours(client):
    cohort = cohort_of(ProgramKind.AFFILIATION)
    mentee = make_mentee()
    mine = Organization.objects.create(name="Universidad Abierta", kind="university")
    mine.members.add(mentee)
    theirs = Organization.objects.create(name="Someone Else Inc", kind="company")
    client.force_login(mentee)
    url = reverse("programs:application_edit", args=[cohort.pk])
    html = client.get(url).content.decode()
    assert "Universidad Abierta" in html and "Someone Else Inc" not in html
    response = client.post(url, {"goals": "Join the network", "action": "submit"})
    assert "the organization you apply for" in response.content.decode()
    assert Application.objects.get(applicant=mentee).status == Application.Status.DRAFT
    client.post(url, {"goals": "Join", "organization": theirs.pk, "action": "submit"})
    assert Application.objects.get(applicant=mentee).organization_id is None
    client.post(url, {"goals": "Join the network", "organization": mine.pk, "offer": "Rooms and mentors", "action": "submit"})
    application = Application.objects.get(applicant=mentee)
    assert application.status == Application.Status.SUBMITTED and application.organization == mine
    assert application.offer == "Rooms and mentors"


def test_project_application_records_the_support_needed(client):
    cohort = cohort_of(ProgramKind.PACKAGE_SUPPORT)
    maintainer = make_mentee()
    project = Project.objects.create(name="pyclimate", repository_url="https://github.com/x/pyclimate",
                                     license="MIT", description="Climate tools")
    project.maintainers.add(maintainer)
    client.force_login(maintainer)
    client.post(reverse("programs:application_edit", args=[cohort.pk]), {
        "goals": "A release process", "project": project.pk, "support_needed": ["review", "documentation"],
        "wants": "A second maintainer", "action": "submit",
    })
    application = Application.objects.get(applicant=maintainer)
    assert application.status == Application.Status.SUBMITTED
    assert application.project == project and application.support_needed == ["review", "documentation"]


def test_group_application_invites_its_members_on_submit(client, django_capture_on_commit_callbacks):
    cohort = cohort_of(ProgramKind.VIRTUAL_LABS)
    leader = make_mentee(name="Lab Leader")
    client.force_login(leader)
    url = reverse("programs:application_edit", args=[cohort.pk])
    response = client.post(url, {"goals": "Reproducible analysis", "group_members": "not-an-email", "action": "save"})
    assert "not email addresses" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"goals": "Reproducible analysis", "group_members": "a@example.org\nB@example.org\na@example.org",
                          "action": "submit"})
    application = Application.objects.get(applicant=leader)
    assert application.status == Application.Status.SUBMITTED
    assert application.group_members == "a@example.org\nb@example.org"
    invited = sorted(m.to[0] for m in mail.outbox if "invites you to a group application" in m.subject)
    assert invited == ["a@example.org", "b@example.org"]
    # They are invited to the group, not in it, until each accepts.
    assert list(application.group.members.all()) == [leader] and application.group.owner == leader
    assert sorted(application.group.invitations.values_list("email", flat=True)) == ["a@example.org", "b@example.org"]


def test_service_refuses_submit_without_the_section_essentials():
    cohort = cohort_of(ProgramKind.INCUBATOR)
    mentee = make_mentee()
    application, _ = services.application_start(applicant=mentee, cohort=cohort)
    services.application_save(application=application, actor=mentee, data={"goals": "g"}, answers={}, preferences=[])
    with pytest.raises(ValidationError, match="the project you apply for"):
        services.application_submit(application=application, actor=mentee)
