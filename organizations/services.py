from django.core.exceptions import PermissionDenied
from django.db import transaction

from .invitations import invitations_send, people_of
from .models import Organization, Project


@transaction.atomic
def _owned_save(*, form, actor):
    """Create or edit a record that belongs to its people.

    Only its people may edit it; whoever creates it owns it. Addresses named in `add_people` are
    invited (they join by accepting), never added directly.
    """
    instance = form.instance
    if instance.pk and not people_of(instance).filter(pk=actor.pk).exists():
        raise PermissionDenied
    is_new = instance.pk is None
    if is_new:
        instance.created_by = actor
        instance.owner = actor
    instance = form.save()
    if is_new:
        people_of(instance).add(actor)
    emails = form.cleaned_data.get("add_people", [])
    if emails:
        invitations_send(actor=actor, target=instance, emails=emails)
    return instance


def organization_save(*, form, actor) -> Organization:
    return _owned_save(form=form, actor=actor)


def project_save(*, form, actor) -> Project:
    return _owned_save(form=form, actor=actor)
