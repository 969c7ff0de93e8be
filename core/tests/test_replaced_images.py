"""A replaced (or removed) uploaded image is deleted with its renditions, once the new one is
committed: never before, and never when the change is rolled back."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from core.renditions import WIDTHS, rendition_name
from courses.models import Course
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def webp(color=(200, 80, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), color).save(buffer, format="WEBP")
    return ContentFile(buffer.getvalue())


def files_of(name):
    return [name, *(rendition_name(name, width) for width in WIDTHS)]


def exist(names):
    return [default_storage.exists(name) for name in names]


@pytest.fixture
def course():
    course = CourseFactory()
    course.cover_image.save("first.webp", webp(), save=True)
    return Course.objects.get(pk=course.pk)  # as a page loads it


def test_a_replaced_cover_is_deleted_after_the_commit(course, django_capture_on_commit_callbacks):
    old = files_of(course.cover_image.name)
    with django_capture_on_commit_callbacks() as callbacks:
        course.cover_image.save("second.webp", webp((0, 0, 255)), save=True)
        assert all(exist(old))  # not before the new one is committed
    for callback in callbacks:
        callback()
    assert not any(exist(old))
    assert all(exist(files_of(course.cover_image.name)))


def test_a_rolled_back_replacement_keeps_the_old_cover(course, django_capture_on_commit_callbacks):
    old = files_of(course.cover_image.name)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        course.cover_image.save("second.webp", webp((0, 0, 255)), save=True)
        raise RuntimeError("the save fails later on")
    assert all(exist(old))


def test_a_removed_cover_is_deleted(course, django_capture_on_commit_callbacks):
    old = files_of(course.cover_image.name)
    course.cover_image = ""
    with django_capture_on_commit_callbacks(execute=True):
        course.save()
    assert not any(exist(old))


def test_saving_other_fields_keeps_the_cover(course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course.title = "Renamed"
        course.save()
        Course.objects.get(pk=course.pk).save(update_fields=["title"])
    assert all(exist(files_of(course.cover_image.name)))


def test_the_demos_committed_images_are_never_deleted(django_capture_on_commit_callbacks):
    default_storage.save("demo/covers/demo-course.webp", webp())
    course = CourseFactory(cover_image="demo/covers/demo-course.webp")
    course = Course.objects.get(pk=course.pk)
    with django_capture_on_commit_callbacks(execute=True):
        course.cover_image.save("mine.webp", webp(), save=True)
    assert default_storage.exists("demo/covers/demo-course.webp")


def test_a_cover_replaced_in_the_studio_is_deleted(
    instructor_client, instructor, django_capture_on_commit_callbacks
):
    from courses.tests.admin_helpers import errors_of, form_data

    course = CourseFactory(instructors=[instructor])
    course.cover_image.save("first.webp", webp(), save=True)
    old = files_of(course.cover_image.name)
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = form_data(instructor_client.get(url))
    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), "navy").save(buffer, format="PNG")
    data["cover_image"] = SimpleUploadedFile("new.png", buffer.getvalue(), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert not any(exist(old))
    course.refresh_from_db()
    assert all(exist(files_of(course.cover_image.name)))


def test_a_replaced_avatar_is_deleted(learner_client, learner, django_capture_on_commit_callbacks):
    learner.avatar.save("me.webp", webp(), save=True)
    old = files_of(learner.avatar.name)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "green").save(buffer, format="PNG")
    data = {"name": "Lena", "username": learner.username, "headline": "", "bio": ""}
    data["avatar"] = SimpleUploadedFile("new-me.png", buffer.getvalue(), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        assert learner_client.post(reverse("users:profile"), data).status_code == 302
    assert not any(exist(old))
