"""Every catalog and learning page costs the same number of SQL queries whatever the catalog size.

Each test measures a page with a small catalog (5 courses, 5 lessons, 5 reviews, …), grows
everything the page lists to 50 and measures again: the counts must be equal and under a bound.
"""

import pytest
from django.urls import reverse

from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, SectionFactory
from learning.tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    LessonProgressFactory,
    ReviewFactory,
    WishlistItemFactory,
)
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 50
# The most queries any page may cost (session, user, page data, facets, learner state, and on
# an enrolled learner's course page the course's latest questions).
MAX_QUERIES = 21


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.CACHE_PAGE_SECONDS = 0


class Catalog:
    """A catalog that grows: courses in one category, taught by one instructor, with
    curriculum, reviews, and a learner enrolled in (and wishlisting) every course."""

    def __init__(self, instructor, learner):
        self.instructor = instructor
        self.learner = learner
        self.parent = CategoryFactory(name="Programming", slug="programming")
        self.category = CategoryFactory(name="Python", slug="python", parent=self.parent)
        self.courses = []
        self.big_course = CourseFactory(
            title="Big course", slug="big-course", category=self.category, instructors=[instructor]
        )
        self.section = SectionFactory(course=self.big_course, title="Only section")
        self.lessons = []
        EnrollmentFactory(user=learner, course=self.big_course)

    def grow_to(self, size):
        while len(self.courses) < size:
            course = CourseFactory(category=self.category, instructors=[self.instructor])
            lesson = LessonFactory(section__course=course)
            LessonFactory(section=lesson.section)
            EnrollmentFactory(user=self.learner, course=course)
            WishlistItemFactory(user=self.learner, course=course)
            LessonProgressFactory(user=self.learner, lesson=lesson)
            ReviewFactory(course=course, user=UserFactory())
            if len(self.courses) % 2:
                CertificateFactory(user=self.learner, course=course)
            self.courses.append(course)
        while len(self.lessons) < size:
            lesson = LessonFactory(section=self.section, is_preview=not self.lessons)
            LessonProgressFactory(user=self.learner, lesson=lesson)
            ReviewFactory(course=self.big_course, user=UserFactory())
            self.lessons.append(lesson)
            if len(self.lessons) % 5 == 0:  # more sections as well as more lessons
                self.section = SectionFactory(course=self.big_course)


@pytest.fixture
def catalog(instructor, learner):
    return Catalog(instructor, learner)


def count_queries(client, url, max_queries, bound=MAX_QUERIES):
    """The queries of a second request (the first warms per-process caches: content types,
    templates); `max_queries` is pytest-django's django_assert_max_num_queries."""
    client.get(url)
    with max_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_constant(client, catalog, url_for, max_queries):
    catalog.grow_to(SMALL)
    small = count_queries(client, url_for(catalog), max_queries)
    catalog.grow_to(LARGE)
    large = count_queries(client, url_for(catalog), max_queries)
    assert small == large, f"{url_for(catalog)}: {small} queries at {SMALL}, {large} at {LARGE}"
    print(f"{url_for(catalog)}: {large} queries")


CATALOG_URLS = {
    "home": lambda c: reverse("home"),
    "list": lambda c: reverse("courses:list"),
    "search": lambda c: reverse("courses:list") + "?q=course",
    "filtered+sorted": lambda c: (
        reverse("courses:list")
        + "?category=programming&level=beginner&language=en&duration=short&rating=3&sort=rating"
    ),
    "sort newest page 2": lambda c: reverse("courses:list") + "?sort=newest&page=2",
    "sort title": lambda c: reverse("courses:list") + "?sort=title&per_page=24",
    "category": lambda c: reverse("courses:category", kwargs={"slug": "programming"}),
    "subcategory": lambda c: reverse("courses:category", kwargs={"slug": "python"}),
    "course": lambda c: reverse("courses:detail", kwargs={"slug": "big-course"}),
    "instructor": lambda c: reverse(
        "courses:instructor", kwargs={"username": c.instructor.username}
    ),
    "sitemap": lambda c: reverse("sitemap"),
}
LEARNER_URLS = {
    "dashboard": lambda c: reverse("learning:dashboard"),
    "lesson": lambda c: reverse(
        "learning:lesson", kwargs={"slug": "big-course", "lesson_slug": c.lessons[-1].slug}
    ),
    "preview lesson": lambda c: reverse(
        "learning:lesson", kwargs={"slug": "big-course", "lesson_slug": c.lessons[0].slug}
    ),
}


@pytest.mark.parametrize("name", CATALOG_URLS)
def test_anonymous_catalog_pages_cost_constant_queries(
    client, catalog, name, django_assert_max_num_queries
):
    assert_constant(client, catalog, CATALOG_URLS[name], django_assert_max_num_queries)


@pytest.mark.parametrize("name", CATALOG_URLS)
def test_signed_in_catalog_pages_cost_constant_queries(
    learner_client, catalog, name, django_assert_max_num_queries
):
    assert_constant(learner_client, catalog, CATALOG_URLS[name], django_assert_max_num_queries)


@pytest.mark.parametrize("name", LEARNER_URLS)
def test_learner_pages_cost_constant_queries(
    learner_client, catalog, name, django_assert_max_num_queries
):
    assert_constant(learner_client, catalog, LEARNER_URLS[name], django_assert_max_num_queries)
