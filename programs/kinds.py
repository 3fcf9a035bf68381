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


# Who may apply, in the catalog's words (one home: the catalog, the program and cohort pages read it).
WHO_MAY_APPLY = {
    PERSON: _("A person applies for themselves."),
    ORGANIZATION: _("An organization applies: one of its members applies on its behalf, once per cohort."),
    PROJECT: _("An open-source project applies: one of its maintainers applies on its behalf, once per cohort."),
    GROUP: _("A group applies: one person applies and invites the others, who join by accepting."),
}

# What follows an accepted application, per program kind (seed: what each program is for).
AFTER_ACCEPTANCE = {
    ProgramKind.AFFILIATION: _("An affiliation agreement for a term, with what each side offers and a renewal date; "
                               "affiliates may choose to appear in the public directory."),
    ProgramKind.PARTNERS: _("A partnership agreement for a term, with what each side offers and a renewal date; "
                            "partners may choose to appear in the public directory."),
    ProgramKind.AMBASSADORS: _("You organize events, workshops, talks and campaigns and log them for the coordinator; "
                               "ambassadors may choose to appear in the program's public list."),
    ProgramKind.INCUBATOR: _("Your project moves from concept to production through milestones its mentor confirms, "
                             "and a graduation decision at the end."),
    ProgramKind.PACKAGE_SUPPORT: _("A support plan for your package in quality assurance, documentation and community "
                                   "engagement, with items maintainers and mentors tick off."),
    ProgramKind.INTERNSHIP: _("A structured internship with a mentor: goals, meetings, evaluations."),
    ProgramKind.MENTORING: _("One-to-one mentoring with an experienced mentor: goals, meetings, evaluations."),
    ProgramKind.VIRTUAL_LABS: _("The group is decided on as one; its members join by accepting their invitation, and "
                                "a mentor works with the person who applied for it."),
}


def kind_rules(program_kind: str) -> dict:
    """What the catalog says about a program kind: who may apply and what happens after acceptance."""
    applicant = applicant_type(program_kind)
    return {"applicant": applicant, "who": WHO_MAY_APPLY[applicant], "after": AFTER_ACCEPTANCE.get(program_kind, "")}
