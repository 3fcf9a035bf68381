"""Bytes no person types never reach a view: NUL anywhere, or a path or query that is not UTF-8.

Postgres refuses NUL in text ("A string literal cannot contain NUL"), so a NUL in a URL token,
a search box or a filter would otherwise become a 500 deep in a query. Answered here, once, for
every URL: 404 for a path no page can have, 400 for a query string or form that cannot be read.
"""
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, HttpResponseNotFound
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _readable(raw: bytes) -> bool:
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(value: str) -> bytes:
    # WSGI hands over the path and query as bytes decoded as latin-1.
    return value.encode("latin-1", errors="replace")


class BadBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _readable(_wsgi_bytes(request.META.get("PATH_INFO", ""))):
            return HttpResponseNotFound(_("There is no page at this address."), content_type="text/plain; charset=utf-8")
        if not _readable(unquote_to_bytes(_wsgi_bytes(request.META.get("QUERY_STRING", "")))):
            return HttpResponseBadRequest(_("This address contains characters that cannot be read."),
                                          content_type="text/plain; charset=utf-8")
        if request.method == "POST" and request.content_type in FORM_TYPES and self._form_has_nul(request):
            return HttpResponseBadRequest(_("The form contains characters that cannot be read."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _form_has_nul(request) -> bool:
        # Uploaded files may hold any bytes; only the typed fields are text.
        return any("\x00" in value or "\x00" in key for key, values in request.POST.lists() for value in values)
