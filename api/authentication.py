"""`Authorization: Bearer mtp_…` with a personal access token. The browser uses DRF's SessionAuthentication
(CSRF enforced for signed-in sessions)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, PersonalAccessToken, token_hash


class PersonalAccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        if not raw.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        token = (
            PersonalAccessToken.objects.usable().select_related("user").filter(key_hash=token_hash(raw)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        # No "last used" write here: GET never writes (a token's use shows in the logs).
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword

