"""Goals and expectations: the agreement both accept, the mentee's goals, the mentor's comments, check-ins."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import SkillFactory
from mentoring import services
from mentoring.models import Agreement, CheckIn, Goal, Mentorship, MentorshipEvent
from mentoring.tests.factories import pair

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "meeting_frequency": Agreement.Frequency.FORTNIGHTLY, "communication": "Matrix chat; calls on Mondays.",
    "mentor_expectations": "Share work early.", "mentee_expectations": "Honest feedback.",
    "mentee_goals": "Become a maintainer.",
}


def test_both_accept_the_agreement_and_who_and_when_are_recorded():
    p = pair()
    agreement = services.agreement_save(mentorship=p.mentorship, actor=p.mentee, **AGREEMENT)
    assert not agreement.is_accepted
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    agreement.refresh_from_db()
    assert agreement.mentor_accepted_at and agreement.mentee_accepted_at is None and not agreement.is_accepted
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)
    agreement.refresh_from_db()
    assert agreement.is_accepted
    accepted = MentorshipEvent.objects.filter(action="agreement_accepted").values_list("actor", "note")
    assert sorted(accepted) == sorted([(p.mentor.pk, "mentor"), (p.mentee.pk, "mentee")])


def test_editing_after_acceptance_resets_it_but_saving_the_same_text_does_not():
    p = pair()
    services.agreement_save(mentorship=p.mentorship, actor=p.mentor, **AGREEMENT)
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    services.agreement_accept(mentorship=p.mentorship, actor=p.mentee)
    services.agreement_save(mentorship=p.mentorship, actor=p.mentor, **AGREEMENT)
    assert Agreement.objects.get().is_accepted
    services.agreement_save(mentorship=p.mentorship, actor=p.mentee, **{**AGREEMENT, "mentee_goals": "Two releases."})
    agreement = Agreement.objects.get()
    assert agreement.mentor_accepted_at is None and agreement.mentee_accepted_at is None
    assert agreement.mentee_goals == "Two releases." and agreement.updated_by == p.mentee


def test_agreement_is_for_the_two_people_and_must_be_written_first():
    p = pair()
    with pytest.raises(ValidationError, match="Write the agreement"):
        services.agreement_accept(mentorship=p.mentorship, actor=p.mentor)
    with pytest.raises(PermissionDenied):
        services.agreement_save(mentorship=p.mentorship, actor=p.coordinator, **AGREEMENT)
    with pytest.raises(ValidationError):
        services.agreement_save(mentorship=p.mentorship, actor=p.mentor, **{**AGREEMENT, "communication": " "})
    assert not Agreement.objects.exists()


def test_the_mentee_owns_goals_and_the_mentor_comments():
    p = pair()
    python = SkillFactory(name="Python packaging")
    goal = services.goal_create(mentorship=p.mentorship, actor=p.mentee, title="Publish to PyPI", skills=[python],
                                status=Goal.Status.IN_PROGRESS, progress=30)
    assert list(goal.skills.all()) == [python]
    with pytest.raises(PermissionDenied):
        services.goal_create(mentorship=p.mentorship, actor=p.mentor, title="Mentor's goal")
    with pytest.raises(PermissionDenied):
        services.goal_update(goal=goal, actor=p.mentor, title="Changed", status=Goal.Status.DONE)
    services.goal_update(goal=goal, actor=p.mentee, title="Publish to PyPI", status=Goal.Status.DONE, progress=80,
                         skills=[python])
    goal.refresh_from_db()
    assert goal.status == Goal.Status.DONE and goal.progress == 100  # done means 100%
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, actor=p.mentee, title="x", status=Goal.Status.IN_PROGRESS, progress=150)
    comment = services.goal_comment_add(goal=goal, actor=p.mentor, body="Great, now write the changelog.")
    assert comment.author == p.mentor
    with pytest.raises(PermissionDenied):
        services.goal_comment_add(goal=goal, actor=pair().mentor, body="Outsider")


def test_check_ins_are_the_mentees_and_need_a_mood_from_1_to_5():
    p = pair()
    check_in = services.check_in_submit(mentorship=p.mentorship, actor=p.mentee, progress="Fixed two bugs", mood=4,
                                        blockers="CI is slow")
    assert (check_in.mood, check_in.blockers) == (4, "CI is slow")
    with pytest.raises(PermissionDenied):
        services.check_in_submit(mentorship=p.mentorship, actor=p.mentor, progress="x", mood=3)
    with pytest.raises(ValidationError):
        services.check_in_submit(mentorship=p.mentorship, actor=p.mentee, progress="x", mood=7)
    Mentorship.objects.filter(pk=p.mentorship.pk).update(status=Mentorship.Status.COMPLETED)
    p.mentorship.refresh_from_db()
    with pytest.raises(ValidationError):
        services.check_in_submit(mentorship=p.mentorship, actor=p.mentee, progress="late", mood=3)
    assert CheckIn.objects.count() == 1
