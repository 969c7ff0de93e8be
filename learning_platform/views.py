"""Site-wide views: home, health check, robots.txt and error pages."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.models import Category, Course

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    published = (
        Course.objects.published()
        .defer("description", "learning_outcomes", "requirements", "search_vector")
        .for_cards()
    )
    context = {
        "featured_courses": published.filter(rating_count__gt=0).order_by(
            "-rating_average", "-rating_count", "-id"
        )[:8],
        "newest_courses": published.order_by("-published_at", "-id")[:8],
        "categories": Category.objects.filter(parent__isnull=True).annotate(
            course_count=Subquery(
                Course.objects.published()
                .filter(Q(category_id=OuterRef("pk")) | Q(category__parent_id=OuterRef("pk")))
                .order_by()
                .values(group=Value(1))
                .annotate(count=Count("pk"))
                .values("count")
            )
        ),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
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
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception as exc:
        logger.warning("healthz: cache unreachable: %s", exc)
        checks["cache"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_GET
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
