"""Helpers shared by the mentoring views: load the mentorship for the viewer, check the role, render forms."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from .. import selectors
from ..models import Role
from ..selectors.capabilities import may_attempt, mentorship_capabilities

PARTICIPANTS = (Role.MENTOR, Role.MENTEE)
COORDINATOR = selectors.COORDINATOR


def mentorship_view(view):
    """Log in first; then the mentorship and the viewer's role, or 404 for anyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        mentorship, role = selectors.mentorship_get_for_user(user=request.user, pk=pk)
        return view(request, mentorship, role, *args, **kwargs)

    return wrapper


def require_may(role: str, action: str) -> None:
    """Someone who may see the mentorship but whose role never does this (the capability table): 403.
    Whether it is possible now is the service's answer, shown as a message."""
    if not may_attempt(action, role):
        raise PermissionDenied


def render_page(request, template: str, *, mentorship, role, **context):
    """A mentorship page: templates read `can.*` (the capability table), never the role, to show actions."""
    context.setdefault("can", mentorship_capabilities(mentorship=mentorship, role=role))
    return render(request, template, {"mentorship": mentorship, "role": role, **context})


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


def form_page(request, *, mentorship, role, form, title, submit, intro="", cancel_url=None, status=200, **extra):
    template = extra.pop("template", None) or "mentoring/form_page.html"
    context = {
        "mentorship": mentorship, "role": role, "form": form, "title": title, "submit": submit, "intro": intro,
        "cancel_url": cancel_url or mentorship.get_absolute_url(),
        "can": extra.pop("can", None) or mentorship_capabilities(mentorship=mentorship, role=role), **extra,
    }
    return render(request, template, context, status=status)
