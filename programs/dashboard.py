"""The programs part of each person's dashboard."""
from accounts import dashboard

from .application_selectors import open_calls_for
from .models import Application, ApprovalStatus, MentorEnrollment
from .selectors import coordinated_cohorts


@dashboard.register
def programs_section(request):
    user = request.user
    applications = list(
        Application.objects.filter(applicant=user).select_related("cohort__program").order_by("-updated_at")[:10]
    )
    enrollments = list(
        MentorEnrollment.objects.filter(mentor=user).exclude(status=ApprovalStatus.WITHDRAWN)
        .select_related("cohort__program").order_by("-created_at")[:10]
    )
    cohorts = list(coordinated_cohorts(user=user)[:10]) if (user.is_superuser or user.coordinated_programs.exists()) else []
    open_calls, more_open_calls = open_calls_for(user=user)
    return {
        "template": "programs/dashboard_section.html",
        "applications": applications,
        "enrollments": enrollments,
        "coordinated": cohorts,
        "open_calls": open_calls,
        "more_open_calls": more_open_calls,
    }
