"""Those who decide see what organizations, projects and groups told us: review page, application page,
ranked list and CSV; one application per organization or project per cohort."""
import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Language
from accounts.tests.factories import SkillFactory, UserFactory, make_mentee, make_mentor
from organizations.models import Invitation, Organization, Project
from programs import services
from programs.models import Application, ApplicationEvent, ProgramKind
from programs.tests.factories import ApplicationFactory, CohortFactory, EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def cohort_of(kind):
    coordinator = UserFactory()
    cohort = CohortFactory(program=ProgramFactory(kind=kind, coordinators=[coordinator]))
    mentor = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Rita Reviewer")).mentor
    return cohort, coordinator, mentor


def organization_of(person, name="Universidad Abierta"):
    organization = Organization.objects.create(
        name=name, kind="university", country="Peru", website="https://ua.example.org",
        contact_email="contact@ua.example.org", owner=person, created_by=person,
    )
    organization.members.add(person)
    return organization


def project_of(person, name="pyclimate"):
    project = Project.objects.create(name=name, repository_url=f"https://github.com/example/{name}", license="MIT",
                                     description="Climate station tools.", owner=person, created_by=person)
    project.maintainers.add(person)
    project.languages.set(Language.objects.filter(code__in=["es", "pt"]))
    return project


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def organization_application(cohort, name="Universidad Abierta"):
    dean = make_mentee(name=f"Dean of {name}")
    return ApplicationFactory(
        cohort=cohort, applicant=dean, organization=organization_of(dean, name), offer="Two staff mentors and rooms.",
        wants="Training for our research software engineers.", contact_person="Diego Dean",
    )


def test_an_organizations_data_is_on_every_page_of_those_who_decide(client):
    cohort, coordinator, mentor = cohort_of(ProgramKind.AFFILIATION)
    application = organization_application(cohort)
    stranger = make_mentee(name="Stranger")
    review = reverse("programs:review", args=[application.pk])
    detail = reverse("programs:application_detail", args=[application.pk])
    client.force_login(stranger)
    assert client.get(review).status_code == 404 and client.get(detail).status_code == 404
    for person, urls in ((mentor, [review]), (coordinator, [review, detail])):
        client.force_login(person)
        for url in urls:
            html = client.get(url).content.decode()
            for text in ("Universidad Abierta", "Peru", "contact@ua.example.org", "Diego Dean",
                         "Two staff mentors and rooms.", "Training for our research software engineers."):
                assert text in html, (url, text)

    client.force_login(coordinator)
    dashboard = client.get(reverse("programs:cohort_dashboard", args=[cohort.pk])).content.decode()
    assert 'data-on-behalf>Universidad Abierta<' in dashboard
    (row,) = csv_rows(client.get(reverse("programs:export_csv", args=[cohort.pk])))
    assert (row["applicant_type"], row["organization"], row["organization_contact_email"], row["contact_person"],
            row["offer"]) == ("organization", "Universidad Abierta", "contact@ua.example.org", "Diego Dean",
                              "Two staff mentors and rooms.")


def test_a_projects_data_and_support_needed_are_shown_and_exported(client):
    cohort, coordinator, mentor = cohort_of(ProgramKind.PACKAGE_SUPPORT)
    maya = make_mentee(name="Maya Maintainer")
    application = ApplicationFactory(cohort=cohort, applicant=maya, project=project_of(maya),
                                     support_needed=["review", "documentation"], wants="A reviewed release process.")
    client.force_login(mentor)
    html = client.get(reverse("programs:review", args=[application.pk])).content.decode()
    for text in ("pyclimate", "https://github.com/example/pyclimate", "Code review, Documentation",
                 "A reviewed release process.", "Spanish"):
        assert text in html, text
    client.force_login(coordinator)
    (row,) = csv_rows(client.get(reverse("programs:export_csv", args=[cohort.pk])))
    assert (row["applicant_type"], row["project"], row["support_needed"]) == ("project", "pyclimate", "review, documentation")
    assert set(row["project_languages"].split(", ")) == {"es", "pt"}


def test_group_members_are_shown_with_their_state_and_names_only_after_joining(client, django_capture_on_commit_callbacks):
    cohort, coordinator, mentor = cohort_of(ProgramKind.VIRTUAL_LABS)
    leader = make_mentee(name="Lab Leader")
    joiner = make_mentee(name="Joan Joiner")
    decliner = make_mentee(name="Dana Decliner")
    application, _ = services.application_start(applicant=leader, cohort=cohort)
    members = f"{joiner.email}\n{decliner.email}\nnew@example.org"
    services.application_save(application=application, actor=leader, data={"goals": "A lab.", "group_members": members},
                              answers={}, preferences=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=leader)
    application.refresh_from_db()
    group = application.group
    Invitation.objects.filter(email=decliner.email).update(status=Invitation.Status.DECLINED)
    group.members.add(joiner)
    Invitation.objects.filter(email=joiner.email).update(status=Invitation.Status.ACCEPTED, accepted_by=joiner)

    client.force_login(coordinator)
    html = client.get(reverse("programs:review", args=[application.pk])).content.decode()
    assert "Joan Joiner" in html and "Dana Decliner" not in html  # a name only after accepting
    for text in (decliner.email, "Declined", "new@example.org", "Invited", "Joined", "Applied for the group"):
        assert text in html, text
    dashboard = client.get(reverse("programs:cohort_dashboard", args=[cohort.pk])).content.decode()
    assert "Group: 2 joined, 1 invited" in dashboard
    (row,) = csv_rows(client.get(reverse("programs:export_csv", args=[cohort.pk])))
    assert f"{decliner.email} (Declined)" in row["group_members"] and "new@example.org (Invited)" in row["group_members"]


def test_the_ranked_list_and_the_export_read_constant_queries(client, django_assert_max_num_queries):
    cohort, coordinator, _mentor = cohort_of(ProgramKind.AFFILIATION)
    dashboard = reverse("programs:cohort_dashboard", args=[cohort.pk])
    export = reverse("programs:export_csv", args=[cohort.pk])
    client.force_login(coordinator)
    client.get(dashboard), client.get(export)  # warm: the session and the site's cached settings
    counts = []
    for n in (12, 36):  # both above the coverage list's ten, which counts only when full
        while Application.objects.filter(cohort=cohort).count() < n:
            organization_application(cohort, name=f"Org {Application.objects.count()}")
        with django_assert_max_num_queries(25) as dashboard_queries:
            assert client.get(dashboard).status_code == 200
        with django_assert_max_num_queries(15) as export_queries:
            assert len(csv_rows(client.get(export))) == n
        counts.append((len(dashboard_queries), len(export_queries)))
    assert counts[0] == counts[1]


def test_one_application_per_organization_per_cohort(client):
    cohort, _coordinator, _mentor = cohort_of(ProgramKind.PARTNERS)
    first = organization_application(cohort)
    organization = first.organization
    colleague = make_mentee(name="Colleague")
    organization.members.add(colleague)
    client.force_login(colleague)
    url = reverse("programs:application_edit", args=[cohort.pk])
    response = client.post(url, {"goals": "Partner with you", "organization": organization.pk, "action": "save"})
    html = response.content.decode()
    assert "Universidad Abierta already has an application in this cohort" in html
    assert 'id="error_1_id_organization"' in html or "invalid-feedback" in html  # beside the field
    assert not Application.objects.filter(applicant=colleague, organization=organization).exists()
    assert not Application.objects.filter(applicant=colleague).exclude(goals="").exists()  # nothing saved
    assert "Partner with you" in html
    # The database holds the rule whatever door is used; a withdrawn application frees the place.
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(cohort=cohort, applicant=colleague, organization=organization)
    services.application_withdraw(application=first, actor=first.applicant)
    application, _ = services.application_start(applicant=colleague, cohort=cohort)
    services.application_save(application=application, actor=colleague, data={"organization": organization},
                              answers={}, preferences=[])
    with pytest.raises(PermissionDenied):  # and only its people apply for it
        services.application_save(application=application, actor=colleague,
                                  data={"organization": organization_of(make_mentee(), "Elsewhere")}, answers={},
                                  preferences=[])


def test_the_service_refuses_a_second_project_application():
    cohort, _coordinator, _mentor = cohort_of(ProgramKind.INCUBATOR)
    maya, max_ = make_mentee(name="Maya"), make_mentee(name="Max")
    project = project_of(maya)
    project.maintainers.add(max_)
    ApplicationFactory(cohort=cohort, applicant=maya, project=project)
    application, _ = services.application_start(applicant=max_, cohort=cohort)
    with pytest.raises(ValidationError, match="already has an application"):
        services.application_save(application=application, actor=max_, data={"project": project}, answers={},
                                  preferences=[])


def test_the_migration_withdraws_later_duplicates_and_keeps_the_furthest_along():
    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0005_kinds_group_and_one_per_applicant")
    cohort, _coordinator, _mentor = cohort_of(ProgramKind.AFFILIATION)
    dean = make_mentee(name="Dean")
    organization = organization_of(dean)
    colleague = make_mentee(name="Colleague")
    organization.members.add(colleague)
    constraint = next(c for c in Application._meta.constraints if c.name == "one_application_per_organization_cohort")
    with connection.schema_editor() as editor:  # the state before the migration: duplicates allowed
        editor.remove_constraint(Application, constraint)
    early = ApplicationFactory(cohort=cohort, applicant=dean, organization=organization,
                               submitted_at=timezone.now() - timedelta(days=2))
    accepted = ApplicationFactory(cohort=cohort, applicant=colleague, organization=organization,
                                  status=Application.Status.ACCEPTED)
    other_cohort = ApplicationFactory(cohort=CohortFactory(program=cohort.program), applicant=dean, organization=organization)

    migration.withdraw_duplicates(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows above are checked now, so the index can be built
    with connection.schema_editor() as editor:  # and the constraint now holds for the data left
        editor.add_constraint(Application, constraint)

    early.refresh_from_db(), accepted.refresh_from_db(), other_cohort.refresh_from_db()
    assert (early.status, accepted.status, other_cohort.status) == ("withdrawn", "accepted", "submitted")
    event = ApplicationEvent.objects.get(application=early)
    assert (event.from_status, event.to_status) == ("submitted", "withdrawn") and "one per organization" in event.note
    assert early.goals and early.organization_id == organization.pk  # nothing lost


def test_matching_reads_a_projects_needs_as_the_mentee_side():
    from matching.problem import build_cohort_problem, cohort_rows_load, mentee_interests, mentee_languages

    cohort, _coordinator, mentor = cohort_of(ProgramKind.INCUBATOR)
    packaging = SkillFactory(name="Packaging")
    maya = make_mentee(name="Maya", interests=[SkillFactory(name="Knitting")], languages=("en",))
    application = ApplicationFactory(cohort=cohort, applicant=maya, project=project_of(maya),
                                     support_needed=["infrastructure"], wants="Wheels for every platform.")
    application.skills_wanted.set([packaging])
    person = ApplicationFactory(cohort=cohort, applicant=make_mentee(name="Pat", languages=("en",)))
    assert build_cohort_problem(cohort=cohort).application_ids == sorted([application.pk, person.pk])
    rows = cohort_rows_load(cohort=cohort)
    app_row = rows.apps[rows.app_index[application.pk]]
    assert "Wheels for every platform." in app_row.text and "Infrastructure" in app_row.text
    assert set(rows.project_languages[application.project_id]) == {"es", "pt"}
    assert mentee_interests(rows, rows.app_index[application.pk], app_row) == [packaging.pk]  # not her hobbies
    assert set(mentee_languages(rows, app_row)) == {"en", "es", "pt"}
    person_row = rows.apps[rows.app_index[person.pk]]
    assert mentee_languages(rows, person_row) == ["en"]
