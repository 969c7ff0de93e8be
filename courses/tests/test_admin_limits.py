"""The studio's forms at the edges: a course of hundreds of lessons, odd initial values."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Course
from courses.tests.admin_helpers import errors_of, form_data, post_as_browser
from courses.tests.factories import CategoryFactory, course_with_lessons

pytestmark = pytest.mark.django_db


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def test_a_course_of_300_lessons_in_30_sections_saves(instructor_client, instructor, settings):
    course = course_with_lessons(instructors=[instructor], sections=30, lessons_per_section=10)
    last_lesson = course.lessons.order_by("section__order", "order").last()
    page = instructor_client.get(change_url(course))
    data = form_data(page)
    assert len(data) > 4 * settings.DATA_UPLOAD_MAX_NUMBER_FIELDS  # far past the public limit
    data["subtitle"] = "Now with 300 lessons"
    title = next(k for k, v in data.items() if k.endswith("-title") and v == last_lesson.title)
    data[title] = "The very last lesson"

    response = post_as_browser(instructor_client, change_url(course), page, data)

    assert response.status_code == 302, errors_of(response)
    course.refresh_from_db()
    assert course.subtitle == "Now with 300 lessons"
    assert course.lesson_count == 300
    last_lesson.refresh_from_db()
    assert last_lesson.title == "The very last lesson"


def _many_fields(n):
    return {f"field{i}": "x" for i in range(n)}


def test_anonymous_posts_keep_the_public_field_limit(client, settings):
    response = client.post(
        reverse("account_login"), _many_fields(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    )
    assert response.status_code == 400


def test_a_learner_posting_to_the_studio_keeps_the_public_field_limit(learner, settings):
    course = course_with_lessons()
    browser = Client(enforce_csrf_checks=True)  # the CSRF check reads the body, as for a browser
    browser.force_login(learner)
    browser.get(reverse("users:profile"))  # for the CSRF cookie
    response = browser.post(
        change_url(course), _many_fields(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    )
    assert response.status_code == 400


def test_staff_posting_outside_the_studio_keep_the_public_field_limit(instructor_client, settings):
    response = instructor_client.post(
        reverse("users:profile"), _many_fields(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["abc", "1.5", "-", "99999999999999999999999", "99999"])
def test_add_page_ignores_a_malformed_initial_category(instructor_client, value):
    response = instructor_client.get(reverse("admin:courses_course_add"), {"category": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("category") in (None, "99999")


def test_add_page_keeps_a_valid_initial_category(instructor_client):
    category = CategoryFactory(name="Photography")
    response = instructor_client.get(
        reverse("admin:courses_course_add"), {"category": category.pk, "level": "advanced"}
    )
    assert response.status_code == 200
    assert f'<option value="{category.pk}" selected>Photography</option>' in response.text
    assert response.context["adminform"].form.initial["level"] == Course.Level.ADVANCED
