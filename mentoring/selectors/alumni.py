"""Alumni of a program: mentees who completed a mentorship and agreed to be listed."""
from dataclasses import dataclass, field

from ..models import Closure, Mentorship, Role


@dataclass
class Alumnus:
    name: str
    cohorts: list[str] = field(default_factory=list)


def alumni_for_program(program) -> list[Alumnus]:
    """One query. Only people who ticked “list me” at closure (and can untick it later) appear."""
    consenting = Closure.objects.filter(role=Role.MENTEE, list_as_alumni=True).values("mentorship_id")
    mentorships = (
        Mentorship.objects.filter(cohort__program=program, status=Mentorship.Status.COMPLETED, pk__in=consenting)
        .select_related("mentee__profile", "cohort")
        .order_by("cohort__starts_on", "pk")
    )
    by_person: dict[int, Alumnus] = {}
    for mentorship in mentorships:
        alumnus = by_person.setdefault(mentorship.mentee_id, Alumnus(name=mentorship.mentee.profile.name))
        if mentorship.cohort.name not in alumnus.cohorts:
            alumnus.cohorts.append(mentorship.cohort.name)
    return sorted(by_person.values(), key=lambda a: a.name.lower())


def completed_program_before(user, program) -> bool:
    """Whether the person completed a mentorship of this program as a mentee (programs' eligibility rule)."""
    return Mentorship.objects.really_completed().filter(mentee=user, cohort__program=program).exists()
