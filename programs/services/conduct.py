"""A program's code of conduct: coordinators write it; applicants and mentors accept it (who and when is
recorded) before they submit an application or volunteer. Changing the text asks everyone again."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CodeOfConduct, ConductAcceptance, Program
from ..permissions import is_coordinator


def conduct_save(*, actor, program: Program, text: str) -> CodeOfConduct | None:
    """Write (or, with an empty text, remove) the program's code of conduct."""
    if not is_coordinator(actor, program.pk):
        raise PermissionDenied
    with transaction.atomic():
        if not text.strip():
            CodeOfConduct.objects.filter(program=program).delete()
            return None
        code, _created = CodeOfConduct.objects.update_or_create(
            program=program, defaults={"text": text.strip(), "updated_at": timezone.now()})
    return code


def conduct_pending(*, user, program: Program) -> CodeOfConduct | None:
    """The code this person still has to accept (none, or accepted since its last change: None)."""
    code = CodeOfConduct.objects.filter(program=program).first()
    if code is None:
        return None
    if ConductAcceptance.objects.filter(program=program, user=user, accepted_at__gte=code.updated_at).exists():
        return None
    return code


def conduct_accept(*, user, program: Program) -> ConductAcceptance:
    if CodeOfConduct.objects.filter(program=program).first() is None:
        raise ValidationError(_("This program has no code of conduct to accept."))
    acceptance, _created = ConductAcceptance.objects.update_or_create(
        program=program, user=user, defaults={"accepted_at": timezone.now()})
    return acceptance


def require_conduct_accepted(*, user, program: Program) -> None:
    """Called by the submit and volunteer services, inside their transactions."""
    if conduct_pending(user=user, program=program) is not None:
        raise ValidationError(_("Read and accept the code of conduct of %(program)s first (link on the cohort’s page).")
                              % {"program": program.name}, code="conduct_not_accepted")
