"""A person who has done everything: applied, been a mentee and a mentor, reviewed, asked for a mentor.

Every text this person wrote carries a marker word (ZEPHYR); every text others wrote carries OTHERWORD,
so a test can tell whose data ended up where.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import UserFactory, make_mentee, make_mentor
from mentor_requests.models import MentorshipRequest
from mentoring import services as mentoring_services
from mentoring.models import (
    CheckIn,
    Closure,
    Direction,
    Evaluation,
    EvaluationAnswer,
    Goal,
    GoalComment,
    Meeting,
    MeetingPrivateNote,
    Role,
    Stage,
)
from mentoring.tests.factories import RunningCohortFactory
from notifications.models import NotificationPreference
from organizations.models import Organization
from programs.models import Answer, Application, QuestionKind
from programs.services.reviews import review_submit
from programs.tests.factories import EnrollmentFactory, ProgramFactory, QuestionFactory

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.quill@example.org"
OTHER_NAME = "Osvaldo Otherington"
OTHER_EMAIL = "osvaldo.other@example.org"
CV_BYTES = b"%PDF-1.4 ZEPHYR curriculum vitae"


@dataclass
class Person:
    user: object
    coordinator: object
    other: object  # the mentee this person mentors (and whose data must never leak)
    mentor: object  # the mentor of this person
    application: Application
    mentee_side: object  # the mentorship where the person is the mentee
    mentor_side: object  # the mentorship where the person is the mentor
    cohort_a: object
    cohort_b: object
    others_application: Application


def _user(name, email, **kwargs):
    user = make_mentee(name=name, **kwargs)
    user.email = email
    user.save()
    user.emailaddress_set.update(email=email)
    return user


def everything_person() -> Person:
    coordinator = UserFactory(email="coord.privacy@example.org")
    coordinator.profile.display_name = "Cora Coordinator"
    coordinator.profile.save()
    program = ProgramFactory(coordinators=[coordinator])
    cohort_a = RunningCohortFactory(program=program)
    cohort_b = RunningCohortFactory(program=program)
    person = _user(NAME, EMAIL, bio="ZEPHYR bio: I love telescopes.", career_goals="ZEPHYR goals")
    other = _user(OTHER_NAME, OTHER_EMAIL, bio="OTHERWORD bio")
    mentor = make_mentor(name="Mira Mentorsdottir")
    NotificationPreference.objects.create(user=person, kind="meeting_update", email_enabled=False)
    organization = Organization.objects.create(name="Zephyr Lab", kind="community", created_by=person)
    organization.members.add(person)

    # As a mentee in cohort A: an application with answers (one sensitive) and a CV.
    question = QuestionFactory(cohort=cohort_a, prompt="What have you built?", kind=QuestionKind.LONG_TEXT)
    sensitive = QuestionFactory(cohort=cohort_a, prompt="Gender (optional)", kind=QuestionKind.SHORT_TEXT,
                                required=False, sensitive=True)
    application = Application.objects.create(
        cohort=cohort_a, applicant=person, status=Application.Status.ACCEPTED, goals="ZEPHYR wants to learn Rust",
        motivation="ZEPHYR motivation", submitted_at=timezone.now() - dt.timedelta(days=60),
        cv=SimpleUploadedFile("my cv.pdf", CV_BYTES, content_type="application/pdf"),
    )
    Answer.objects.create(application=application, question=question, value="ZEPHYR built a star tracker")
    Answer.objects.create(application=application, question=sensitive, value="ZEPHYR-sensitive answer")
    enrollment_a = EnrollmentFactory(cohort=cohort_a, mentor=mentor)
    mentee_side = mentoring_services.mentorship_create(enrollment=enrollment_a, mentee=person, actor=coordinator,
                                                       application=application)

    # As a mentor in cohort B, of `other`.
    enrollment_b = EnrollmentFactory(cohort=cohort_b, mentor=person, offer="ZEPHYR offers code review")
    others_application = Application.objects.create(
        cohort=cohort_b, applicant=other, status=Application.Status.ACCEPTED, goals="OTHERWORD goals",
        submitted_at=timezone.now() - dt.timedelta(days=60),
    )
    mentor_side = mentoring_services.mentorship_create(enrollment=enrollment_b, mentee=other, actor=coordinator,
                                                       application=others_application)
    review_submit(application=others_application, reviewer=person, scores={}, recommendation="accept",
                  comment="ZEPHYR review comment")

    for mentorship, role in ((mentee_side, Role.MENTEE), (mentor_side, Role.MENTOR)):
        partner = mentorship.mentor if role == Role.MENTEE else mentorship.mentee
        goal = Goal.objects.create(mentorship=mentorship, title="Shared goal: publish", created_by=person)
        GoalComment.objects.create(goal=goal, author=person, body="ZEPHYR comment on the goal")
        GoalComment.objects.create(goal=goal, author=partner, body="OTHERWORD comment on the goal")
        meeting = Meeting.objects.create(mentorship=mentorship, starts_at=timezone.now() - dt.timedelta(days=3),
                                         agenda="Shared agenda", notes="Shared notes", created_by=person)
        MeetingPrivateNote.objects.create(meeting=meeting, author=person, body="ZEPHYR private note")
        MeetingPrivateNote.objects.create(meeting=meeting, author=partner, body="OTHERWORD private note")
        CheckIn.objects.create(mentorship=mentorship, author=person, progress="ZEPHYR progress", mood=4)
        CheckIn.objects.create(mentorship=mentorship, author=partner, progress="OTHERWORD progress", mood=3)
        written = Direction.written_by(role)
        about_them = Direction.ABOUT_MENTOR if written == Direction.ABOUT_MENTEE else Direction.ABOUT_MENTEE
        for author, direction, text in ((person, written, "ZEPHYR evaluation text"),
                                        (partner, about_them, "Evaluation about you: kind words")):
            evaluation = Evaluation.objects.create(mentorship=mentorship, stage=Stage.MIDPOINT, direction=direction,
                                                   author=author, submitted_at=timezone.now())
            EvaluationAnswer.objects.create(evaluation=evaluation, prompt="How is it going?", kind="rating", rating=4)
            EvaluationAnswer.objects.create(evaluation=evaluation, prompt="Anything else?", kind="text", text=text)
    Closure.objects.create(mentorship=mentee_side, author=person, role=Role.MENTEE, achieved="ZEPHYR achieved")
    MentorshipRequest.objects.create(
        mentee=person, mentor=make_mentor(name="Requested Mentor"), cohort=cohort_a, about_me="ZEPHYR about me",
        experience="ZEPHYR experience", learning_goals="ZEPHYR learning", why_you="ZEPHYR why", hours_per_week=4,
        expires_at=timezone.now() + dt.timedelta(days=5),
    )
    return Person(person, coordinator, other, mentor, application, mentee_side, mentor_side, cohort_a, cohort_b,
                  others_application)
