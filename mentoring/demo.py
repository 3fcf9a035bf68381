"""Demo: running mentorships in the Virtual Lab cohort, with an agreement, goals, meetings and a check-in."""
import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs.models import ApprovalStatus, Cohort, MentorEnrollment

from . import services
from .models import Agreement, Mentorship

PAIRS = [
    ("ana.quispe@example.com", "sofia.mamani@example.com", "Publish my station-data scripts as a Python package."),
    ("kwame.mensah@example.com", "carla.rojas@example.com", "Give my first talk about open data in Santiago."),
]


def seed(*, stdout):
    cohort = Cohort.objects.filter(program__slug="virtual-labs").order_by("-starts_on").first()
    if cohort is None:
        return
    users = {u.email: u for u in get_user_model().objects.filter(email__in=[e for p in PAIRS for e in p[:2]])}
    now = timezone.now()
    for mentor_email, mentee_email, goal in PAIRS:
        mentor, mentee = users.get(mentor_email), users.get(mentee_email)
        if not (mentor and mentee) or Mentorship.objects.filter(cohort=cohort, mentee=mentee).exists():
            continue
        enrollment, _ = MentorEnrollment.objects.get_or_create(
            cohort=cohort, mentor=mentor, defaults={"capacity": 2, "status": ApprovalStatus.APPROVED},
        )
        mentorship = services.mentorship_create(enrollment=enrollment, mentee=mentee)
        services.agreement_save(mentorship=mentorship, actor=mentee, meeting_frequency=Agreement.Frequency.WEEKLY,
                                communication="A video call each week; questions in chat any time.", mentee_goals=goal)
        services.agreement_accept(mentorship=mentorship, actor=mentee)
        services.agreement_accept(mentorship=mentorship, actor=mentor)
        services.goal_create(mentorship=mentorship, actor=mentee, title=goal, target_date=cohort.ends_on)
        services.meeting_schedule(mentorship=mentorship, actor=mentor, location="https://meet.example.org/lab",
                                  starts_at=(now + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0),
                                  agenda="Review progress on the goal; plan the next two weeks.")
        services.check_in_submit(mentorship=mentorship, actor=mentee, progress="Wrote the first tests.", mood=4)
    stdout.write(f"  running mentorships: {Mentorship.objects.filter(status='active').count()}")
