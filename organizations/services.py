from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Organization, Project


@transaction.atomic
def organization_save(*, form, actor) -> Organization:
    """Create or edit an organization. Only its people may edit it; the creator is one of them."""
    organization = form.instance
    if organization.pk and not organization.members.filter(pk=actor.pk).exists():
        raise PermissionDenied
    is_new = organization.pk is None
    if is_new:
        organization.created_by = actor
    organization = form.save()
    if is_new:
        organization.members.add(actor)
    _add_people(organization.members, form.cleaned_data.get("add_people", []))
    return organization


@transaction.atomic
def project_save(*, form, actor) -> Project:
    project = form.instance
    if project.pk and not project.maintainers.filter(pk=actor.pk).exists():
        raise PermissionDenied
    is_new = project.pk is None
    if is_new:
        project.created_by = actor
    project = form.save()
    if is_new:
        project.maintainers.add(actor)
    _add_people(project.maintainers, form.cleaned_data.get("add_people", []))
    return project


def _add_people(manager, emails):
    """Add people who already have an account; unknown addresses are reported by the form."""
    if emails:
        manager.add(*get_user_model().objects.filter(email__in=emails))
