"""Uploads through the studio are validated before anything is stored; refusals are form errors."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses.models import Attachment, Course, Lesson
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import AttachmentFactory, CourseFactory, course_with_lessons
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_HEAD = b"\x1a\x45\xdf\xa3" + b"\x00" * 64


def image_bytes(size=(64, 48), fmt="PNG", mode="RGB", **save_kwargs):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor])


def post_cover(client, course, file):
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = form_data(client.get(url))
    data["cover_image"] = file
    return client.post(url, data)


def post_lesson(client, lesson, **changes):
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def post_attachment(client, lesson, file, title="Handout"):
    return post_lesson(
        client,
        lesson,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": title,
            "attachments-0-file": file,
        },
    )


# --- Cover images -------------------------------------------------------------------------------


def test_valid_cover_is_re_encoded_to_webp_within_the_size(instructor_client, own_course, settings):
    response = post_cover(
        instructor_client, own_course, upload("photo.jpg", image_bytes((2400, 1600), "JPEG"))
    )
    assert response.status_code == 302, errors_of(response)
    own_course.refresh_from_db()
    assert own_course.cover_image.name.endswith(".webp")
    with Image.open(own_course.cover_image.path) as image:
        assert image.format == "WEBP"
        assert image.width <= 1280 and image.height <= 720


def test_cover_exif_orientation_is_applied(instructor_client, own_course):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: a landscape file shown as portrait
    content = image_bytes((80, 40), "JPEG", exif=exif)
    response = post_cover(instructor_client, own_course, upload("phone.jpg", content))
    assert response.status_code == 302, errors_of(response)
    own_course.refresh_from_db()
    with Image.open(own_course.cover_image.path) as image:
        assert image.height > image.width
        assert not image.getexif().get(0x0112)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", image_bytes((9000, 9000), "PNG", mode="1"), "too many pixels"),
        ("notes.png", b"just some text pretending to be a picture\n" * 20, "valid image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "valid image",
        ),
        ("anim.gif", image_bytes((20, 20), "GIF"), "Only JPEG, PNG and WebP"),
    ],
    ids=["decompression-bomb", "disguised-text", "svg", "gif"],
)
def test_bad_covers_are_refused_with_a_form_error(
    instructor_client, own_course, settings, name, content, message
):
    response = post_cover(instructor_client, own_course, upload(name, content))
    assert response.status_code == 200
    assert message in errors_of(response)
    own_course.refresh_from_db()
    assert not own_course.cover_image
    assert stored_files(settings) == []


def test_oversize_cover_is_refused(instructor_client, own_course, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1024
    response = post_cover(
        instructor_client, own_course, upload("big.png", image_bytes((300, 300), "BMP"))
    )
    assert response.status_code == 200
    assert "too large" in errors_of(response)
    assert stored_files(settings) == []


# --- Avatars (through the user admin) -----------------------------------------------------------


def post_avatar(client, user, file):
    url = reverse("admin:users_user_change", args=[user.pk])
    data = form_data(client.get(url))
    data["avatar"] = file
    return client.post(url, data)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_avatar_bomb_is_refused(superuser_client, learner, settings):
    response = post_avatar(
        superuser_client, learner, upload("me.png", image_bytes((9000, 9000), "PNG", mode="1"))
    )
    assert response.status_code == 200
    assert "too many pixels" in errors_of(response)
    assert stored_files(settings) == []


def test_valid_avatar_is_stored_small(superuser_client, learner):
    response = post_avatar(superuser_client, learner, upload("me.png", image_bytes((900, 900))))
    assert response.status_code == 302, errors_of(response)
    learner.refresh_from_db()
    with Image.open(learner.avatar.path) as image:
        assert image.format == "WEBP"
        assert image.size == (512, 512)


# --- Lesson videos ------------------------------------------------------------------------------


def test_video_url_from_another_host_is_refused(instructor_client, own_course):
    lesson = own_course.lessons.first()
    response = post_lesson(
        instructor_client, lesson, kind="video", video_url="https://evil.example/watch?v=1"
    )
    assert response.status_code == 200
    assert "YouTube or Vimeo" in errors_of(response)


def test_youtube_url_is_accepted_as_a_privacy_friendly_embed(instructor_client, own_course):
    lesson = own_course.lessons.first()
    response = post_lesson(
        instructor_client,
        lesson,
        kind="video",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    assert response.status_code == 302, errors_of(response)
    lesson.refresh_from_db()
    assert lesson.video_embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def test_video_lesson_without_a_video_is_a_form_error(instructor_client, own_course):
    response = post_lesson(instructor_client, own_course.lessons.first(), kind="video")
    assert response.status_code == 200
    assert "needs a video link" in errors_of(response)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clip.avi", MP4_HEAD, "MP4 or WebM"),
        ("clip.mp4", b"#!/bin/sh\necho not a video\n" * 10, "not an MP4 or WebM"),
        ("clip.svg", b"<svg/>", "MP4 or WebM"),
    ],
    ids=["bad-type", "disguised-text", "svg"],
)
def test_bad_video_files_are_refused(
    instructor_client, own_course, settings, name, content, message
):
    lesson = own_course.lessons.first()
    response = post_lesson(
        instructor_client, lesson, kind="video", video_file=upload(name, content)
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert stored_files(settings) == []


def test_oversize_video_is_refused(instructor_client, own_course, settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 50
    response = post_lesson(
        instructor_client,
        own_course.lessons.first(),
        kind="video",
        video_file=upload("clip.mp4", MP4_HEAD),
    )
    assert response.status_code == 200
    assert "too large" in errors_of(response)
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content"), [("intro.mp4", MP4_HEAD), ("intro.webm", WEBM_HEAD)])
def test_valid_video_is_stored_privately(instructor_client, own_course, settings, name, content):
    lesson = own_course.lessons.first()
    response = post_lesson(
        instructor_client, lesson, kind="video", video_file=upload(name, content, "video/mp4")
    )
    assert response.status_code == 302, errors_of(response)
    lesson.refresh_from_db()
    path = Path(lesson.video_file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.mp4"))


# --- Attachments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["setup.exe", "page.html", "drawing.svg", "script.js", "noextension"]
)
def test_attachment_types_outside_the_allow_list_are_refused(
    instructor_client, own_course, settings, name
):
    lesson = own_course.lessons.first()
    response = post_attachment(instructor_client, lesson, upload(name, b"MZ payload"))
    assert response.status_code == 200
    assert "This file type is not allowed" in errors_of(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_oversize_attachment_is_refused(instructor_client, own_course, settings):
    settings.ATTACHMENT_UPLOAD_MAX_BYTES = 10
    response = post_attachment(
        instructor_client, own_course.lessons.first(), upload("notes.pdf", b"%PDF-1.4 " * 10)
    )
    assert response.status_code == 200
    assert "too large" in errors_of(response)
    assert stored_files(settings) == []


def test_attachment_name_is_sanitised(instructor_client, own_course, settings):
    lesson = own_course.lessons.first()
    response = post_attachment(
        instructor_client, lesson, upload("../../etc/Über Notes; rm -rf.PDF", b"%PDF-1.4 x")
    )
    assert response.status_code == 302, errors_of(response)
    attachment = Attachment.objects.get(lesson=lesson)
    assert attachment.file.name.startswith(f"attachments/{own_course.pk}/")
    assert ".." not in attachment.file.name
    stored_name = Path(attachment.file.name).name
    assert stored_name.startswith("Uber-Notes-rm")
    assert stored_name.endswith(".pdf")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", stored_name)
    assert Path(attachment.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert attachment.size == len(b"%PDF-1.4 x")


def test_attachment_through_the_nested_course_form_is_validated(
    instructor_client, own_course, settings
):
    url = reverse("admin:courses_course_change", args=[own_course.pk])
    data = form_data(instructor_client.get(url))
    prefix = "sections-0-lessons-0-attachments"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title": "Malware",
            f"{prefix}-0-file": upload("payload.exe", b"MZ"),
        }
    )
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert "This file type is not allowed" in errors_of(response)
    assert stored_files(settings) == []


def test_valid_attachment_through_the_nested_course_form(instructor_client, own_course):
    url = reverse("admin:courses_course_change", args=[own_course.pk])
    data = form_data(instructor_client.get(url))
    prefix = "sections-0-lessons-0-attachments"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title": "Slides",
            f"{prefix}-0-file": upload("slides.pptx", b"PK\x03\x04 slides"),
        }
    )
    response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    first = Lesson.objects.filter(course=own_course).order_by("section__order", "order").first()
    assert first.attachments.get().title == "Slides"


def test_new_course_with_a_bad_cover_is_not_created(instructor_client, settings):
    category = CourseFactory().category
    add = reverse("admin:courses_course_add")
    data = form_data(instructor_client.get(add))
    data.update(
        {
            "title": "Bombed",
            "slug": "bombed",
            "category": str(category.pk),
            "status": "draft",
            "cover_image": upload("x.png", image_bytes((9000, 9000), "PNG", mode="1")),
        }
    )
    response = instructor_client.post(add, data)
    assert response.status_code == 200
    assert not Course.objects.filter(slug="bombed").exists()
    assert stored_files(settings) == []


# --- Stored files in the studio: linked to the views that check access ---------------------------


def test_studio_links_an_attachment_to_the_protected_download(instructor_client, own_course):
    lesson = own_course.lessons.first()
    attachment = AttachmentFactory(lesson=lesson, title="Handout")
    page = instructor_client.get(reverse("admin:courses_course_change", args=[own_course.pk]))
    download = attachment.get_absolute_url()
    assert f'href="{download}"' in page.text
    assert "/private-media-is-not-served/" not in page.text
    response = instructor_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"


def test_studio_links_an_uploaded_video_to_its_lesson_page(instructor_client, own_course):
    lesson = own_course.lessons.first()
    post_lesson(instructor_client, lesson, kind="video", video_file=upload("intro.mp4", MP4_HEAD))
    lesson.refresh_from_db()
    page = instructor_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    assert f'href="{lesson.get_absolute_url()}"' in page.text
    assert "/private-media-is-not-served/" not in page.text
    video = reverse("learning:lesson_video", args=[own_course.slug, lesson.slug])
    assert video in instructor_client.get(lesson.get_absolute_url()).text
    assert instructor_client.get(video).status_code == 200
