"""Catalog pages: home, the catalog and its category pages, course and instructor pages, sitemap.

Every page reads what it shows with a fixed number of indexed queries (courses.catalog for the
lists); anonymous answers are kept whole by core.cache, keyed on the versions below.
"""

import re

from django.contrib.sitemaps import views as sitemaps_views
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from core.cache import CATALOG, cache_page_for_anonymous, course_version
from users.models import User

from . import catalog, search, seo
from .cards import render_cards
from .forms import PAGE_SIZES, SORTS, CatalogFilters, category_tree
from .models import CatalogCell, Category, Course, Lesson, Section, public_instructors
from .sitemaps import SITEMAPS

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
HOME_CARDS = 8
# The query parameters list pages read; a search (q) is never kept whole: every one differs.
LIST_PARAMS = {"category", "level", "language", "duration", "rating", "sort", "page", "per_page"}


def on_catalog(kwargs):
    return [CATALOG]


def on_course(kwargs):
    return [CATALOG, course_version(kwargs["slug"])]


def cards_in_order(ids) -> list:
    """Cards of the courses with these ids, in that order."""
    by_id = Course.objects.for_cards().in_bulk(ids)
    return render_cards(by_id[pk] for pk in ids if pk in by_id)


def page_of(count, number, per_page):
    """The Paginator and Page for `count` results (known beforehand: no COUNT query); a page
    past the end shows the last page and a malformed one the first, never a 404."""
    return Paginator(range(count), per_page).get_page(number)


# --- home -------------------------------------------------------------------------------------
@cache_page_for_anonymous(depends_on=on_catalog, params=())
@require_safe
def home(request):
    """Top-level categories, the best rated and the newest courses (no course in both), and
    the catalog's size for the hero."""
    published = Course.objects.published()
    featured = list(
        published.filter(rating_count__gt=0)
        .order_by("-rating_average", "-rating_count", "-id")
        .values_list("pk", flat=True)[:HOME_CARDS]
    )
    newest = list(
        published.exclude(pk__in=featured)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:HOME_CARDS]
    )
    cards = {card.pk: card for card in cards_in_order([*featured, *newest])}
    categories = top_categories_with_counts()
    return render(
        request,
        "home.html",
        {
            "featured_courses": [cards[pk] for pk in featured if pk in cards],
            "newest_courses": [cards[pk] for pk in newest if pk in cards],
            "categories": categories,
            "course_count": sum(category.course_count for category in categories),
            "instructor_count": User.objects.instructors().count(),
        },
    )


def top_categories_with_counts() -> list[Category]:
    """Top-level categories, each with `course_count`: its published courses and its children's
    (from the catalog's counts table, not the course table)."""
    per_category = dict(
        CatalogCell.objects.order_by()
        .values("category_id")
        .annotate(n=Sum("courses"))
        .values_list("category_id", "n")
    )
    categories = list(Category.objects.all())
    top = [category for category in categories if category.parent_id is None]
    for category in top:
        category.course_count = per_category.get(category.pk, 0)
    for category in categories:
        if category.parent_id is not None:
            parent = next((c for c in top if c.pk == category.parent_id), None)
            if parent is not None:
                parent.course_count += per_category.get(category.pk, 0)
    return top


# --- the catalog ------------------------------------------------------------------------------
class CourseListView(TemplateView):
    """The catalog: search, facets with counts, sort and pagination, all from one GET form."""

    template_name = "courses/course_list.html"
    category = None

    def get_context_data(self, **kwargs):
        request = self.request
        categories = list(Category.objects.select_related("parent"))
        filters = CatalogFilters.from_query(request.GET, categories)
        options = category_tree(categories, root=self.category)
        if self.category is not None:
            allowed = {option.category.slug for option in options}
            filters.categories = [slug for slug in filters.categories if slug in allowed]
        selection = filters.selection(scope=self.category)
        counts = selection.counts()
        page = page_of(counts["total"], request.GET.get("page"), filters.per_page)
        offset = (page.number - 1) * filters.per_page
        page.object_list = cards_in_order(
            selection.page_ids(filters.sort, offset, filters.per_page)
        )
        filters.mark_categories(counts, options)
        names = {category.slug: category.name for category in categories}
        sorts = [(key, label) for key, label in SORTS.items() if filters.q or key != "relevance"]
        return super().get_context_data(
            category=self.category,
            filters=filters,
            category_options=options,
            facets=filters.facets(counts),
            chips=filters.chips(names),
            courses=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            query_without_page=filters.querystring(),
            result_count=counts["total"],
            suggestion=search.suggest(filters.q) if filters.q and not counts["total"] else None,
            sorts=sorts,
            page_sizes=PAGE_SIZES,
            **kwargs,
        )


class CategoryView(CourseListView):
    """A category's courses: the catalog pre-filtered, with its subcategories."""

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(
            Category.objects.select_related("parent"), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)


course_list = cache_page_for_anonymous(depends_on=on_catalog, params=LIST_PARAMS)(
    CourseListView.as_view()
)
category_detail = cache_page_for_anonymous(depends_on=on_catalog, params=LIST_PARAMS)(
    CategoryView.as_view()
)


# --- a course ---------------------------------------------------------------------------------
class CourseDetailView(DetailView):
    """A course page: drafts are 404 to everyone but their instructors and site staff."""

    template_name = "courses/course_detail.html"
    context_object_name = "course"
    related_count = 4

    def get_queryset(self):
        return (
            Course.objects.visible_to(self.request.user)
            .select_related("category__parent")
            .defer("search_vector")
            .with_instructors()
        )

    def get_context_data(self, **kwargs):
        course = self.object
        request = self.request
        sections = list(Section.objects.filter(course=course))
        lessons = Lesson.objects.filter(course=course).only(
            "id", "section_id", "course_id", "title", "slug", "order", "kind", "duration",
            "is_preview",
        )  # fmt: skip
        by_section = {section.pk: section for section in sections}
        for section in sections:
            section.lesson_list, section.total_duration = [], 0
        for lesson in lessons:
            section = by_section[lesson.section_id]
            lesson.course = course  # its URL needs the course's slug: no query
            section.lesson_list.append(lesson)
            section.total_duration += lesson.duration
        related = catalog.related_ids(course, self.related_count)
        user = request.user
        return super().get_context_data(
            can_edit=user.is_authenticated and (user.is_superuser or course.is_taught_by(user)),
            sections=sections,
            related_courses=cards_in_order(related),
            json_ld=seo.course_json_ld(course, request),
            meta_description=seo.course_summary(course),
            canonical_url=request.build_absolute_uri(course.get_absolute_url()),
            cover_url=(
                request.build_absolute_uri(course.cover_image.url) if course.cover_image else ""
            ),
            **kwargs,
        )


course_detail = cache_page_for_anonymous(depends_on=on_course, params=())(
    CourseDetailView.as_view()
)


# --- an instructor ----------------------------------------------------------------------------
class InstructorView(DetailView):
    """An instructor's public profile and published courses."""

    template_name = "courses/instructor_detail.html"
    context_object_name = "instructor"
    slug_field = "username"
    slug_url_kwarg = "username"
    paginate_by = 24

    def get_object(self, queryset=None):
        # Only well-formed usernames reach the database (PostgreSQL refuses NUL bytes).
        if not USERNAME_RE.fullmatch(self.kwargs["username"]):
            raise Http404("No such instructor.")
        return super().get_object(queryset)

    def get_queryset(self):
        return public_instructors()

    def get_context_data(self, **kwargs):
        courses = Course.objects.published().taught_by(self.object)
        totals = courses.aggregate(
            learners=Sum("enrollment_count"),
            ratings=Sum("rating_count"),
            weighted=Sum(F("rating_average") * F("rating_count")),
            count=Count("pk"),
        )
        ratings = totals["ratings"] or 0
        page = page_of(totals["count"] or 0, self.request.GET.get("page"), self.paginate_by)
        offset = (page.number - 1) * self.paginate_by
        ids = list(
            courses.order_by("-enrollment_count", "-rating_average", "-id").values_list(
                "pk", flat=True
            )[offset : offset + self.paginate_by]
        )
        page.object_list = cards_in_order(ids)
        return super().get_context_data(
            courses=page.object_list,
            course_count=totals["count"] or 0,
            learner_count=totals["learners"] or 0,
            rating_count=ratings,
            rating_average=totals["weighted"] / ratings if ratings else 0,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            query_without_page="",
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
            **kwargs,
        )


instructor_detail = cache_page_for_anonymous(depends_on=on_catalog, params=("page",))(
    InstructorView.as_view()
)


# --- sitemap ----------------------------------------------------------------------------------
@cache_page_for_anonymous(depends_on=on_catalog, params=())
@require_safe
def sitemap_index(request):
    """/sitemap.xml: the index of every section's pages (each at most SITEMAP_PAGE_SIZE URLs)."""
    response = sitemaps_views.index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section")
    response["X-Robots-Tag"] = "noindex"
    return response


@cache_page_for_anonymous(depends_on=on_catalog, params=("p",))
@require_safe
def sitemap_section(request, section):
    response = sitemaps_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    response["X-Robots-Tag"] = "noindex"
    return response
