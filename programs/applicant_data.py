"""What an applicant that is not one person told us (organization, project, offer and needs, contact,
support needed, group members), shaped once for every page and export that shows it to those who decide.

One home: the review page, the application page, the coordinator's ranked list and the CSV export all
read these functions, so a field added to an applicant type appears everywhere at once.
"""
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from organizations.selectors import group_counts, group_member_states

from . import kinds
from .models import Application


@dataclass
class Fact:
    label: str
    value: str = ""
    url: str = ""
    items: list = field(default_factory=list)  # [(text, state label)] for lists such as group members


def support_labels(values) -> list[str]:
    names = dict(kinds.SUPPORT_CHOICES)
    return [str(names.get(value, value)) for value in (values or [])]


def prefetch_applicant_data(applications) -> None:
    """Load what `applicant_facts` reads for these applications: a fixed number of queries for any number."""
    applications = [a for a in applications if a is not None]
    prefetch_related_objects(applications, "organization", "project", "project__languages", "group")
    groups = [a.group for a in applications if a.group_id]
    states = group_member_states(groups)
    for application in applications:
        application.group_members_shown = states.get(application.group_id, []) if application.group_id else [
            (email, _("Not invited yet")) for email in application.group_members.split()
        ]


def applicant_facts(application: Application) -> list[Fact]:
    """The applicant type's data, in reading order, for the pages of those who decide.

    Call `prefetch_applicant_data` first (the review and application pages do, for their one row).
    """
    kind = kinds.applicant_type(application.cohort.program.kind)
    facts = []
    if kind == kinds.ORGANIZATION:
        organization = application.organization
        if organization is not None:
            facts.append(Fact(_("Organization"), organization.name, url=organization.get_absolute_url()))
            facts.append(Fact(_("Kind of organization"), organization.get_kind_display()))
            facts.append(Fact(_("Country"), organization.country))
            facts.append(Fact(_("Website"), organization.website, url=organization.website))
            facts.append(Fact(_("Contact email"), organization.contact_email))
        facts.append(Fact(_("Contact person"), application.contact_person))
        facts.append(Fact(_("What the organization offers"), application.offer))
        facts.append(Fact(_("What it hopes to get"), application.wants))
    elif kind == kinds.PROJECT:
        project = application.project
        if project is not None:
            facts.append(Fact(_("Project"), project.name, url=project.get_absolute_url()))
            facts.append(Fact(_("Repository"), project.repository_url, url=project.repository_url))
            facts.append(Fact(_("License"), project.license))
            facts.append(Fact(_("Stage"), project.get_stage_display()))
            facts.append(Fact(_("About how many users"), "" if project.users_estimate is None else str(project.users_estimate)))
            facts.append(Fact(_("Languages of the project"), ", ".join(lang.name for lang in project.languages.all())))
        facts.append(Fact(_("Support needed"), ", ".join(support_labels(application.support_needed))))
        facts.append(Fact(_("What the project hopes to get"), application.wants))
    elif kind == kinds.GROUP:
        facts.append(Fact(_("Group members"), items=getattr(application, "group_members_shown", [])))
    return facts


def ranked_labels(applications) -> dict[int, str]:
    """A short "on behalf of" label per application for the ranked list: one query for the page.

    The ranked list leaves the long texts out of its rows, so this reads only what it prints.
    """
    ids = [a.pk for a in applications]
    if not ids:
        return {}
    labels = {}
    rows = Application.objects.filter(pk__in=ids).values_list(
        "pk", "cohort__program__kind", "organization__name", "project__name", "group_id", "group_members",
    )
    group_ids = {group_id for _pk, _kind, _o, _p, group_id, _m in rows if group_id}
    counts = group_counts(group_ids)
    for pk, program_kind, organization, project, group_id, members in rows:
        kind = kinds.applicant_type(program_kind)
        if kind == kinds.ORGANIZATION and organization:
            labels[pk] = organization
        elif kind == kinds.PROJECT and project:
            labels[pk] = project
        elif kind == kinds.GROUP:
            accepted, invited = counts.get(group_id, (0, len(members.split())))
            labels[pk] = _("Group: %(accepted)d joined, %(invited)d invited") % {"accepted": accepted, "invited": invited}
    return labels


# --- the CSV export's columns (programs.exports) -----------------------------------------------

CSV_COLUMNS = [
    "applicant_type", "organization", "organization_kind", "organization_contact_email", "project", "project_repository",
    "project_languages", "contact_person", "offer", "wants", "support_needed", "group_members",
]
CSV_PREFETCH = ("organization", "project", "project__languages", "group")


def csv_values(application: Application) -> list[str]:
    """The CSV cells of the applicant's data, in CSV_COLUMNS order (the export makes them formula-safe)."""
    organization, project = application.organization, application.project
    members = getattr(application, "group_members_shown", [])
    return [
        kinds.applicant_type(application.cohort.program.kind),
        organization.name if organization else "",
        organization.kind if organization else "",
        organization.contact_email if organization else "",
        project.name if project else "",
        project.repository_url if project else "",
        ", ".join(lang.code for lang in project.languages.all()) if project else "",
        application.contact_person,
        application.offer,
        application.wants,
        ", ".join(application.support_needed or []),
        "; ".join(f"{email} ({state})" for email, state in members),
    ]
