"""Named transitions, dates, extension and early end: what each allows, and what it refuses without changing anything."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from mentoring import services
from mentoring.models import EarlyEndRequest, Mentorship, MentorshipEvent, MentorshipExtension
from mentoring.tests.factories import NEAR_THE_END, pair, send_evaluations

pytestmark = pytest.mark.django_db
S = Mentorship.Status


def reload(m):
    return Mentorship.objects.get(pk=m.pk)


def test_activate_pause_resume_complete_with_an_audit_trail():
    p = pair(status=S.PROPOSED, started_days_ago=NEAR_THE_END)
    m = p.mentorship
    services.mentorship_activate(mentorship=m, actor=p.mentor)
    assert m.status == S.ACTIVE and reload(m).status == S.ACTIVE
    services.mentorship_pause(mentorship=m, actor=p.mentee, reason="Exams")
    assert reload(m).status == S.PAUSED
    services.mentorship_resume(mentorship=m, actor=p.coordinator)
    assert reload(m).status == S.ACTIVE
    send_evaluations(p, "final")  # completion needs both final evaluations
    services.mentorship_complete(mentorship=m, actor=p.coordinator)
    fresh = reload(m)
    assert fresh.status == S.COMPLETED and fresh.completed_at is not None
    steps = list(MentorshipEvent.objects.filter(mentorship=m, action="status").values_list("from_status", "to_status", "actor"))
    assert steps == [
        ("proposed", "active", p.mentor.pk), ("active", "paused", p.mentee.pk),
        ("paused", "active", p.coordinator.pk), ("active", "completed", p.coordinator.pk),
    ]
    assert MentorshipEvent.objects.get(to_status="paused", mentorship=m).note == "Exams"


@pytest.mark.parametrize(
    ("start", "verb"),
    [
        (S.ACTIVE, "mentorship_resume"),      # only a paused pair resumes
        (S.ACTIVE, "mentorship_activate"),    # already active
        (S.PAUSED, "mentorship_pause"),
        (S.PROPOSED, "mentorship_pause"),
        (S.PROPOSED, "mentorship_resume"),
        (S.PROPOSED, "mentorship_complete"),
        (S.COMPLETED, "mentorship_pause"),
        (S.COMPLETED, "mentorship_activate"),
        (S.ENDED_EARLY, "mentorship_resume"),
        (S.ENDED_EARLY, "mentorship_complete"),
    ],
)
def test_impossible_transitions_are_refused_and_change_nothing(start, verb):
    p = pair()
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status=start)
    m = reload(p.mentorship)
    events = MentorshipEvent.objects.count()
    with pytest.raises(services.InvalidTransition, match="cannot become"):
        getattr(services, verb)(mentorship=m, actor=p.coordinator)
    assert reload(m).status == start and m.status == start
    assert MentorshipEvent.objects.count() == events


def test_only_the_pair_and_coordinators_move_it_and_only_coordinators_complete_it():
    p = pair()
    for outsider in (UserFactory(), pair().coordinator):
        with pytest.raises(PermissionDenied):
            services.mentorship_pause(mentorship=p.mentorship, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.mentorship_complete(mentorship=p.mentorship, actor=p.mentor)
    admin = UserFactory(is_superuser=True, is_staff=True)
    services.mentorship_pause(mentorship=p.mentorship, actor=admin)
    assert reload(p.mentorship).status == S.PAUSED


def test_dates_start_from_the_cohort_and_coordinators_adjust_them():
    p = pair()
    assert (p.mentorship.starts_on, p.mentorship.ends_on) == (p.cohort.starts_on, p.cohort.ends_on)
    new_start, new_end = p.cohort.starts_on + dt.timedelta(days=7), p.cohort.ends_on + dt.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.mentorship_dates_set(mentorship=p.mentorship, actor=p.mentor, starts_on=new_start, ends_on=new_end)
    with pytest.raises(ValidationError):
        services.mentorship_dates_set(mentorship=p.mentorship, actor=p.coordinator, starts_on=new_end, ends_on=new_start)
    services.mentorship_dates_set(mentorship=p.mentorship, actor=p.coordinator, starts_on=new_start, ends_on=new_end)
    assert (reload(p.mentorship).starts_on, reload(p.mentorship).ends_on) == (new_start, new_end)


def test_extension_needs_a_reason_and_a_later_date():
    p = pair()
    old_end = p.mentorship.ends_on
    later = old_end + dt.timedelta(days=21)
    with pytest.raises(ValidationError, match="why"):
        services.mentorship_extend(mentorship=p.mentorship, actor=p.mentor, new_ends_on=later, reason="  ")
    with pytest.raises(ValidationError, match="after the current end"):
        services.mentorship_extend(mentorship=p.mentorship, actor=p.mentor, new_ends_on=old_end, reason="More time")
    with pytest.raises(PermissionDenied):
        services.mentorship_extend(mentorship=p.mentorship, actor=p.mentee, new_ends_on=later, reason="More time")
    extension = services.mentorship_extend(mentorship=p.mentorship, actor=p.mentor, new_ends_on=later, reason="Illness")
    assert (extension.previous_ends_on, extension.new_ends_on, extension.reason) == (old_end, later, "Illness")
    assert reload(p.mentorship).ends_on == later
    assert MentorshipExtension.objects.count() == 1


def test_early_end_request_then_coordinator_confirms(django_capture_on_commit_callbacks):
    p = pair()
    second_coordinator = UserFactory()
    p.program.coordinators.add(second_coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.early_end_request(mentorship=p.mentorship, actor=p.mentee, reason="I found a job.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([p.coordinator.email, second_coordinator.email])
    assert "I found a job." in mail.outbox[0].body and "end a mentorship early" in mail.outbox[0].subject
    assert reload(p.mentorship).status == S.ACTIVE  # nothing changes until a coordinator confirms

    with pytest.raises(ValidationError, match="already waiting"):
        services.early_end_request(mentorship=p.mentorship, actor=p.mentor, reason="Me too")
    with pytest.raises(PermissionDenied):
        services.early_end_confirm(request=request, actor=p.mentor)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.early_end_confirm(request=request, actor=p.coordinator, note="Talked with both.")
    m = reload(p.mentorship)
    assert m.status == S.ENDED_EARLY and m.ended_early_at and "I found a job." in m.end_reason
    assert EarlyEndRequest.objects.get().status == EarlyEndRequest.Status.CONFIRMED
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted([p.mentor.email, p.mentee.email])
    with pytest.raises(ValidationError, match="already decided"):
        services.early_end_confirm(request=request, actor=p.coordinator)


def test_early_end_declined_keeps_the_pair_going_and_a_new_request_is_possible():
    p = pair()
    request = services.early_end_request(mentorship=p.mentorship, actor=p.mentor, reason="No time")
    services.early_end_decline(request=request, actor=p.coordinator, note="Let us try a pause first.")
    assert reload(p.mentorship).status == S.ACTIVE
    assert EarlyEndRequest.objects.get().status == EarlyEndRequest.Status.DECLINED
    services.early_end_request(mentorship=p.mentorship, actor=p.mentor, reason="Still no time")
    assert EarlyEndRequest.objects.filter(status="pending").count() == 1


def test_early_end_needs_a_reason_and_an_open_mentorship():
    p = pair()
    with pytest.raises(ValidationError):
        services.early_end_request(mentorship=p.mentorship, actor=p.mentee, reason="")
    services.mentorship_end_early(mentorship=p.mentorship, actor=p.coordinator, reason="Code of conduct")
    with pytest.raises(services.InvalidTransition):
        services.early_end_request(mentorship=reload(p.mentorship), actor=p.mentee, reason="Again")
    with pytest.raises(PermissionDenied):
        services.mentorship_end_early(mentorship=pair().mentorship, actor=p.coordinator, reason="Not my program")
