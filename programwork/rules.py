"""Who works on each program kind's work, and which kinds have which: one home per rule."""
from programs.models import ProgramKind

# Which program kind each piece of work belongs to.
SUPPORT_PLAN_KIND = ProgramKind.PACKAGE_SUPPORT
WORKERS = ("mentor", "mentee")  # the maintainer (mentee) and the mentor edit; coordinators read


def has_support_plan(mentorship) -> bool:
    return mentorship.cohort.program.kind == SUPPORT_PLAN_KIND


def may_work(role: str | None, mentorship) -> bool:
    """The mentor and the mentee of an open mentorship work on its plan."""
    return role in WORKERS and mentorship.is_open


AMBASSADORS_KIND = ProgramKind.AMBASSADORS


def ambassadors_of(cohorts):
    """Ambassadors in SQL: people whose application to these cohorts was accepted (one definition for
    the log, the review page, the reach and the public list)."""
    from programs.models import Application

    return Application.objects.filter(cohort__in=cohorts, status=Application.Status.ACCEPTED)


def is_ambassador(user, cohort) -> bool:
    return (user.is_authenticated and cohort.program.kind == AMBASSADORS_KIND
            and ambassadors_of([cohort]).filter(applicant=user).exists())


AGREEMENT_KINDS = (ProgramKind.AFFILIATION, ProgramKind.PARTNERS)
RENEWAL_NOTICE_DAYS = 30  # renewal reminders go out this many days before the renewal date


def has_agreements(program) -> bool:
    return program.kind in AGREEMENT_KINDS


INCUBATOR_KIND = ProgramKind.INCUBATOR


def has_incubation(mentorship) -> bool:
    return mentorship.cohort.program.kind == INCUBATOR_KIND
