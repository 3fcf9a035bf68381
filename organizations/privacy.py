"""Organizations and projects a person helps run: listed in the export, left on deletion."""
from django.utils.translation import gettext as _

from .models import Organization, Project


def export_for_user(*, user) -> dict:
    return {
        "organizations": [
            {"id": o.pk, "name": o.name, "created_by_you": o.created_by_id == user.pk}
            for o in Organization.objects.filter(members=user).order_by("pk")
        ],
        "projects": [
            {"id": p.pk, "name": p.name, "repository_url": p.repository_url, "created_by_you": p.created_by_id == user.pk}
            for p in Project.objects.filter(maintainers=user).order_by("pk")
        ],
    }


def deletion_plan_for_user(*, user) -> list[str]:
    if Organization.objects.filter(members=user).exists() or Project.objects.filter(maintainers=user).exists():
        return [_("You leave the organizations and projects you help run; they stay for their other members.")]
    return []


def erase_for_user(*, user) -> dict:
    organizations = Organization.members.through.objects.filter(user=user).delete()[0]
    projects = Project.maintainers.through.objects.filter(user=user).delete()[0]
    Organization.objects.filter(contact_email__iexact=user.email).update(contact_email="")
    return {"organization_memberships": organizations, "project_memberships": projects}
