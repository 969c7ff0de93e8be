"""Facet counts come from the table of cells (courses.facets), never from counting the course
table: they must equal a brute-force count, for any filters, after any write."""

import random
from decimal import Decimal

import pytest

from courses import facets, services
from courses.catalog import Selection
from courses.models import (
    LANGUAGES,
    CatalogCell,
    Course,
    duration_band,
    rating_band,
)
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory
from learning import services as learning_services
from learning.tests.factories import EnrollmentFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUPS = ("category", "level", "language", "duration", "rating")


@pytest.fixture
def categories():
    parents = [CategoryFactory(), CategoryFactory()]
    children = [CategoryFactory(parent=parents[i % 2]) for i in range(4)]
    return parents + children


@pytest.fixture
def catalog(categories):
    rng = random.Random(7)
    for _ in range(70):
        CourseFactory(
            category=rng.choice(categories),
            level=rng.choice(Course.Level.values),
            language=rng.choice(LANGUAGES[:3])[0],
            total_duration=rng.choice([30, 119, 120, 300, 360, 1019, 1020, 2000]),
            rating_average=Decimal(
                rng.choice(["0", "2.9", "3", "3.49", "3.5", "4", "4.49", "4.5", "5"])
            ),
            status=rng.choice([Course.Status.PUBLISHED] * 5 + [Course.Status.DRAFT]),
            instructors=[],
        )
    return categories


def values_of(course):
    return {
        "category": course.category_id,
        "level": course.level,
        "language": course.language,
        "duration": duration_band(course.total_duration),
        "rating": rating_band(course.rating_average),
    }


def brute_force(selection: Selection) -> dict:
    """The counts, from every published course, one at a time."""
    wanted = {
        "category": set(selection.categories or []),
        "level": set(selection.levels or []),
        "language": {selection.language} if selection.language else set(),
        "duration": set(selection.durations or []),
    }
    courses = [values_of(c) for c in Course.objects.published()]
    if selection.scope is not None:
        courses = [c for c in courses if c["category"] in selection.scope]

    def passes(course, group):
        if group == "rating":
            return selection.rating is None or course["rating"] >= selection.rating
        return not wanted[group] or course[group] in wanted[group]

    counts = {"total": sum(all(passes(c, g) for g in GROUPS) for c in courses)}
    for group in GROUPS:
        counted = {}
        for course in courses:
            if all(passes(course, other) for other in GROUPS if other != group):
                counted[course[group]] = counted.get(course[group], 0) + 1
        counts[group] = counted
    return counts


def random_selection(rng, categories):
    def some(values):
        return rng.sample(values, rng.randint(1, 2)) if rng.random() < 0.4 else None

    scope = None
    if rng.random() < 0.2:
        parent = rng.choice([c for c in categories if c.parent_id is None])
        scope = [parent.pk, *(c.pk for c in categories if c.parent_id == parent.pk)]
    return Selection(
        scope=scope,
        categories=some([c.pk for c in categories]),
        levels=some(Course.Level.values),
        language=rng.choice([None, None, "en", "es"]),
        durations=some([0, 1, 2, 3]),
        rating=rng.choice([None, None, 1, 2, 3, 4]),
    )


def test_counts_equal_a_brute_force_count_on_random_filters(catalog):
    rng = random.Random(2026)
    for _ in range(60):
        selection = random_selection(rng, catalog)
        assert selection.counts() == brute_force(selection), selection


def test_the_unfiltered_total_is_every_published_course(catalog):
    assert Selection().counts()["total"] == Course.objects.published().count()


def test_a_page_of_results_holds_exactly_the_filtered_courses(catalog):
    rng = random.Random(11)
    for _ in range(20):
        selection = random_selection(rng, catalog)
        ids = selection.page_ids("popular", 0, 1000)
        assert len(ids) == selection.counts()["total"]
        chosen = Course.objects.in_bulk(ids)
        for course in chosen.values():
            values = values_of(course)
            assert course.status == Course.Status.PUBLISHED
            assert selection.levels is None or values["level"] in selection.levels
            assert selection.rating is None or values["rating"] >= selection.rating


def test_search_counts_equal_a_brute_force_count():
    CourseFactory(title="Python basics", level=Course.Level.BEGINNER, instructors=[])
    CourseFactory(title="Python advanced", level=Course.Level.ADVANCED, instructors=[])
    CourseFactory(title="Watercolour", level=Course.Level.BEGINNER, instructors=[])
    counts = Selection(q="python", levels=["beginner"]).counts()
    assert counts["total"] == 1
    assert counts["level"] == {"beginner": 1, "advanced": 1}


def cells():
    return sorted(CatalogCell.objects.values_list(*facets.CELL_FIELDS, "courses"))


def rebuilt():
    before = cells()
    facets.rebuild()
    return before, cells()


def test_the_cells_stay_exact_through_every_write(categories):
    course = CourseFactory(category=categories[0], total_duration=100, instructors=[])
    draft = CourseFactory(status=Course.Status.DRAFT, published_at=None, instructors=[])
    for ready in (course, draft):
        LessonFactory(section__course=ready)
        Course.objects.filter(pk=ready.pk).update(description="Ready.", cover_image="covers/x.webp")
    services.publish(Course.objects.get(pk=draft.pk))
    services.unpublish(course)
    services.publish(Course.objects.get(pk=course.pk))
    for _ in range(3):  # lessons move the course to a longer band
        LessonFactory(section__course=course, duration=60)
    services.refresh_curriculum_counters(course)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    learning_services.save_review(user=learner, course=course, rating=5, text="Top")
    edited = Course.objects.get(pk=course.pk)
    edited.category = categories[1]
    edited.level = Course.Level.ADVANCED
    edited.save()
    Course.objects.get(pk=draft.pk).delete()
    before, after = rebuilt()
    assert before == after
    assert sum(row[-1] for row in after) == Course.objects.published().count()


def test_rebuild_catalog_mends_cells_after_a_raw_write(categories):
    course = CourseFactory(category=categories[0], instructors=[])
    Course.objects.filter(pk=course.pk).update(level=Course.Level.ADVANCED)  # no service
    before, after = rebuilt()
    assert before != after
    assert Selection(levels=["advanced"]).counts()["total"] == 1
