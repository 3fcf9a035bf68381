"""Direct requests to a mentor: export, erasure (pending ones withdrawn or declined)."""
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import MentorshipRequest
from .services import request_decline, request_withdraw

Status = MentorshipRequest.Status


def export_for_user(*, user) -> dict:
    sent = MentorshipRequest.objects.filter(mentee=user).select_related("cohort__program").order_by("pk")
    received = MentorshipRequest.objects.filter(mentor=user).select_related("cohort__program").order_by("pk")
    return {
        "requests_sent": [{
            "program": r.cohort.program.name, "cohort": r.cohort.name, "about_me": r.about_me,
            "experience": r.experience, "learning_goals": r.learning_goals, "why_you": r.why_you,
            "hours_per_week": r.hours_per_week, "status": r.status, "created_at": r.created_at,
        } for r in sent],
        # What the mentee wrote is theirs: only the answer this person gave is exported.
        "requests_received": [{
            "program": r.cohort.program.name, "cohort": r.cohort.name, "status": r.status,
            "your_answer": r.response_message, "created_at": r.created_at, "answered_at": r.responded_at,
        } for r in received],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    pending = MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user), status=Status.PENDING).count()
    if pending:
        return [_("Requests waiting for an answer are withdrawn (yours) or declined (to you, and the mentee is told).")]
    return []


def erase_for_user(*, user) -> dict:
    withdrawn = declined = 0
    for request in MentorshipRequest.objects.filter(mentee=user, status=Status.PENDING):
        request_withdraw(request=request, actor=user)
        withdrawn += 1
    for request in MentorshipRequest.objects.filter(mentor=user, status=Status.PENDING).select_related("cohort__program"):
        request_decline(request=request, actor=user)
        declined += 1
    MentorshipRequest.objects.filter(mentee=user).update(about_me="", experience="", learning_goals="", why_you="")
    MentorshipRequest.objects.filter(mentor=user).update(response_message="")
    return {"requests_withdrawn": withdrawn, "requests_declined": declined}
