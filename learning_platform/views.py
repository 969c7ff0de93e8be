"""Site-wide views: home, health check, robots.txt and error pages."""

import logging

from django.conf import settings
from django.contrib.sitemaps import views as sitemaps_views
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from courses.cards import render_cards
from courses.models import Category, Course
from courses.sitemaps import SITEMAPS
from learning_platform.cache import catalog_cached

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    return render(request, "home.html", catalog_cached("home", (), home_sections, in_process=True))


def home_sections() -> dict:
    """What the home page shows every visitor: top-level categories, best rated and newest."""
    published = Course.objects.published().for_cards()
    featured = published.filter(rating_count__gt=0).order_by(
        "-rating_average", "-rating_count", "-id"
    )
    return {
        "featured_courses": render_cards(featured[:8]),
        "newest_courses": render_cards(published.order_by("-published_at", "-id")[:8]),
        "categories": top_categories_with_counts(),
    }


def top_categories_with_counts() -> list[Category]:
    """Top-level categories, each with `course_count`: its published courses and its children's
    (one GROUP BY over the catalog, not a subquery per category)."""
    per_category = dict(
        Course.objects.published()
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    categories = list(Category.objects.all())
    top = [category for category in categories if category.parent_id is None]
    for category in top:
        category.course_count = per_category.get(category.pk, 0) + sum(
            per_category.get(child.pk, 0) for child in categories if child.parent_id == category.pk
        )
    return top


@require_safe
def sitemap(request):
    """django.contrib.sitemaps' sitemap.xml, its XML kept until the catalog changes."""

    def render():
        response = sitemaps_views.sitemap(request, sitemaps=SITEMAPS)
        return response.render().content

    parts = (request.scheme, request.get_host(), request.GET.get("p"))
    response = HttpResponse(
        catalog_cached("sitemap", parts, render), content_type="application/xml; charset=utf-8"
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@never_cache
@require_safe
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
