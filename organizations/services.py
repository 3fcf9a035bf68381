from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Organization, Project


@transaction.atomic
def _owned_save(*, form, actor, people: str):
    """Create or edit a record that belongs to its people (`people` names the M2M field).

    Only its people may edit it; whoever creates it becomes one of them.
    """
    instance = form.instance
    if instance.pk and not getattr(instance, people).filter(pk=actor.pk).exists():
        raise PermissionDenied
    is_new = instance.pk is None
    if is_new:
        instance.created_by = actor
    instance = form.save()
    manager = getattr(instance, people)
    if is_new:
        manager.add(actor)
    emails = form.cleaned_data.get("add_people", [])
    if emails:  # people who already have an account; the form reports unknown addresses
        manager.add(*get_user_model().objects.filter(email__in=emails))
    return instance


def organization_save(*, form, actor) -> Organization:
    return _owned_save(form=form, actor=actor, people="members")


def project_save(*, form, actor) -> Project:
    return _owned_save(form=form, actor=actor, people="maintainers")
