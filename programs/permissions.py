"""Who may do what in a program. Every view and service asks these, never the templates alone."""
from .models import ApprovalStatus, MentorEnrollment, Program


def is_site_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_coordinator(user, program: Program | int) -> bool:
    """Program coordinators and site admins run a program."""
    if not user.is_authenticated:
        return False
    if is_site_admin(user):
        return True
    program_id = program if isinstance(program, int) else program.pk
    return user.coordinated_programs.filter(pk=program_id).exists()


def is_approved_mentor(user, cohort_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return MentorEnrollment.objects.filter(
        cohort_id=cohort_id, mentor=user, status=ApprovalStatus.APPROVED,
    ).exists()
