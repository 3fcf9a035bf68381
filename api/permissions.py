"""What a token's scope allows. Object-level rules come from each app's selectors (404), not from here."""
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import PersonalAccessToken


class TokenScope(permissions.BasePermission):
    """A read token reads; writing needs a write token. A browser session may do both (CSRF-checked)."""

    message = _("This token may only read: create a token with the write scope.")

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, PersonalAccessToken):
            return token.allows(write=request.method not in permissions.SAFE_METHODS)
        return True


class SignedIn(permissions.IsAuthenticated):
    message = _("Sign in, or send a personal access token.")
