"""Helpers shared by the mentoring views: load the mentorship for the viewer, check the role, render forms."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from .. import selectors
from ..models import Role

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


def require_role(role: str, *allowed: str) -> None:
    """Someone who may see the mentorship but not do this: 403."""
    if role not in allowed:
        raise PermissionDenied


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def flash_errors(request, exc: ValidationError) -> None:
    for message in error_messages(exc):
        messages.error(request, message)


def form_page(request, *, mentorship, role, form, title, submit, intro="", cancel_url=None, status=200, **extra):
    context = {
        "mentorship": mentorship, "role": role, "form": form, "title": title, "submit": submit, "intro": intro,
        "cancel_url": cancel_url or mentorship.get_absolute_url(), **extra,
    }
    return render(request, extra.pop("template", None) or "mentoring/form_page.html", context, status=status)
