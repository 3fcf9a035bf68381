from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SkillFactory, UserFactory, make_mentee, make_mentor
from conftest import require
from mentor_requests import services
from mentor_requests.models import MentorshipRequest
from mentoring.models import Mentorship
from programs.models import ProgramKind
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory
from tests.concurrency import run_concurrently

Status = MentorshipRequest.Status
TEXT = {"about_me": "PhD student in ecology.", "experience": "I wrote R scripts for my lab.",
        "learning_goals": "Package my scripts.", "why_you": "You maintain R packages.", "hours_per_week": 4}


def rolling_cohort(coordinator=None):
    program = ProgramFactory(kind=ProgramKind.MENTORING, coordinators=[coordinator] if coordinator else [])
    return CohortFactory(program=program, rolling=True, applications_close_at=None, review_deadline=None)


def send(mentee, mentor, cohort):
    return services.request_send(mentee=mentee, mentor=mentor, cohort=cohort, **TEXT)


@pytest.mark.django_db
def test_send_accept_starts_a_mentorship_and_emails(django_capture_on_commit_callbacks):
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort, capacity=2)
    mentee = make_mentee(name="Rosa")
    with django_capture_on_commit_callbacks(execute=True):
        req = send(mentee, enrollment.mentor, cohort)
        services.request_accept(request=req, actor=enrollment.mentor, message="Happy to help!")
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and req.mentorship.mentee == mentee
    subjects = [m.subject for m in mail.outbox]
    assert "Rosa asks you to mentor them" in subjects
    assert any("accepted your request" in s for s in subjects)
    assert any("Happy to help!" in m.body for m in mail.outbox if m.to == [mentee.email])


@pytest.mark.django_db
def test_mentor_at_capacity_cannot_be_requested():
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort, capacity=1)
    req = send(make_mentee(), enrollment.mentor, cohort)
    services.request_accept(request=req, actor=enrollment.mentor)
    with pytest.raises(ValidationError, match="no place left"):
        send(make_mentee(), enrollment.mentor, cohort)


@pytest.mark.django_db
def test_open_request_limit_and_no_duplicates(settings):
    settings.MENTORSHIP_REQUEST_MAX_OPEN = 2
    cohort = rolling_cohort()
    mentors = [EnrollmentFactory(cohort=cohort).mentor for _ in range(3)]
    mentee = make_mentee()
    send(mentee, mentors[0], cohort)
    with pytest.raises(ValidationError, match="already asked"):
        send(mentee, mentors[0], cohort)
    send(mentee, mentors[1], cohort)
    with pytest.raises(ValidationError, match="2 requests waiting"):
        send(mentee, mentors[2], cohort)
    assert MentorshipRequest.objects.filter(mentee=mentee).count() == 2


@pytest.mark.django_db
def test_requests_only_in_rolling_cohorts_where_the_mentor_is_approved():
    mentor = make_mentor()
    with pytest.raises(ValidationError):
        send(make_mentee(), mentor, rolling_cohort())  # not enrolled
    round_cohort = CohortFactory()
    EnrollmentFactory(cohort=round_cohort, mentor=mentor)
    with pytest.raises(ValidationError, match="does not take direct requests"):
        send(make_mentee(), mentor, round_cohort)


@pytest.mark.django_db
def test_unanswered_request_expires_and_suggests_the_next_mentor(django_capture_on_commit_callbacks):
    python = SkillFactory(name="Python")
    cohort = rolling_cohort()
    silent = EnrollmentFactory(cohort=cohort).mentor
    EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Other Mentor"))
    fitting = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Python Mentor", skills=[python])).mentor
    mentee = make_mentee(interests=[python])
    req = send(mentee, silent, cohort)
    assert services.requests_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.requests_expire() == 1
            assert services.requests_expire() == 0  # safe to run twice
        with pytest.raises(ValidationError, match="already answered"):
            services.request_accept(request=req, actor=silent)
    req.refresh_from_db()
    assert req.status == Status.EXPIRED and req.suggested_mentor == fitting
    expired_mail = [m for m in mail.outbox if m.to == [mentee.email]]
    assert len(expired_mail) == 1 and "Python Mentor" in expired_mail[0].body


@pytest.mark.django_db
def test_decline_with_a_suggestion():
    cohort = rolling_cohort()
    mentor, other = EnrollmentFactory(cohort=cohort).mentor, EnrollmentFactory(cohort=cohort).mentor
    req = send(make_mentee(), mentor, cohort)
    with pytest.raises(Exception):  # noqa: B017 - only the mentor answers
        services.request_decline(request=req, actor=other)
    services.request_decline(request=req, actor=mentor, message="Too busy this month.", suggested_mentor=other)
    req.refresh_from_db()
    assert req.status == Status.DECLINED and req.suggested_mentor == other


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_respect_capacity():
    require(connection.vendor == "postgresql", "the capacity race needs Postgres row locks (set DATABASE_URL)")
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort, capacity=2)
    # Three pending requests for two places, accepted at the same moment from three threads.
    all_requests = [send(make_mentee(name=f"M{i}"), enrollment.mentor, cohort) for i in range(3)]
    results = run_concurrently(lambda r: services.request_accept(request=r, actor=enrollment.mentor), all_requests)
    outcomes = ["ok" if isinstance(r, MentorshipRequest) else "refused" if isinstance(r, ValidationError) else repr(r)
                for r in results]
    assert outcomes.count("ok") == 2 and outcomes.count("refused") == 1
    assert Mentorship.objects.filter(enrollment=enrollment).count() == 2


@pytest.mark.django_db
class TestViews:
    def test_request_form_three_cases_and_guided_fields(self, client):
        cohort = rolling_cohort()
        mentor = EnrollmentFactory(cohort=cohort, mentor=make_mentor(name="Guide")).mentor
        url = reverse("mentor_requests:new", args=[mentor.profile.pk])
        assert client.get(url).status_code == 302
        client.force_login(mentor)
        assert client.get(url).status_code == 404  # not to yourself
        mentee = make_mentee()
        client.force_login(mentee)
        html = client.get(url).content.decode()
        assert "Why I am asking you" in html or "why I am asking you" in html.lower()
        response = client.post(url, {**TEXT, "cohort": str(cohort.pk)})
        req = MentorshipRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == req.get_absolute_url()

    def test_unavailable_mentor_page(self, client):
        mentor = make_mentor(name="Busy")
        client.force_login(make_mentee())
        response = client.get(reverse("mentor_requests:new", args=[mentor.profile.pk]))
        assert response.status_code == 200 and "not taking direct requests" in response.content.decode()

    def test_detail_and_answer_permissions(self, client):
        coordinator = UserFactory()
        cohort = rolling_cohort(coordinator)
        mentor = EnrollmentFactory(cohort=cohort).mentor
        mentee = make_mentee()
        req = send(mentee, mentor, cohort)
        detail = reverse("mentor_requests:detail", args=[req.pk])
        accept = reverse("mentor_requests:accept", args=[req.pk])
        assert client.get(detail).status_code == 302
        for stranger in (make_mentee(), make_mentor(), rolling_cohort(UserFactory()).program.coordinators.first()):
            client.force_login(stranger)
            assert client.get(detail).status_code == 404
            assert client.post(accept).status_code == 404
        for person in (mentee, mentor, coordinator):
            client.force_login(person)
            assert client.get(detail).status_code == 200
        client.force_login(mentee)
        assert client.post(accept).status_code == 404  # the mentee cannot accept their own request
        client.force_login(mentor)
        client.post(accept, {"message": "Welcome"})
        req.refresh_from_db()
        assert req.status == Status.ACCEPTED

    def test_coordinator_sees_all_requests_with_outcome(self, client):
        coordinator = UserFactory()
        cohort = rolling_cohort(coordinator)
        mentor = EnrollmentFactory(cohort=cohort).mentor
        send(make_mentee(name="Asker One"), mentor, cohort)
        url = reverse("mentor_requests:cohort_requests", args=[cohort.pk])
        client.force_login(mentor)
        assert client.get(url).status_code == 404
        client.force_login(coordinator)
        html = client.get(url).content.decode()
        assert "Asker One" in html and "Waiting for the mentor" in html


@pytest.mark.django_db
def test_only_the_mentor_or_a_site_admin_answers():
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort, capacity=2)
    req = send(make_mentee(), enrollment.mentor, cohort)
    for intruder in (make_mentor(), UserFactory(is_staff=True), req.mentee):
        with pytest.raises(PermissionDenied):
            services.request_accept(request=req, actor=intruder)
    assert MentorshipRequest.objects.get(pk=req.pk).status == Status.PENDING
    services.request_accept(request=req, actor=UserFactory(is_staff=True, is_superuser=True))
    assert MentorshipRequest.objects.get(pk=req.pk).status == Status.ACCEPTED


@pytest.mark.django_db
def test_a_request_past_its_answer_by_time_leaves_the_mentors_dashboard(client):
    cohort = rolling_cohort()
    mentor = EnrollmentFactory(cohort=cohort).mentor
    send(make_mentee(name="Late Asker"), mentor, cohort)
    client.force_login(mentor)
    assert "Late Asker asks you to mentor them" in client.get(reverse("accounts:dashboard")).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert "Late Asker" not in client.get(reverse("accounts:dashboard")).content.decode()


@pytest.mark.django_db
def test_a_full_mentor_is_not_suggested_and_the_room_comes_from_mentoring():
    cohort = rolling_cohort()
    full = EnrollmentFactory(cohort=cohort, capacity=1, mentor=make_mentor(name="Full Mentor"))
    services.request_accept(request=send(make_mentee(), full.mentor, cohort), actor=full.mentor)
    free = EnrollmentFactory(cohort=cohort, capacity=3, mentor=make_mentor(name="Free Mentor"))
    mentee = make_mentee()
    assert [e.mentor for e in services.suggest_mentors(cohort=cohort, mentee=mentee)] == [free.mentor]
    assert [e.room for e in services.requestable_enrollments(mentor=free.mentor)] == [3]
    assert [e.room for e in services.requestable_enrollments(mentor=full.mentor)] == [0]


def _ruled_out(cohort, enrollment, mentee, kind="ruled_out"):
    from matching.models import PairRule
    from programs.tests.factories import ApplicationFactory

    application = ApplicationFactory(cohort=cohort, applicant=mentee)
    return PairRule.objects.create(cohort=cohort, application=application, enrollment=enrollment, kind=kind)


@pytest.mark.django_db
def test_a_ruled_out_pair_cannot_be_requested_nor_suggested():
    """The coordinators' rule-out holds at every door, a direct request included (it used to be ignored)."""
    cohort = rolling_cohort()
    ruled, other = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    mentee = make_mentee()
    _ruled_out(cohort, ruled, mentee)
    with pytest.raises(ValidationError, match="cannot take a request from you"):
        send(mentee, ruled.mentor, cohort)
    assert not MentorshipRequest.objects.filter(mentee=mentee).exists()
    assert [e.mentor for e in services.suggest_mentors(cohort=cohort, mentee=mentee)] == [other.mentor]
    send(mentee, other.mentor, cohort)  # another mentor of the cohort is still open to them


@pytest.mark.django_db
def test_a_request_sent_before_the_rule_out_cannot_be_accepted():
    cohort = rolling_cohort()
    enrollment = EnrollmentFactory(cohort=cohort)
    mentee = make_mentee()
    req = send(mentee, enrollment.mentor, cohort)
    _ruled_out(cohort, enrollment, mentee)
    with pytest.raises(ValidationError, match="ruled out"):
        services.request_accept(request=req, actor=enrollment.mentor)
    req.refresh_from_db()
    assert req.status == Status.PENDING and not Mentorship.objects.filter(mentee=mentee).exists()


@pytest.mark.django_db
def test_a_lock_to_another_mentor_holds_for_direct_requests():
    cohort = rolling_cohort()
    locked_to, asked = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    mentee = make_mentee()
    req = send(mentee, asked.mentor, cohort)
    _ruled_out(cohort, locked_to, mentee, kind="locked")
    with pytest.raises(ValidationError, match="locked to"):
        services.request_accept(request=req, actor=asked.mentor)
    assert not Mentorship.objects.filter(mentee=mentee).exists()
