"""The public catalog, a program's page and a cohort's page: who sees what, and in how many queries."""
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SkillFactory, UserFactory, make_mentee, make_mentor
from programs.models import Application, ApprovalStatus, Phase, ProgramKind
from programs.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db
CATALOG = reverse("programs:catalog")


def finished_cohort(program, **fields):
    past = timezone.now() - timedelta(days=400)
    return CohortFactory(
        program=program, applications_open_at=past, applications_close_at=past + timedelta(days=10),
        review_deadline=past + timedelta(days=20), starts_on=(past + timedelta(days=30)).date(),
        ends_on=(past + timedelta(days=120)).date(), midpoint_evaluation_due=None, final_evaluation_due=None, **fields,
    )


def upcoming_cohort(program, **fields):
    soon = timezone.now() + timedelta(days=30)
    return CohortFactory(
        program=program, applications_open_at=soon, applications_close_at=soon + timedelta(days=10),
        review_deadline=soon + timedelta(days=20), starts_on=(soon + timedelta(days=30)).date(),
        ends_on=(soon + timedelta(days=120)).date(), **fields,
    )


def closed_cohort(program, **fields):
    """Applications closed yesterday; reviewing now."""
    return CohortFactory(
        program=program, applications_open_at=timezone.now() - timedelta(days=20),
        applications_close_at=timezone.now() - timedelta(days=1), **fields,
    )


# --- Catalog ---------------------------------------------------------------------------


def test_catalog_groups_published_programs_by_kind_with_open_and_upcoming_cohorts(client):
    mentoring = ProgramFactory(name="Python Mentoring", kind=ProgramKind.MENTORING, summary="One to one help.")
    internship = ProgramFactory(name="Summer Internship", kind=ProgramKind.INTERNSHIP)
    ProgramFactory(name="Secret Program", kind=ProgramKind.INTERNSHIP, published=False)
    CohortFactory(program=internship, name="Open Term")
    upcoming_cohort(internship, name="Next Term")
    finished_cohort(internship, name="Old Term")
    closed_cohort(internship, name="Closed Term")
    CohortFactory(program=mentoring, name="All Year", rolling=True, applications_close_at=None)
    CohortFactory(program=mentoring, name="Forced Closed", phase_override=Phase.MATCHING)

    response = client.get(CATALOG)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret Program" not in html
    assert "Python Mentoring" in html and "One to one help." in html
    # Groups follow the order of ProgramKind: Internship before Mentoring.
    assert html.index('id="kind-internship"') < html.index("Summer Internship") < html.index('id="kind-mentoring"')
    assert html.index('id="kind-mentoring"') < html.index("Python Mentoring")
    assert "Open Term" in html and "Next Term" in html and "Applications open" in html
    assert "Old Term" not in html and "Closed Term" not in html and "Forced Closed" not in html
    assert "All Year" in html and "Open all year" in html


def test_catalog_filters_by_kind_and_ignores_unknown_kinds(client):
    ProgramFactory(name="Python Mentoring", kind=ProgramKind.MENTORING)
    ProgramFactory(name="Summer Internship", kind=ProgramKind.INTERNSHIP)

    html = client.get(CATALOG, {"kind": "mentoring"}).content.decode()
    assert "Python Mentoring" in html and "Summer Internship" not in html

    html = client.get(CATALOG, {"kind": "nonsense"}).content.decode()
    assert "Python Mentoring" in html and "Summer Internship" in html

    html = client.get(CATALOG, {"kind": "partners"}).content.decode()
    assert "No programs of this kind right now." in html


def test_catalog_shows_deadlines_in_the_viewers_time_zone(client):
    close = datetime(2031, 1, 31, 20, 0, tzinfo=UTC)  # 05:00 on 1 February in Tokyo
    CohortFactory(
        program=ProgramFactory(name="Tokyo Program"), applications_close_at=close,
        review_deadline=close + timedelta(days=10), starts_on=datetime(2031, 3, 1).date(),
        ends_on=datetime(2031, 6, 1).date(),
    )
    anonymous = client.get(CATALOG).content.decode()
    assert "Jan. 31, 2031, 8 p.m." in anonymous and "(UTC)" in anonymous

    client.force_login(make_mentee(tz="Asia/Tokyo"))
    html = client.get(CATALOG).content.decode()
    assert "Feb. 1, 2031, 5 a.m." in html and "Jan. 31, 2031" not in html
    assert "Asia/Tokyo" in html


def count_queries(client, url) -> int:
    """Queries of a page view once the session is warm (the first view stores the time zone in it)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_catalog_query_count_does_not_grow_with_programs_cohorts_or_applications(client, django_assert_max_num_queries):
    client.force_login(make_mentee())
    program = ProgramFactory()
    CohortFactory(program=program)
    baseline = count_queries(client, CATALOG)

    kinds = ProgramKind.values
    for i in range(30):
        other = ProgramFactory(kind=kinds[i % len(kinds)])
        CohortFactory(program=other)
        upcoming_cohort(other)
        finished_cohort(other)
    crowded = CohortFactory(program=program)
    users = get_user_model().objects.bulk_create(get_user_model()(email=f"bulk{i}@example.org") for i in range(500))
    Application.objects.bulk_create(Application(cohort=crowded, applicant=u) for u in users)

    with django_assert_max_num_queries(baseline):
        response = client.get(CATALOG)
    assert response.content.decode().count('class="card h-100"') == 31
    assert count_queries(client, CATALOG) == baseline


# --- Program page ----------------------------------------------------------------------


def test_program_page_renders_markdown_safely_with_contact_and_cohorts(client):
    program = ProgramFactory(
        name="Open Labs", contact_email="labs@example.org",
        description="## About\n\nWe **mentor**.\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1))",
    )
    CohortFactory(program=program, name="Spring 2031")
    finished_cohort(program, name="Spring 2020")
    CohortFactory(program=program, name="Rolling", rolling=True, applications_close_at=None)

    response = client.get(program.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>About</h2>" in html and "<strong>mentor</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert 'href="mailto:labs@example.org"' in html
    assert "Spring 2031" in html and "Spring 2020" in html
    assert "Accepting applications" in html and "Finished" in html and "Open all year" in html


@pytest.mark.parametrize("who", ["anonymous", "mentee", "other_coordinator"])
def test_unpublished_program_is_404_for_everyone_but_its_coordinators(client, who):
    coordinator = UserFactory()
    program = ProgramFactory(published=False, coordinators=[coordinator])
    cohort = CohortFactory(program=program)
    if who == "mentee":
        client.force_login(make_mentee())
    elif who == "other_coordinator":
        other = UserFactory()
        ProgramFactory(coordinators=[other])
        client.force_login(other)
    assert client.get(program.get_absolute_url()).status_code == 404
    assert client.get(cohort.get_absolute_url()).status_code == 404


def test_coordinator_sees_their_unpublished_program_and_cohort(client):
    coordinator = UserFactory()
    program = ProgramFactory(published=False, coordinators=[coordinator])
    cohort = CohortFactory(program=program)
    client.force_login(coordinator)
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    assert "Not published" in response.content.decode()
    response = client.get(cohort.get_absolute_url())
    assert response.status_code == 200
    assert reverse("programs:cohort_dashboard", args=[cohort.pk]) in response.content.decode()


def test_missing_program_and_cohort_under_the_wrong_program_are_404(client):
    cohort = CohortFactory()
    other = ProgramFactory()
    assert client.get(reverse("programs:program_detail", args=["no-such-program"])).status_code == 404
    assert client.get(reverse("programs:cohort_detail", args=[other.slug, cohort.pk])).status_code == 404


def test_program_page_query_count_does_not_grow_with_cohorts(client, django_assert_max_num_queries):
    client.force_login(make_mentee())
    program = ProgramFactory()
    CohortFactory(program=program)
    baseline = count_queries(client, program.get_absolute_url())
    for _ in range(15):
        CohortFactory(program=program)
        finished_cohort(program)
    with django_assert_max_num_queries(baseline):
        response = client.get(program.get_absolute_url())
    assert response.content.decode().count('<th scope="row">') == 31


# --- Cohort page -----------------------------------------------------------------------


def test_cohort_page_shows_timeline_questions_and_approved_mentors_with_skills(client):
    python, secret = SkillFactory(name="Python"), SkillFactory(name="Unreviewed Skill", approved=False)
    cohort = CohortFactory()
    QuestionFactory(cohort=cohort, prompt="What have you built?")
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Grace Approved", skills=[python, secret]), topics="Packaging")
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Pending Person"), status=ApprovalStatus.PENDING)
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Declined Person"), status=ApprovalStatus.DECLINED)

    html = client.get(cohort.get_absolute_url()).content.decode()

    assert "Grace Approved" in html and "Packaging" in html and ">Python<" in html
    assert "Unreviewed Skill" not in html
    assert "Pending Person" not in html and "Declined Person" not in html
    for label in ("Applications open", "Applications close", "Decisions by", "Mentorships start",
                  "Midpoint evaluation", "Final evaluation", "Mentorships end"):
        assert f'<th scope="row">{label}</th>' in html
    assert "What have you built?" in html
    assert "Accepting applications" in html


def test_cohort_page_apply_button_depends_on_phase_and_the_persons_application(client):
    cohort = CohortFactory()
    apply_url = reverse("programs:application_edit", args=[cohort.pk])

    html = client.get(cohort.get_absolute_url()).content.decode()
    assert f'href="{apply_url}">Apply<' in html

    mentee = make_mentee()
    client.force_login(mentee)
    assert f'href="{apply_url}">Apply<' in client.get(cohort.get_absolute_url()).content.decode()

    application = ApplicationFactory(cohort=cohort, applicant=mentee, status=Application.Status.DRAFT, submitted_at=None)
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert "Continue your application" in html and ">Apply<" not in html

    application.status = Application.Status.SUBMITTED
    application.save()
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert "See your application" in html and reverse("programs:application_detail", args=[application.pk]) in html

    closed = closed_cohort(cohort.program)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert ">Apply<" not in html and "not accepting applications" in html


def test_volunteer_link_only_for_people_with_the_mentor_role(client):
    cohort = CohortFactory()
    volunteer_url = reverse("programs:volunteer", args=[cohort.pk])
    assert volunteer_url not in client.get(cohort.get_absolute_url()).content.decode()
    client.force_login(make_mentee())
    assert volunteer_url not in client.get(cohort.get_absolute_url()).content.decode()
    client.force_login(make_mentor())
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert volunteer_url in html and "Volunteer as a mentor" in html
    # Not for a cohort that no longer takes mentors.
    old = finished_cohort(cohort.program)
    assert reverse("programs:volunteer", args=[old.pk]) not in client.get(old.get_absolute_url()).content.decode()


def test_cohort_page_query_count_does_not_grow_with_mentors(client, django_assert_max_num_queries):
    skills = [SkillFactory(name=f"Topic {i}") for i in range(4)]
    cohort = CohortFactory()
    QuestionFactory(cohort=cohort)
    mentee = make_mentee()
    ApplicationFactory(cohort=cohort, applicant=mentee)
    client.force_login(mentee)
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="First", skills=skills[:2]))
    baseline = count_queries(client, cohort.get_absolute_url())
    for i in range(30):
        EnrollmentFactory(cohort=cohort, mentor=make_mentor(name=f"Mentor {i:02d}", skills=skills, languages=["en", "es"]))
    with django_assert_max_num_queries(baseline):
        response = client.get(cohort.get_absolute_url())
    assert response.content.decode().count("card-mentor") == 31


def test_program_page_lists_alumni_who_agreed(client):
    from mentoring.models import Closure, Mentorship
    from mentoring.tests.factories import MentorshipFactory

    listed = MentorshipFactory(status=Mentorship.Status.COMPLETED, mentee=make_mentee(name="Listed Alumna"))
    program = listed.cohort.program
    program.published = True
    program.save()
    Closure.objects.create(mentorship=listed, author=listed.mentee, role="mentee", achieved="A release", list_as_alumni=True)
    shy = MentorshipFactory(status=Mentorship.Status.COMPLETED, cohort=listed.cohort, mentee=make_mentee(name="Shy Alumnus"))
    Closure.objects.create(mentorship=shy, author=shy.mentee, role="mentee", achieved="A paper", list_as_alumni=False)
    html = client.get(reverse("programs:program_detail", args=[program.slug])).content.decode()
    assert "Listed Alumna" in html and "Shy Alumnus" not in html


def test_cohort_page_query_count_does_not_grow_with_cohorts_sharing_the_limit(client, django_assert_max_num_queries):
    cohort = CohortFactory(season="Autumn", max_applications_per_season=2)
    CohortFactory(season="Autumn", max_applications_per_season=2)
    mentee = make_mentee()
    client.force_login(mentee)
    baseline = count_queries(client, cohort.get_absolute_url())
    for _ in range(10):
        ApplicationFactory(applicant=mentee, cohort=CohortFactory(season="Autumn", max_applications_per_season=2))
    with django_assert_max_num_queries(baseline):
        html = client.get(cohort.get_absolute_url()).content.decode()
    assert html.split('id="season-limit"')[1].count("<li><a href=") == 11
    assert "You have used all 2: withdraw one of those applications to submit here." in html
