"""What each program kind asks of its applicants: the kind decides the form's sections (data, not code)."""
from django.utils.translation import gettext_lazy as _

from .models import ProgramKind

PERSON, ORGANIZATION, PROJECT, GROUP = "person", "organization", "project", "group"

APPLICANT_TYPE = {
    ProgramKind.AFFILIATION: ORGANIZATION,
    ProgramKind.PARTNERS: ORGANIZATION,
    ProgramKind.INCUBATOR: PROJECT,
    ProgramKind.PACKAGE_SUPPORT: PROJECT,
    ProgramKind.AMBASSADORS: PERSON,
    ProgramKind.INTERNSHIP: PERSON,
    ProgramKind.MENTORING: PERSON,
    ProgramKind.VIRTUAL_LABS: GROUP,
}

# The Application fields each applicant type fills in, beyond goals, motivation and the cohort's questions.
SECTIONS = {
    PERSON: {"title": _("About you"), "fields": ["skills_wanted", "hours_per_week", "cv"]},
    ORGANIZATION: {"title": _("Your organization"),
                   "fields": ["organization", "offer", "wants", "skills_wanted", "contact_person"]},
    PROJECT: {"title": _("Your project"), "fields": ["project", "support_needed", "skills_wanted", "wants"]},
    GROUP: {"title": _("Your group"), "fields": ["group_members", "hours_per_week"]},
}

ALL_SECTION_FIELDS = {name for section in SECTIONS.values() for name in section["fields"]}

SUPPORT_CHOICES = [
    ("mentoring", _("Mentoring for the maintainers")),
    ("review", _("Code review")),
    ("documentation", _("Documentation")),
    ("infrastructure", _("Infrastructure (CI, hosting, packaging)")),
]


def applicant_type(program_kind: str) -> str:
    return APPLICANT_TYPE.get(program_kind, PERSON)


def section_for(program_kind: str) -> dict:
    return {"type": applicant_type(program_kind), **SECTIONS[applicant_type(program_kind)]}
