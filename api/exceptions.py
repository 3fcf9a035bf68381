"""Errors as JSON: a service's ValidationError is a 400 with its message; forbidden and missing are 404."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": " ".join(str(m) for m in exc.messages)})
    elif isinstance(exc, DjangoPermissionDenied):
        # A service refused the person on an object: answer as for a missing one (nothing leaks).
        exc = Http404()
    return exception_handler(exc, context)
