"""Organizations, projects and applicant groups a person belongs to, and invitations to their email:
listed in the export; on deletion the person leaves and the invitations addressed to them go."""
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Group, Invitation, Organization, Project


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
        "groups": [{"id": g.pk, "name": g.name, "you_own_it": g.owner_id == user.pk}
                   for g in Group.objects.filter(Q(members=user) | Q(owner=user)).distinct().order_by("pk")],
        "invitations_received": [{"status": i.status, "created_at": i.created_at, "responded_at": i.responded_at}
                                 for i in _invitations_to(user).order_by("pk")],
    }


def _invitations_to(user):
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def deletion_plan_for_user(*, user) -> list[str]:
    if (Organization.objects.filter(members=user).exists() or Project.objects.filter(maintainers=user).exists()
            or Group.objects.filter(Q(members=user) | Q(owner=user)).exists()):
        return [_("You leave the organizations, projects and groups you belong to; they stay for their other "
                  "members.")]
    return []


def erase_for_user(*, user) -> dict:
    organizations = Organization.members.through.objects.filter(user=user).delete()[0]
    projects = Project.maintainers.through.objects.filter(user=user).delete()[0]
    Organization.objects.filter(contact_email__iexact=user.email).update(contact_email="")
    groups = Group.members.through.objects.filter(user=user).delete()[0]
    Group.objects.filter(owner=user).update(owner=None)
    invitations = _invitations_to(user).delete()[0]
    return {"organization_memberships": organizations, "project_memberships": projects,
            "group_memberships": groups, "invitations_to_you": invitations}
