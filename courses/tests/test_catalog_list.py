import re

import pytest
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("courses:list")


def titles(response):
    return [course.title for course in response.context["courses"]]


def facet(response, group, value):
    return next(o for o in response.context["facets"][group] if o[0] == value)


def test_catalog_hides_drafts(client):
    CourseFactory(title="Published thing")
    CourseFactory(title="Secret draft", status=Course.Status.DRAFT)
    response = client.get(LIST)
    assert "Published thing" in response.text
    assert "Secret draft" not in response.text


def test_card_shows_instructor_level_duration_and_lessons(client, instructor):
    CourseFactory(
        title="Carded",
        instructors=[instructor],
        level=Course.Level.ADVANCED,
        total_duration=135,
        lesson_count=7,
    )
    text = client.get(LIST).text
    assert "Ivan Instructor" in text
    assert "Advanced" in text
    assert "2 h 15 min" in text
    assert "7 lessons" in text
    assert 'alt="Cover of Carded"' in text or 'aria-label="Cover of Carded"' in text


def test_parent_category_filter_includes_its_children(client):
    parent = CategoryFactory(slug="dev", name="Development")
    child = CategoryFactory(slug="web", name="Web", parent=parent)
    other = CategoryFactory(slug="art", name="Art")
    CourseFactory(title="Parent course", category=parent)
    CourseFactory(title="Child course", category=child)
    CourseFactory(title="Other course", category=other)
    response = client.get(LIST, {"category": "dev"})
    assert sorted(titles(response)) == ["Child course", "Parent course"]


def test_category_filter_is_repeatable(client):
    CourseFactory(title="A", category=CategoryFactory(slug="a"))
    CourseFactory(title="B", category=CategoryFactory(slug="b"))
    CourseFactory(title="C", category=CategoryFactory(slug="c"))
    response = client.get(LIST, {"category": ["a", "b"]})
    assert sorted(titles(response)) == ["A", "B"]


def test_category_counts_include_children_and_reflect_other_filters(client):
    parent = CategoryFactory(slug="dev")
    child = CategoryFactory(slug="web", parent=parent)
    CourseFactory(category=parent, level=Course.Level.BEGINNER)
    CourseFactory(category=child, level=Course.Level.BEGINNER)
    CourseFactory(category=child, level=Course.Level.ADVANCED)
    response = client.get(LIST, {"level": "beginner", "category": "web"})
    options = {o.category.slug: o for o in response.context["category_options"]}
    assert options["dev"].count == 2
    assert options["dev"].children[0].count == 1
    assert options["dev"].children[0].selected


def test_level_filter_is_repeatable_and_counts_ignore_own_group(client):
    CourseFactory(title="Beg", level=Course.Level.BEGINNER)
    CourseFactory(title="Int", level=Course.Level.INTERMEDIATE)
    CourseFactory(title="Adv", level=Course.Level.ADVANCED)
    response = client.get(LIST, {"level": ["beginner", "advanced"]})
    assert sorted(titles(response)) == ["Adv", "Beg"]
    # Counts of the level group show what choosing another level would add.
    assert facet(response, "level", "intermediate")[2] == 1
    assert facet(response, "level", "beginner")[3] is True


def test_language_filter_and_counts_reflect_level(client):
    CourseFactory(title="En beg", language="en", level=Course.Level.BEGINNER)
    CourseFactory(title="Es beg", language="es", level=Course.Level.BEGINNER)
    CourseFactory(title="Es adv", language="es", level=Course.Level.ADVANCED)
    response = client.get(LIST, {"language": "es", "level": "beginner"})
    assert titles(response) == ["Es beg"]
    assert facet(response, "language", "es")[2] == 1
    assert facet(response, "language", "en")[2] == 1
    assert facet(response, "level", "advanced")[2] == 1
    assert facet(response, "level", "beginner")[2] == 1


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [("short", ["1h"]), ("medium", ["3h"]), ("long", ["10h"]), ("extra", ["20h"])],
)
def test_duration_bucket_filter(client, bucket, expected):
    for title, minutes in [("1h", 60), ("3h", 180), ("10h", 600), ("20h", 1200)]:
        CourseFactory(title=title, total_duration=minutes)
    response = client.get(LIST, {"duration": bucket})
    assert titles(response) == expected
    assert facet(response, "duration", bucket)[2] == 1


def test_minimum_rating_filter_and_counts(client):
    for title, average in [("Great", "4.7"), ("Good", "4.1"), ("Meh", "3.2")]:
        CourseFactory(title=title, rating_average=average, rating_count=3)
    response = client.get(LIST, {"rating": "4"})
    assert sorted(titles(response)) == ["Good", "Great"]
    assert facet(response, "rating", "4.5")[2] == 1
    assert facet(response, "rating", "3")[2] == 3


def _three_courses():
    from django.utils import timezone

    now = timezone.now()
    data = [
        ("Banana", 5, "4.0", now - timezone.timedelta(days=3)),
        ("Apple", 50, "3.0", now - timezone.timedelta(days=2)),
        ("Cherry", 1, "5.0", now - timezone.timedelta(days=1)),
    ]
    for title, enrolments, rating, published in data:
        CourseFactory(
            title=title,
            enrollment_count=enrolments,
            rating_average=rating,
            rating_count=1,
            published_at=published,
        )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("popular", ["Apple", "Banana", "Cherry"]),
        ("rating", ["Cherry", "Banana", "Apple"]),
        ("newest", ["Cherry", "Apple", "Banana"]),
        ("title", ["Apple", "Banana", "Cherry"]),
        ("", ["Apple", "Banana", "Cherry"]),
    ],
)
def test_sort_orders(client, sort, expected):
    _three_courses()
    assert titles(client.get(LIST, {"sort": sort})) == expected


def test_pagination_keeps_filters(client):
    CourseFactory.create_batch(14, level=Course.Level.ADVANCED)
    CourseFactory.create_batch(2, level=Course.Level.BEGINNER)
    response = client.get(LIST, {"level": "advanced", "sort": "title"})
    assert len(response.context["courses"]) == 12
    assert "?level=advanced&amp;sort=title&amp;page=2" in response.text
    page2 = client.get(LIST, {"level": "advanced", "sort": "title", "page": 2})
    assert len(page2.context["courses"]) == 2


def test_page_size_24(client):
    CourseFactory.create_batch(25)
    response = client.get(LIST, {"per_page": "24"})
    assert len(response.context["courses"]) == 24
    assert "per_page=24&amp;page=2" in response.text


def test_page_past_the_end_shows_last_page(client):
    CourseFactory.create_batch(13)
    response = client.get(LIST, {"page": "99"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


def test_empty_state_suggests_clearing_filters(client):
    CourseFactory(level=Course.Level.BEGINNER)
    response = client.get(LIST, {"level": "advanced"})
    assert "No courses match" in response.text
    assert "Clear filters" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "1e9"},
        {"page": "99999999999999999999999"},
        {"sort": "drop table"},
        {"per_page": "1000000"},
        {"per_page": "x"},
        {"category": "nope"},
        {"category": "<script>alert(1)</script>"},
        {"level": "expert"},
        {"language": "xx"},
        {"duration": "forever"},
        {"rating": "five"},
        {"rating": "NaN"},
        {"q": "x" * 2000},
        {"q": "null\x00byte"},
        {"q": "<script>alert('q')</script>"},
        {"q": '"unbalanced OR ( AND -'},
        {"q": "*"},
    ],
)
def test_bad_input_never_breaks_the_page(client, params):
    CourseFactory()
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_unknown_filter_values_are_ignored(client):
    CourseFactory.create_batch(2)
    response = client.get(LIST, {"level": "expert", "category": "nope", "rating": "9"})
    assert len(response.context["courses"]) == 2


@pytest.mark.parametrize("size", [5, 50])
def test_catalog_query_count_is_constant(client, django_assert_max_num_queries, size):
    parent = CategoryFactory()
    CategoryFactory(parent=parent)
    for _ in range(size):
        CourseFactory(category=parent)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"level": "beginner", "duration": "short", "sort": "rating"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_catalog_query_count_is_constant_for_a_learner(
    learner_client, django_assert_max_num_queries, size
):
    CourseFactory.create_batch(size)
    with django_assert_max_num_queries(12):
        response = learner_client.get(LIST, {"q": "course"})
    assert response.status_code == 200


def test_catalog_works_as_a_plain_get_form(client):
    text = client.get(LIST).text
    assert re.search(r'<form method="get" action="/courses/"', text)
    assert 'name="per_page"' in text


def test_filters_are_folded_on_phones_from_the_first_paint(client):
    # No script folds them after load (the layout would jump): a collapse, open on large screens.
    CourseFactory()
    text = client.get(LIST).text
    assert 'class="collapse d-lg-block" id="catalog-filters"' in text
    assert 'data-bs-target="#catalog-filters"' in text


def test_the_results_have_a_heading_between_the_page_title_and_the_cards(client):
    CourseFactory(title="Heading order")
    text = client.get(LIST).text
    assert (
        text.index("<h1")
        < text.index('<h2 class="visually-hidden">Courses</h2>')
        < text.index("<h3")
    )
