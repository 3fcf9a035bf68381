"""The privacy part of what coordinators set up (setup_models): invitations, announcements, screening,
the code of conduct. programs/privacy.py calls these beside its own."""
from django.db.models import Q
from django.utils.translation import gettext as _

from .setup_models import Announcement, ConductAcceptance, Invitation, ScreeningAnswer, ScreeningOutcome


def _invitations_to(user):
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def export_for_user(*, user) -> dict:
    return {
        "invitations_received": [{"program": i.program.name, "role": i.role, "created_at": i.created_at,
                                  "accepted_at": i.accepted_at, "message": i.message}
                                 for i in _invitations_to(user).select_related("program").order_by("pk")],
        # Invitations this person sent: the address is the invitee's, so it is left out.
        "invitations_sent": [{"program": i.program.name, "role": i.role, "created_at": i.created_at,
                              "message": i.message}
                             for i in Invitation.objects.filter(invited_by=user).select_related("program").order_by("pk")],
        "announcements_written": [{"cohort": a.cohort.name, "subject": a.subject, "body": a.body,
                                   "created_at": a.created_at}
                                  for a in Announcement.objects.filter(author=user).select_related("cohort").order_by("pk")],
        "screening_answers": [{"cohort": a.cohort.name, "question": a.question.prompt, "answer": a.value}
                              for a in ScreeningAnswer.objects.filter(applicant=user)
                              .select_related("cohort", "question").order_by("pk")],
        "screening_outcomes": [{"application_id": s.application_id, "reasons": s.reasons,
                                "screened_at": s.screened_at, "overridden_at": s.overridden_at}
                               for s in ScreeningOutcome.objects.filter(application__applicant=user).order_by("pk")],
        "code_of_conduct_accepted": [{"program": c.program.name, "accepted_at": c.accepted_at}
                                     for c in ConductAcceptance.objects.filter(user=user)
                                     .select_related("program").order_by("pk")],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    if ScreeningAnswer.objects.filter(applicant=user).exists() or _invitations_to(user).exists():
        return [_("Your answers to the programs' eligibility questions and the invitations sent to your email "
                  "address are deleted.")]
    return []


def erase_for_user(*, user) -> dict:
    invitations = _invitations_to(user).delete()[0]
    answers = ScreeningAnswer.objects.filter(applicant=user).delete()[0]
    ScreeningOutcome.objects.filter(application__applicant=user).update(reasons=[], override_note="")
    # Announcements the person wrote went to a cohort: they stay (with the author anonymised by accounts).
    acceptances = ConductAcceptance.objects.filter(user=user).delete()[0]
    return {"invitations_to_you": invitations, "screening_answers": answers, "conduct_acceptances": acceptances}


def purge_for_cohort(*, cohort, dry_run: bool) -> dict:
    """Screening answers and reasons of a finished cohort: whether each was screened out stays."""
    answers = ScreeningAnswer.objects.filter(cohort=cohort)
    outcomes = ScreeningOutcome.objects.filter(application__cohort=cohort).exclude(reasons=[], override_note="")
    counts = {"programs.screening_answers": answers.count(), "programs.screening_reasons": outcomes.count()}
    if not dry_run:
        answers.delete()
        outcomes.update(reasons=[], override_note="")
    return counts
