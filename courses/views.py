import re

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from users.models import INSTRUCTORS_GROUP, User

from . import search, seo
from .forms import PAGE_SIZES, SORTS, CatalogFilters, category_tree
from .models import Category, Course, Lesson, Section

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

# Columns a course card never shows (long texts and the search document).
CARD_DEFERRED = ("description", "learning_outcomes", "requirements", "search_vector")


class CourseListView(ListView):
    """The catalog: search, facets with counts, sort and pagination, all from one GET form."""

    template_name = "courses/course_list.html"
    context_object_name = "courses"
    category = None

    def get(self, request, *args, **kwargs):
        self.all_categories = list(Category.objects.order_by("order", "name"))
        self.filters = CatalogFilters.from_query(request.GET, self.all_categories)
        self.category_options = category_tree(self.all_categories, root=self.category)
        if self.category is not None:
            allowed = {option.category.slug for option in self.category_options}
            self.filters.categories = [s for s in self.filters.categories if s in allowed]
        return super().get(request, *args, **kwargs)

    def base_queryset(self, *, searched=True):
        """Published courses in scope (a category page's category) that match `q`."""
        courses = Course.objects.published()
        if self.category is not None:
            courses = courses.filter(category_id__in=self.filters.category_ids[self.category.slug])
        return search.matching(courses, self.filters.q) if searched else courses

    def get_queryset(self):
        if self.filters.sort == "relevance":
            courses = self.filters.apply(self.base_queryset(searched=False))
            return search.ranked(courses, self.filters.q).defer(*CARD_DEFERRED).for_cards()
        courses = self.filters.apply(self.base_queryset()).defer(*CARD_DEFERRED)
        return courses.for_cards().order_by(*self.filters.ordering)

    def get_paginate_by(self, queryset):
        return self.filters.per_page

    def paginate_queryset(self, queryset, page_size):
        # A page past the end shows the last page and a malformed one the first: never a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.filters.facet_counts(self.base_queryset(), self.category_options)
        page = context["page_obj"]
        sorts = [(key, label) for key, (label, _o) in SORTS.items()]
        if not self.filters.q:
            sorts = [item for item in sorts if item[0] != "relevance"]
        context.update(
            category=self.category,
            filters=self.filters,
            category_options=self.category_options,
            facets=self.filters.facets(counts),
            result_count=page.paginator.count,
            sorts=sorts,
            page_sizes=PAGE_SIZES,
            query_without_page=self.filters.querystring(),
            chips=self.filters.chips({c.slug: c.name for c in self.all_categories}),
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
        )
        return context


class CategoryView(CourseListView):
    """A category's courses: the catalog pre-filtered, with its subcategories."""

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(
            Category.objects.select_related("parent"), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)


class CourseDetailView(DetailView):
    """A course page: drafts are 404 to everyone but their instructors and site staff."""

    template_name = "courses/course_detail.html"
    context_object_name = "course"
    related_count = 4

    def get_queryset(self):
        lessons = Lesson.objects.only(
            "id",
            "section_id",
            "course_id",
            "title",
            "slug",
            "order",
            "kind",
            "duration",
            "is_preview",
        )
        instructors = User.objects.only(
            "id", "username", "name", "email", "avatar", "headline"
        ).order_by("courseinstructor__order", "courseinstructor__id")
        return (
            Course.objects.visible_to(self.request.user)
            .select_related("category__parent")
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
        )

    def get_object(self, queryset=None):
        course = super().get_object(queryset)
        for section in course.sections.all():
            lessons = section.lessons.all()
            section.total_duration = sum(lesson.duration for lesson in lessons)
        return course

    def get_context_data(self, **kwargs):
        course = self.object
        # Same category first, then the rest of its family (parent, siblings, children).
        family = course.category.parent_id or course.category_id
        related = (
            Course.objects.published()
            .filter(Q(category_id=family) | Q(category__parent_id=family))
            .exclude(pk=course.pk)
            .annotate(
                same_category=Case(
                    When(category_id=course.category_id, then=Value(1)), default=Value(0)
                )
            )
            .defer(*CARD_DEFERRED)
            .for_cards()
            .order_by("-same_category", "-rating_average", "-enrollment_count", "-id")[
                : self.related_count
            ]
        )
        return super().get_context_data(
            related_courses=related,
            json_ld=seo.course_json_ld(course, self.request),
            meta_description=seo.course_summary(course),
            canonical_url=self.request.build_absolute_uri(course.get_absolute_url()),
            cover_url=(
                self.request.build_absolute_uri(course.cover_image.url)
                if course.cover_image
                else ""
            ),
            **kwargs,
        )


class InstructorView(DetailView):
    """An instructor's public profile and published courses."""

    template_name = "courses/instructor_detail.html"
    context_object_name = "instructor"
    slug_field = "username"
    slug_url_kwarg = "username"

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
        courses = list(
            Course.objects.published()
            .filter(instructors=self.object)
            .defer(*CARD_DEFERRED)
            .for_cards()
            .order_by("-enrollment_count", "-rating_average", "-id")
        )
        rated = [course for course in courses if course.rating_count]
        ratings = sum(course.rating_count for course in rated)
        average = (
            sum(course.rating_average * course.rating_count for course in rated) / ratings
            if ratings
            else 0
        )
        return super().get_context_data(
            courses=courses,
            learner_count=sum(course.enrollment_count for course in courses),
            rating_count=ratings,
            rating_average=average,
            canonical_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
            **kwargs,
        )
