"""Turn an unreachable database into a friendly, retryable 503 page instead of a traceback."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def service_unavailable(request) -> HttpResponse:
    """A standalone 503 page: no context processors, no user, nothing that needs the database."""
    html = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """OperationalError / InterfaceError (server down, connection lost, too many connections,
    SQLite file unreadable) raised while a view or its template runs become a 503 page.

    Errors in the data itself (IntegrityError, DataError) are bugs and stay 500s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable on %s: %s", request.path, exception)
            return service_unavailable(request)
        return None
