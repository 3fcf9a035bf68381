from accounts import dashboard

from .models import MentorshipRequest


@dashboard.register
def requests_section(request):
    pending = list(
        MentorshipRequest.objects.awaiting_answer().filter(mentor=request.user)
        .select_related("mentee__profile").order_by("expires_at")[:10]
    )
    waiting = list(
        MentorshipRequest.objects.filter(mentee=request.user, status=MentorshipRequest.Status.PENDING)
        .select_related("mentor__profile").order_by("expires_at")[:10]
    )
    if not (pending or waiting):
        return None
    return {"template": "mentor_requests/dashboard_section.html", "to_answer": pending, "waiting": waiting}
