"""Reads for organizations, projects and groups: scoped (404 for missing and forbidden alike), in constant queries."""
from collections import defaultdict

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .invitations import PEOPLE_FIELD, TARGET_FIELD
from .models import Group, Invitation, Organization, Project

Status = Invitation.Status
KINDS = {"organizations": Organization, "projects": Project, "groups": Group}


def target_get(*, kind: str, pk: int, user=None, members_only: bool = False):
    """An organization, project or group with its people and their profiles. Groups, and with
    `members_only` anything, are seen only by their members: 404 for anyone else."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    people = PEOPLE_FIELD[model]
    target = model.objects.select_related("owner__profile").prefetch_related(f"{people}__profile").filter(pk=pk).first()
    if target is None:
        raise Http404
    if members_only or model is Group:
        if user is None or not user.is_authenticated or not any(p.pk == user.pk for p in getattr(target, people).all()):
            raise Http404
    return target


def people_page(*, target, user) -> dict:
    """Who is in it and what the viewer may do: members, and for members the open invitations."""
    people = list(getattr(target, PEOPLE_FIELD[type(target)]).all())
    member = user.is_authenticated and any(p.pk == user.pk for p in people)
    invitations = []
    if member:
        invitations = list(
            Invitation.objects.filter(**{TARGET_FIELD[type(target)]: target}, status=Status.PENDING,
                                      expires_at__gt=timezone.now()).order_by("email")
        )
    return {
        "target": target, "kind": {Organization: "organizations", Project: "projects", Group: "groups"}[type(target)],
        "people": sorted(people, key=lambda p: (p.pk != target.owner_id, p.profile.name.lower(), p.pk)),
        "invitations": invitations, "is_member": member,
        "is_owner": user.is_authenticated and target.owner_id == user.pk,
    }


def group_member_states(groups) -> dict[int, list[tuple[str, str]]]:
    """For each group: (who, state) for everyone invited, in invitation order. A name appears only for
    people who joined; the others are their invited address. Two queries for any number of groups."""
    groups = {g.pk: g for g in groups}
    if not groups:
        return {}
    joined = defaultdict(dict)
    for group_id, user_id, email, name in Group.members.through.objects.filter(group_id__in=groups).values_list(
        "group_id", "user_id", "user__email", "user__profile__display_name",
    ):
        joined[group_id][email.lower()] = (user_id, name or email.split("@")[0])
    now = timezone.now()
    states = defaultdict(dict)
    for group_id, email, status, expires_at in Invitation.objects.filter(group_id__in=groups).order_by(
        "created_at", "pk",
    ).values_list("group_id", "email", "status", "expires_at"):
        email = email.lower()
        if status == Status.PENDING and expires_at <= now:
            states[group_id][email] = (email, _("Invitation expired"))
        elif status == Status.ACCEPTED and email not in joined[group_id]:
            states[group_id][email] = (email, _("Left the group"))
        elif email not in joined[group_id]:
            states[group_id][email] = (email, Status(status).label)
    result = {}
    for group_id, group in groups.items():
        rows = []
        for email, (user_id, name) in joined[group_id].items():
            label = _("Applied for the group") if user_id == group.owner_id else Status.ACCEPTED.label
            rows.append((user_id != group.owner_id, f"{name} <{email}>", label))
        rows.sort(key=lambda row: row[0])
        result[group_id] = [(who, label) for _owner, who, label in rows] + list(states[group_id].values())
    return result


def group_counts(group_ids) -> dict[int, tuple[int, int]]:
    """(members who joined, invitations still open) per group: two queries."""
    group_ids = list(group_ids)
    if not group_ids:
        return {}
    members = dict(
        Group.objects.filter(pk__in=group_ids).annotate(n=Count("members")).values_list("pk", "n")
    )
    pending = dict(
        Invitation.objects.filter(group_id__in=group_ids).order_by().values("group_id")
        .annotate(n=Count("pk", filter=Q(status=Status.PENDING, expires_at__gt=timezone.now())))
        .values_list("group_id", "n")
    )
    return {pk: (members.get(pk, 0), pending.get(pk, 0)) for pk in group_ids}
