import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.generic import DetailView, ListView

from learning_platform.cache import catalog_cached
from users.models import INSTRUCTORS_GROUP, User

from . import search, seo
from .cards import render_cards
from .forms import PAGE_SIZES, SORTS, CatalogFilters, category_tree
from .models import Category, Course, Lesson, Section

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def cached_page(count, number, cards, per_page):
    """A Paginator and Page for a page of cards kept in the cache: the count and page number are
    known, so the paginator pages a range of that length and the page shows the cards."""
    paginator = Paginator(range(count), per_page)
    page = paginator.page(number)
    page.object_list = cards
    return paginator, page


class CourseListView(ListView):
    """The catalog: search, facets with counts, sort and pagination, all from one GET form."""

    template_name = "courses/course_list.html"
    context_object_name = "courses"
    category = None

    def get(self, request, *args, **kwargs):
        self.all_categories = catalog_cached(
            "categories",
            (),
            lambda: list(Category.objects.order_by("order", "name")),
            in_process=True,
        )
        self.filters = CatalogFilters.from_query(request.GET, self.all_categories)
        self.category_options = category_tree(self.all_categories, root=self.category)
        if self.category is not None:
            allowed = {option.category.slug for option in self.category_options}
            self.filters.categories = [s for s in self.filters.categories if s in allowed]
        # The cleaned query: part of every cache key and of the page's links.
        self.querystring = self.filters.querystring()
        # The page of cards comes from paginate_queryset, from the cache when it can: the
        # queryset is only built on a miss.
        self.object_list = None
        return self.render_to_response(self.get_context_data())

    def base_queryset(self, *, searched=True):
        """Published courses in scope (a category page's category) that match `q`."""
        courses = Course.objects.published()
        if self.category is not None:
            courses = courses.filter(category_id__in=self.filters.category_ids[self.category.slug])
        return search.matching(courses, self.filters.q) if searched else courses

    def get_queryset(self):
        if self.filters.sort == "relevance":
            courses = self.filters.apply(self.base_queryset(searched=False))
            return search.ranked(courses, self.filters.q).for_cards()
        courses = self.filters.apply(self.base_queryset())
        return courses.for_cards().order_by(*self.filters.ordering)

    def get_paginate_by(self, queryset):
        return self.filters.per_page

    @property
    def scope(self):
        """What, besides the filters, decides the results: the category page, if any."""
        return self.category.slug if self.category is not None else ""

    def paginate_queryset(self, queryset, page_size):
        # A page past the end shows the last page and a malformed one the first: never a 404.
        def first_look():
            courses = self.get_queryset()
            page = Paginator(courses, page_size).get_page(self.request.GET.get(self.page_kwarg))
            return page.paginator.count, page.number, render_cards(page.object_list)

        count, number, cards = catalog_cached(
            "results",
            (self.scope, self.querystring, self.request.GET.get(self.page_kwarg)),
            first_look,
        )
        paginator, page = cached_page(count, number, cards, page_size)
        return paginator, page, cards, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(category=self.category, filters=self.filters)
        # Everything below the navigation is the same for every visitor asking the same query;
        # the cards' hearts stay holes (the template fills them for this visitor). The fragment
        # keeps the cards it was rendered with: the cached page of results may be newer (another
        # process, another expiry) and hold other courses once enrolments reorder "popular".
        context["content_html"], context["content_cards"] = catalog_cached(
            "content",
            (self.scope, self.querystring, context["page_obj"].number),
            lambda: (self.render_content(context), context["page_obj"].object_list),
        )
        return context

    def render_content(self, context):
        page = context["page_obj"]
        sorts = [(key, label) for key, (label, _o) in SORTS.items()]
        if not self.filters.q:
            sorts = [item for item in sorts if item[0] != "relevance"]
        chips = self.filters.chips({c.slug: c.name for c in self.all_categories})
        filters_html = catalog_cached(
            "filters", (self.scope, self.querystring), lambda: self.render_filters(chips)
        )
        return render_to_string(
            "courses/includes/catalog_content.html",
            {
                **context,
                "category_options": self.category_options,
                "result_count": page.paginator.count,
                "sorts": sorts,
                "page_sizes": PAGE_SIZES,
                "query_without_page": self.querystring,
                "chips": chips,
                "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
                "filters_html": filters_html,
                "request": self.request,
                "keep_holes": True,
            },
        )

    def render_filters(self, chips):
        """The sidebar: every facet with its count under the other active filters."""
        counts = self.filters.facet_counts(self.base_queryset(), self.category_options)
        self.filters.mark_categories(counts, self.category_options)
        return render_to_string(
            "courses/includes/catalog_filters.html",
            {
                "category": self.category,
                "filters": self.filters,
                "category_options": self.category_options,
                "facets": self.filters.facets(counts),
                "chips": chips,
                "request": self.request,
            },
        )


class CategoryView(CourseListView):
    """A category's courses: the catalog pre-filtered, with its subcategories."""

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(
            Category.objects.select_related("parent"), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)


class CourseDetailView(DetailView):
    """A course page: drafts are 404 to everyone but their instructors and site staff.

    What every visitor sees alike (header, curriculum, description, related courses, JSON-LD) is
    rendered once per catalog version; the enrolment box and the reviews are the visitor's own.
    """

    template_name = "courses/course_detail.html"
    context_object_name = "course"
    related_count = 4

    def get_queryset(self):
        # What the page needs beside its cached parts: the enrolment box, meta tags, the key.
        return Course.objects.visible_to(self.request.user).only(
            "id", "slug", "title", "status", "published_at", "cover_image", "lesson_count",
            "total_duration", "enrollment_count", "rating_count", "rating_average",
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        course = self.object
        request = self.request
        # The counters are in the key: an enrolment changes this page's parts, no other page's.
        counters = (course.enrollment_count, course.rating_count, course.rating_average)
        shared = catalog_cached(
            "course-page",
            (course.pk, *counters, request.scheme, request.get_host()),
            lambda: self.shared_parts(course.pk),
        )
        return super().get_context_data(
            **shared,
            canonical_url=request.build_absolute_uri(course.get_absolute_url()),
            cover_url=(
                request.build_absolute_uri(course.cover_image.url) if course.cover_image else ""
            ),
            **kwargs,
        )

    def shared_parts(self, pk) -> dict:
        lessons = Lesson.objects.only(
            "id", "section_id", "course_id", "title", "slug", "order", "kind", "duration",
            "is_preview",
        )  # fmt: skip
        instructors = User.objects.only(
            "id", "username", "name", "email", "avatar", "headline"
        ).order_by("courseinstructor__order", "courseinstructor__id")
        course = (
            Course.objects.select_related("category__parent")
            .defer("search_vector")
            .prefetch_related(
                Prefetch("instructors", queryset=instructors),
                Prefetch(
                    "sections",
                    queryset=Section.objects.prefetch_related(
                        Prefetch("lessons", queryset=lessons)
                    ),
                ),
            )
            .get(pk=pk)
        )
        for section in course.sections.all():
            section.total_duration = sum(lesson.duration for lesson in section.lessons.all())
        context = {"course": course, "SITE_NAME": settings.SITE_NAME}
        return {
            "hero_html": render_to_string("courses/includes/course_hero.html", context),
            "main_html": render_to_string("courses/includes/course_main.html", context),
            "related_courses": render_cards(self.related_courses(course)),
            "json_ld": seo.course_json_ld(course, self.request),
            "meta_description": seo.course_summary(course),
        }

    def related_courses(self, course):
        # Same category first, then the rest of its family (parent, siblings, children).
        family = course.category.parent_id or course.category_id
        return (
            Course.objects.published()
            .filter(Q(category_id=family) | Q(category__parent_id=family))
            .exclude(pk=course.pk)
            .annotate(
                same_category=Case(
                    When(category_id=course.category_id, then=Value(1)), default=Value(0)
                )
            )
            .for_cards()
            .order_by("-same_category", "-rating_average", "-enrollment_count", "-id")[
                : self.related_count
            ]
        )


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
        teaches_published = Course.objects.published().filter(instructors=OuterRef("pk"))
        return (
            User.objects.filter(is_active=True)
            .filter(Exists(teaches_published) | Q(is_staff=True, groups__name=INSTRUCTORS_GROUP))
            .distinct()
        )

    def get_context_data(self, **kwargs):
        number = self.request.GET.get("page")
        shared = catalog_cached(
            "instructor", (self.object.pk, number), lambda: self.shared_parts(number)
        )
        count, number, cards = shared.pop("page")
        paginator, page = cached_page(count, number, cards, self.paginate_by)
        return super().get_context_data(
            **shared,
            courses=cards,
            course_count=count,
            page_obj=page,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=2),
            query_without_page="",
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
            **kwargs,
        )

    def shared_parts(self, number) -> dict:
        """A page of the instructor's published courses, and totals over all of them."""
        courses = Course.objects.published().filter(instructors=self.object)
        totals = courses.aggregate(
            learners=Sum("enrollment_count"),
            ratings=Sum("rating_count"),
            weighted=Sum(F("rating_average") * F("rating_count")),
        )
        ratings = totals["ratings"] or 0
        page = Paginator(
            courses.for_cards().order_by("-enrollment_count", "-rating_average", "-id"),
            self.paginate_by,
        ).get_page(number)
        return {
            "page": (page.paginator.count, page.number, render_cards(page.object_list)),
            "learner_count": totals["learners"] or 0,
            "rating_count": ratings,
            "rating_average": totals["weighted"] / ratings if ratings else 0,
        }
