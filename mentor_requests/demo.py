"""Demo: pending direct requests in the rolling Mentoring Program."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs.models import Cohort

from .models import MentorshipRequest

REQUESTS = [
    ("sofia.mamani@example.com", "ana.quispe@example.com",
     "Soy estudiante de ingeniería ambiental en La Paz.", "Analicé datos de estaciones meteorológicas con pandas.",
     "Quiero publicar mi código como un paquete de Python.", "Mantienes paquetes científicos y hablas español."),
    ("arjun.patel@example.com", "mei.tanaka@example.com",
     "Master's student in statistics.", "I fit hierarchical models in Stan for a course project.",
     "Bayesian workflow for my thesis and how to write it up.", "You work on probabilistic programming."),
    ("amara.okafor@example.com", "ivan.ogasawara@example.com",
     "Research software engineer in Lagos.", "I maintain our lab's internal tools.",
     "Packaging, CI and how to grow a contributor community.", "You organise open-source communities."),
]


def seed(*, stdout):
    cohort = Cohort.objects.filter(program__slug="mentoring", rolling=True).first()
    if cohort is None:
        return
    users = {u.email: u for u in get_user_model().objects.filter(email__in=[e for r in REQUESTS for e in r[:2]])}
    created = 0
    for mentee_email, mentor_email, about, done, learn, why in REQUESTS:
        mentee, mentor = users.get(mentee_email), users.get(mentor_email)
        if not (mentee and mentor) or MentorshipRequest.objects.filter(mentee=mentee, mentor=mentor).exists():
            continue
        MentorshipRequest.objects.create(
            mentee=mentee, mentor=mentor, cohort=cohort, about_me=about, experience=done, learning_goals=learn, why_you=why,
            hours_per_week=4, expires_at=timezone.now() + timedelta(days=7),
        )
        created += 1
    stdout.write(f"  direct requests pending: {MentorshipRequest.objects.filter(status='pending').count()}")
