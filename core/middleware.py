"""Middleware that keeps failures and malformed input from becoming 500 pages.

* DatabaseUnavailableMiddleware: an unreachable database gives a friendly, retryable 503 page;
  a NUL byte that reached PostgreSQL (which refuses them in text) gives a 400.
  A full disk (ENOSPC/EDQUOT) while storing an upload gives a clear 507 page; the admin and
  our forms save inside a transaction, so no row is left half-written.
* MalformedSessionCookieMiddleware: a session cookie no session store could have issued is
  ignored, so it never reaches a database query.
* StudioFormLimitsMiddleware: staff saving a form in the admin may post more fields than anyone
  else (STUDIO_UPLOAD_LIMITS): a course of 300 lessons posts ~4,000.
"""

import errno
import logging
import re
import threading

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Django's session keys: 32 characters of [a-z0-9] (VALID_KEY_CHARS); allow some slack in length.
SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


def service_unavailable(request) -> HttpResponse:
    """A standalone 503 page: no context processors, no user, nothing that needs the database."""
    html = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def storage_full(request) -> HttpResponse:
    html = render_to_string(
        "503.html", {"SITE_NAME": settings.SITE_NAME, "storage_full": True, "status_code": 507}
    )
    return HttpResponse(html, status=507, headers={"Cache-Control": "no-store"})


STORAGE_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def bad_request(request) -> HttpResponse:
    from core.views import error_400

    return error_400(request)


def _is_nul_byte_error(exception) -> bool:
    return isinstance(exception, DataError) and "NUL" in str(exception)


class DatabaseUnavailableMiddleware:
    """OperationalError / InterfaceError (server down, connection lost, too many connections,
    SQLite file unreadable) raised while a view or its template runs become a 503 page.

    Other errors in the data itself (IntegrityError, most DataErrors) are bugs and stay 500s.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable on %s: %s", request.path, exception)
            return service_unavailable(request)
        if isinstance(exception, OSError) and exception.errno in STORAGE_FULL_ERRNOS:
            logger.error("storage full on %s: %s", request.path, exception)
            return storage_full(request)
        if _is_nul_byte_error(exception):
            # PostgreSQL refuses NUL in text; the input was malformed, not the server broken.
            logger.warning("NUL byte in a query on %r", request.path)
            return bad_request(request)
        return None


class MalformedSessionCookieMiddleware:
    """Ignore a session cookie that is not a well-formed session key (place before sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        key = request.COOKIES.get(name)
        if key is not None and not SESSION_KEY.fullmatch(key):
            del request.COOKIES[name]
        return self.get_response(request)


class _RaisedUploadLimits:
    """Django's upload limits raised to STUDIO_UPLOAD_LIMITS while at least one studio body is
    being parsed in this process: counted, so parses in several threads neither wait for each
    other (an upload may take minutes) nor put the public limits back while another runs."""

    def __init__(self):
        self._lock = threading.Lock()
        self._parsing = 0
        self._public = {}

    def __enter__(self):
        with self._lock:
            if not self._parsing:
                limits = settings.STUDIO_UPLOAD_LIMITS
                self._public = {name: getattr(settings, name) for name in limits}
                for name, value in limits.items():
                    setattr(settings, name, value)
            self._parsing += 1

    def __exit__(self, *exc_info):
        with self._lock:
            self._parsing -= 1
            if not self._parsing:
                for name, value in self._public.items():
                    setattr(settings, name, value)


class StudioFormLimitsMiddleware:
    """Parse the body of a staff member's POST to the admin under STUDIO_UPLOAD_LIMITS (place
    after authentication): the nested course form posts ~14 fields a lesson and, as browsers send
    them, one empty file a lesson; the public limits (DATA_UPLOAD_MAX_*) stay for everyone else.

    Django reads those limits from settings while it parses, so they are raised while this parse
    runs, before the CSRF check or the view reads the body. With gunicorn's sync workers a process
    parses one request at a time; with threads, another request parsed meanwhile in the same
    process gets the raised limits too.
    """

    _raised_limits = _RaisedUploadLimits()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path.startswith(reverse("admin:index"))
            and request.user.is_active
            and request.user.is_staff
        ):
            with self._raised_limits:
                request.POST  # noqa: B018 (parsed now: Django keeps it for the request)
        return self.get_response(request)
