"""Who may change a course's instructors: the lead (first) instructor or a superuser removes
others; a co-instructor neither removes anyone nor takes the lead."""

import pytest
from django.urls import reverse

from courses.models import CourseInstructor
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import course_with_lessons
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return InstructorFactory(email="lead@test.example")


@pytest.fixture
def second():
    return InstructorFactory(email="second@test.example")


@pytest.fixture
def course(lead, second, instructor):
    return course_with_lessons(instructors=[lead, second, instructor])


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def row_of(data, user):
    """The form prefix of `user`'s row in the instructors inline."""
    return next(
        key.removesuffix("-user")
        for key, value in data.items()
        if key.startswith("courseinstructor_set-")
        and key.endswith("-user")
        and value == str(user.pk)
    )


def instructors_of(course):
    rows = CourseInstructor.objects.filter(course=course).order_by("order", "id")
    return [row.user for row in rows]


def edit_as(client, user, course, change):
    client.force_login(user)
    data = form_data(client.get(change_url(course)))
    change(data)
    return client.post(change_url(course), data)


def test_a_coinstructor_cannot_remove_the_lead(client, course, instructor, lead, second):
    response = edit_as(
        client, instructor, course, lambda data: data.update({f"{row_of(data, lead)}-DELETE": "on"})
    )
    assert response.status_code == 200
    assert "Only the lead instructor" in errors_of(response)
    assert instructors_of(course) == [lead, second, instructor]


def test_a_coinstructor_cannot_remove_another_coinstructor(
    client, course, instructor, lead, second
):
    response = edit_as(
        client,
        instructor,
        course,
        lambda data: data.update({f"{row_of(data, second)}-DELETE": "on"}),
    )
    assert response.status_code == 200
    assert instructors_of(course) == [lead, second, instructor]


def test_a_coinstructor_cannot_put_someone_else_in_the_leads_row(
    client, course, instructor, lead, second
):
    stranger = InstructorFactory()
    response = edit_as(
        client,
        instructor,
        course,
        lambda data: data.update({f"{row_of(data, lead)}-user": str(stranger.pk)}),
    )
    assert response.status_code == 200
    assert instructors_of(course) == [lead, second, instructor]


def test_a_coinstructor_cannot_take_the_lead(client, course, instructor, lead, second):
    def move_first(data):
        data[f"{row_of(data, lead)}-order"] = "2"
        data[f"{row_of(data, instructor)}-order"] = "0"

    response = edit_as(client, instructor, course, move_first)
    assert response.status_code == 200
    assert instructors_of(course)[0] == lead


def test_a_coinstructor_may_still_add_an_instructor(client, course, instructor, lead, second):
    newcomer = InstructorFactory()

    def add(data):
        n = int(data["courseinstructor_set-TOTAL_FORMS"])
        data["courseinstructor_set-TOTAL_FORMS"] = str(n + 1)
        data[f"courseinstructor_set-{n}-user"] = str(newcomer.pk)
        data[f"courseinstructor_set-{n}-order"] = str(n)

    response = edit_as(client, instructor, course, add)
    assert response.status_code == 302, errors_of(response)
    assert instructors_of(course) == [lead, second, instructor, newcomer]


def test_the_lead_removes_a_coinstructor(client, course, instructor, lead, second):
    response = edit_as(
        client, lead, course, lambda data: data.update({f"{row_of(data, second)}-DELETE": "on"})
    )
    assert response.status_code == 302, errors_of(response)
    assert instructors_of(course) == [lead, instructor]


def test_a_superuser_removes_the_lead(client, course, instructor, lead, second):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = edit_as(
        client, admin, course, lambda data: data.update({f"{row_of(data, lead)}-DELETE": "on"})
    )
    assert response.status_code == 302, errors_of(response)
    assert instructors_of(course) == [second, instructor]
