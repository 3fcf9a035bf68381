"""Demo: a paid internship cohort that runs now, with a stipend plan in three instalments, a sponsor, and
two pairs whose instalments are waiting, approved, held and exported, so the payment page, the finance
exports and the mentee's schedule show something. Safe to run twice: pairs that exist are left alone."""
from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money

from mentoring.models import Mentorship
from mentoring.services import mentorship_create
from programs.demo import _cohort as cohort_in_phase
from programs.models import ApprovalStatus, MentorEnrollment, Program

from . import services
from .models import Event, ExportBatch, Instalment, PaymentDetails, Sponsor

COHORT_NAME = "2026 Term 3 (paid)"
AMOUNT = Money("3000.00", "EUR")
SPLIT = {Event.START: 30, Event.MIDPOINT: 30, Event.FINAL: 40}
SPONSOR = ("Open Science Foundation", "Marta Quiroga", "grants@osf.example.org", Money("9000.00", "EUR"))
# mentor, mentee, the mentee's payment details (None: not given yet, so the mentee's page asks for them)
PAIRS = [
    ("ana.quispe@example.com", "sofia.mamani@example.com", None),
    ("ivan.ogasawara@example.com", "amara.okafor@example.com", ("Amara Okafor", "NG", "Bank transfer, IBAN on file.")),
]
HOLD_REASON = "The midpoint evaluation has not arrived yet: we pay it once the mentor sends it."


def seed(*, stdout):
    program = Program.objects.filter(slug="open-source-internships").first()
    User = get_user_model()
    coordinator = User.objects.filter(email="coordinator@example.com").first()
    if program is None or coordinator is None:
        return
    cohort = cohort_in_phase(program, COHORT_NAME, phase="running", now=timezone.now(), season="2026-T3", max_mentees=6)
    services.plan_set(cohort=cohort, actor=coordinator, amount=AMOUNT, percents=SPLIT)
    organization, contact, email, pledged = SPONSOR
    if not Sponsor.objects.filter(cohort=cohort, organization=organization).exists():
        services.sponsor_save(cohort=cohort, actor=coordinator, organization=organization, contact_name=contact,
                              contact_email=email, pledged=pledged, status=Sponsor.Status.INVOICED)

    users = {u.email: u for u in User.objects.filter(email__in=[e for p in PAIRS for e in p[:2]])}
    for mentor_email, mentee_email, details in PAIRS:
        mentor, mentee = users.get(mentor_email), users.get(mentee_email)
        if not (mentor and mentee) or Mentorship.objects.filter(cohort=cohort, mentee=mentee).exists():
            continue
        enrollment, _ = MentorEnrollment.objects.get_or_create(
            cohort=cohort, mentor=mentor, defaults={"capacity": 2, "status": ApprovalStatus.APPROVED},
        )
        mentorship = mentorship_create(enrollment=enrollment, mentee=mentee)  # its instalments come with it
        if details:
            legal_name, country, notes = details
            services.payment_details_save(mentorship=mentorship, actor=mentee, legal_name=legal_name, country=country,
                                          payment_notes=notes)
        by_event = {i.event: i.pk for i in Instalment.objects.filter(mentorship=mentorship)}
        services.instalments_decide(cohort=cohort, actor=coordinator, instalment_ids=[by_event[Event.START]],
                                    action=services.APPROVE)
        services.instalments_decide(cohort=cohort, actor=coordinator, instalment_ids=[by_event[Event.MIDPOINT]],
                                    action=services.HOLD, reason=HOLD_REASON)
    if not ExportBatch.objects.filter(cohort=cohort).exists() and PaymentDetails.objects.filter(cohort=cohort).exists():
        services.export_create(cohort=cohort, actor=coordinator)  # the start instalments of mentees with details
    counts = dict.fromkeys(Instalment.Status.values, 0)
    for status in Instalment.objects.filter(mentorship__cohort=cohort).values_list("status", flat=True):
        counts[status] += 1
    stdout.write(f"  paid cohort “{cohort.name}”: instalments " + ", ".join(f"{k} {v}" for k, v in counts.items()))
