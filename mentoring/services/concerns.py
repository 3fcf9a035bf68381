"""Raising a concern privately, and the coordinators' answer. Only the program's coordinators (and the
person who raised it) ever read a concern; the coordinators are emailed at once."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.services import notify
from programs.models import Application
from programs.permissions import is_coordinator

from ..models import Concern, Mentorship
from ..selectors.access import mentorship_role
from ..selectors.capabilities import may_raise_concern


def concern_raise(*, reporter, body: str, mentorship: Mentorship | None = None,
                  application: Application | None = None) -> Concern:
    if (mentorship is None) == (application is None):
        raise ValueError("A concern is about one mentorship or one application.")
    if mentorship is not None and not may_raise_concern(role=mentorship_role(user=reporter, mentorship=mentorship)):
        raise PermissionDenied
    if application is not None and reporter.pk != application.applicant_id:
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("Say what worries you.")})
    cohort = (mentorship or application).cohort
    with transaction.atomic():
        concern = Concern.objects.create(cohort=cohort, reporter=reporter, mentorship=mentorship,
                                         application=application, body=body.strip())
        url = reverse("mentoring:concern_detail", args=[concern.pk])
        for coordinator in cohort.program.coordinators.filter(is_active=True).select_related("profile"):
            notify(user=coordinator, kind="concern_raised", key=f"concern:{concern.pk}:coordinator:{coordinator.pk}",
                   context={"name": coordinator.get_full_name(), "program": cohort.program.name,
                            "cohort": cohort.name, "url": url})
    return concern


def concern_get_for_user(*, user, pk: int) -> tuple[Concern, bool]:
    """The concern and whether the person handles it (a coordinator); 404 for anyone else."""
    concern = (Concern.objects.select_related("cohort__program", "reporter__profile", "handled_by__profile")
               .filter(pk=pk).first())
    if concern is None or not user.is_authenticated:
        raise Http404
    if is_coordinator(user, concern.cohort.program_id):
        return concern, True
    if concern.reporter_id == user.pk:
        return concern, False
    raise Http404


def concern_update(*, actor, concern: Concern, status: str, reply: str) -> Concern:
    if not is_coordinator(actor, concern.cohort.program_id):
        raise PermissionDenied
    if status not in Concern.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        replied = reply.strip() and reply.strip() != concern.reply
        concern.status, concern.reply, concern.handled_by = status, reply.strip(), actor
        concern.save()
        if replied:
            notify(user=concern.reporter, kind="concern_reply",
                   key=f"concern:{concern.pk}:reply:{concern.updated_at.timestamp()}",
                   context={"name": concern.reporter.get_full_name(), "program": concern.cohort.program.name,
                            "url": reverse("mentoring:concern_detail", args=[concern.pk])})
    return concern


def concerns_for_cohort(cohort):
    return Concern.objects.filter(cohort=cohort).select_related("reporter__profile", "handled_by__profile")
