"""The programs part of each person's dashboard."""
from django.db.models import Q
from django.utils import timezone

from accounts import dashboard

from .models import Application, ApprovalStatus, Cohort, MentorEnrollment
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
    now = timezone.now()
    applied = {a.cohort_id for a in applications}
    open_calls = [
        c for c in Cohort.objects.filter(program__published=True, applications_open_at__lte=now, phase_override="")
        .filter(Q(rolling=True) | Q(applications_close_at__gt=now)).select_related("program")
        .order_by("applications_close_at")[:6]
        if c.pk not in applied
    ][:3]
    return {
        "template": "programs/dashboard_section.html",
        "applications": applications,
        "enrollments": enrollments,
        "coordinated": cohorts,
        "open_calls": open_calls,
    }
