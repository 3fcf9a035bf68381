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
    everything = Person(person, coordinator, other, mentor, application, mentee_side, mentor_side, cohort_a,
                        cohort_b, others_application)
    seed_later_apps(everything)
    return everything


def seed_later_apps(p: Person) -> None:
    """Rows in the apps merged after privacy (contributions, api, programwork, coordinators' set-up, concerns,
    groups and invitations), for the person (ZEPHYR, their name and email) and for others (OTHERWORD)."""
    from api.services import token_create
    from contributions.models import Contribution, LinkedAccount, TaskClaim
    from contributions.tests.factories import PeriodFactory, TaskFactory
    from mentoring.models import Concern
    from organizations.invitations import invitations_send
    from organizations.models import Group
    from programs.services.conduct import conduct_accept, conduct_save
    from programs.services.eligibility import screening_answers_save
    from programs.setup_models import Announcement, Invitation, ScreeningOutcome, ScreeningQuestion
    from programwork.models import (
        Activity,
        AmbassadorListing,
        Graduation,
        Milestone,
        PartnershipTerm,
        PlanItem,
        SupportPlan,
    )

    person, other, cohort, program = p.user, p.other, p.cohort_a, p.cohort_a.program
    now = timezone.now()
    # contributions
    period = PeriodFactory(cohort=cohort)
    LinkedAccount.objects.create(user=person, platform="github", username="zephyrine-quill",
                                 proof_url="https://gist.github.com/zephyrine-quill/ZEPHYR")
    LinkedAccount.objects.create(user=other, platform="github", username="osvaldo-other")
    TaskClaim.objects.create(task=TaskFactory(period=period, title="Improve the docs"), applicant=person)
    for who, word, author in ((person, "ZEPHYR", NAME), (other, "OTHERWORD", OTHER_NAME)):
        Contribution.objects.create(cohort=cohort, applicant=who, url=f"https://github.com/numpy/numpy/pull/{who.pk}",
                                    note=f"{word} learned broadcasting", platform="github", kind="change",
                                    title=f"{word} fix", author=author, api_cache={"x": {"body": author}})
    # api
    token_create(user=person, name="ZEPHYR roster sync", scope="read", expires_in_days=30)
    token_create(user=other, name="OTHERWORD sync", scope="read", expires_in_days=30)
    # programs: invitations to the person's address, screening, the code of conduct, an announcement
    Invitation.objects.create(program=program, cohort=cohort, role="mentor", email=EMAIL, invited_by=p.coordinator,
                              message=f"Dear {NAME}, please mentor with us", expires_at=now + dt.timedelta(days=7))
    Invitation.objects.create(program=program, cohort=cohort, role="mentor", email=OTHER_EMAIL,
                              invited_by=p.coordinator, message="OTHERWORD invitation", expires_at=now + dt.timedelta(days=7))
    question = ScreeningQuestion.objects.create(program=program, prompt="Are you a student?", kind="yes_no", expected="yes")
    screening_answers_save(applicant=person, cohort=cohort, answers={question.pk: "no"})
    screening_answers_save(applicant=other, cohort=cohort, answers={question.pk: "yes"})
    ScreeningOutcome.objects.create(application=p.application, reasons=["ZEPHYR is not a student"], screened_at=now,
                                    overridden_by=p.coordinator, overridden_at=now, override_note="ZEPHYR override")
    conduct_save(actor=p.coordinator, program=program, text="Be kind.")
    conduct_accept(user=person, program=program)
    Announcement.objects.create(cohort=cohort, author=person, segment="all", subject="ZEPHYR announcement",
                                body="ZEPHYR says hello", language="en")
    # mentoring: a concern the person raised, and one their mentee raised about the mentorship with them
    Concern.objects.create(cohort=cohort, reporter=person, mentorship=p.mentee_side, body="ZEPHYR is worried",
                           reply="Reply to ZEPHYR: we will call you")
    Concern.objects.create(cohort=p.cohort_b, reporter=other, mentorship=p.mentor_side, body="OTHERWORD is worried")
    # organizations: a group the person owns, an invitation to their address from another group
    mine = Group.objects.create(name="ZEPHYR lab group", owner=person)
    mine.members.add(person, other)
    theirs = Group.objects.create(name="OTHERWORD group", owner=other)
    theirs.members.add(other)
    invitations_send(actor=other, target=theirs, emails=[EMAIL])
    # programwork: ambassador work, incubation and a support plan on the person's mentorship
    Activity.objects.create(cohort=cohort, ambassador=person, kind="talk", title="ZEPHYR talk on open data",
                            held_on=now.date(), link="https://example.org/zephyrine-quill", audience=40,
                            materials_url="https://example.org/ZEPHYR-slides", review_note="Note to ZEPHYR: add the slides")
    Activity.objects.create(cohort=cohort, ambassador=other, kind="event", title="OTHERWORD meetup",
                            held_on=now.date(), place="Lima", audience=12)
    AmbassadorListing.objects.create(program=program, ambassador=person)
    Milestone.objects.create(mentorship=p.mentee_side, stage="concept", title="Shared milestone",
                             target_date=now.date(), evidence_url="https://example.org/demo", status="submitted")
    Graduation.objects.create(mentorship=p.mentee_side, decision="graduated", note="Shared graduation note",
                              decided_by=p.coordinator)
    plan = SupportPlan.objects.create(mentorship=p.mentee_side, repository_url="https://github.com/zeph/pkg")
    PlanItem.objects.create(plan=plan, area="quality", title="Shared: add tests", added_by=person)
    PartnershipTerm.objects.create(program=program, organization=Organization.objects.get(name="Zephyr Lab"),
                                   starts_on=now.date(), renews_on=now.date() + dt.timedelta(days=365),
                                   we_offer="Mentors", they_offer="Rooms", created_by=person)
