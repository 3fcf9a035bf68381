"""Operations middleware: a request id on every log line, and a friendly 503 when the database is away."""
import logging
import re
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from .request_id import bind_request_id, clear_request_id

logger = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID (when it looks like one) or make one; log lines and queued tasks carry it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        bind_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            clear_request_id()
        response[REQUEST_ID_HEADER] = request_id
        return response


class ServiceUnavailableMiddleware:
    """The database is down or restarting: answer 503 with a page that needs no database, not a bare 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable: %s: %s", type(exception).__name__, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
