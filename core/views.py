"""Site-wide views that know no app: health check, robots.txt and error pages."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve
from PIL import Image

from .renditions import make_rendition, original_of

MEDIA_MAX_AGE = 365 * 24 * 60 * 60
ORIGINAL_EXTENSIONS = (".webp", ".jpg", ".jpeg", ".png")

logger = logging.getLogger(__name__)


@require_safe
def media(request, path):
    """Uploaded public files (covers, avatars, their renditions) from the local media folder,
    for the one-machine setup (object storage serves its own); a rendition missing from the
    folder is made from its original on its first request."""
    storage = default_storage
    if not isinstance(storage, FileSystemStorage):
        raise Http404("Media are served by the object storage.")
    try:
        found = storage.exists(path)
    except SuspiciousFileOperation:  # a path out of the media folder
        raise Http404("No such file.") from None
    if not found:
        rendition = original_of(path)
        original = rendition and next(
            (f"{rendition[0]}{ext}" for ext in ORIGINAL_EXTENSIONS
             if storage.exists(f"{rendition[0]}{ext}")),
            None,
        )  # fmt: skip
        if not original:
            raise Http404("No such file.")
        try:
            make_rendition(storage, original, rendition[1])
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("no rendition %s", path, exc_info=True)
            raise Http404("No such file.") from None
    response = serve(request, path, document_root=storage.location)
    # Uploaded names are never reused (core.uploads adds a random part), so a URL's file never
    # changes: browsers may keep it.
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE, immutable=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
def healthz(request):
    """JSON for load balancers: 200 while the database answers ("degraded" when the cache does
    not: the site serves without it), 503 when the database is unreachable."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not reachable"
        logger.warning("healthz: database unreachable: %s", exc)
        checks["database"] = "error"
    try:
        pages = caches["pages"]
        pages.set("healthz", "1", 5)
        checks["cache"] = "ok" if pages.get("healthz") == "1" else "error"
    except Exception as exc:
        logger.warning("healthz: cache unreachable: %s", exc)
        checks["cache"] = "error"
    if checks["database"] != "ok":
        status = "error"
    else:
        status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /dashboard/",
        "Disallow: /profile/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the database may be what failed.
    return render(request, "500.html", {"SITE_NAME": settings.SITE_NAME}, status=500)
