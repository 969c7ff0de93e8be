"""The catalog's course page and cards through learning's template tags."""

import pytest
from django.urls import reverse

from courses.tests.factories import CourseFactory
from learning import services
from learning.tests.factories import ReviewFactory, WishlistItemFactory

pytestmark = pytest.mark.django_db


def test_course_page_shows_enrol_button(learner_client, course):
    response = learner_client.get(course.get_absolute_url())
    assert "Enrol for free" in response.text


def test_course_page_shows_continue_for_enrolled_learner(enrolled_client, course):
    response = enrolled_client.get(course.get_absolute_url())
    assert "Start learning" in response.text
    assert reverse("learning:resume", kwargs={"slug": course.slug}) in response.text


def test_course_page_shows_reviews(learner_client, course):
    ReviewFactory(course=course, text="Loved every minute")
    response = learner_client.get(course.get_absolute_url())
    assert "Loved every minute" in response.text


def test_enrolled_learner_page_has_review_form(enrolled_client, course):
    response = enrolled_client.get(course.get_absolute_url())
    assert f'action="{reverse("learning:review", kwargs={"slug": course.slug})}"' in response.text


def test_catalog_cards_show_wishlist_hearts(learner_client, learner):
    courses = CourseFactory.create_batch(3)
    WishlistItemFactory(user=learner, course=courses[0])
    response = learner_client.get(reverse("courses:list"))
    assert response.text.count("data-wishlist-form") == 3
    assert response.text.count('aria-pressed="true"') == 1


def test_catalog_wishlist_queries_do_not_grow(
    learner_client, learner, django_assert_max_num_queries
):
    CourseFactory.create_batch(3)
    with django_assert_max_num_queries(50) as few:
        learner_client.get(reverse("courses:list"))
    for course in CourseFactory.create_batch(9):
        services.toggle_wishlist(user=learner, course=course)
    with django_assert_max_num_queries(50) as many:
        learner_client.get(reverse("courses:list"))
    assert len(many) == len(few)


def test_course_page_queries_do_not_grow_with_reviews(
    enrolled_client, course, django_assert_max_num_queries
):
    ReviewFactory.create_batch(2, course=course)
    enrolled_client.get(course.get_absolute_url())  # warm caches (median time to complete)
    with django_assert_max_num_queries(40) as few:
        enrolled_client.get(course.get_absolute_url())
    ReviewFactory.create_batch(15, course=course)
    with django_assert_max_num_queries(40) as many:
        enrolled_client.get(course.get_absolute_url())
    assert len(many) == len(few)
