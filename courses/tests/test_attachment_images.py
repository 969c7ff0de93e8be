"""Image attachments (JPEG, PNG, WebP) are stored without their metadata: a photo's EXIF holds
where it was taken (GPS), the camera and its owner; learners download what the studio stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from courses.models import Attachment
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import course_with_lessons
from learning.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

CAMERA = "SpyCam 3000"


def photo_with_gps(fmt, size=(80, 60)):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Orientation] = 6  # shot rotated: the stored image must be turned upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def course(instructor):
    return course_with_lessons(instructors=[instructor])


def upload_attachment(client, lesson, name, content):
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Field trip photo",
            "attachments-0-file": SimpleUploadedFile(name, content),
        }
    )
    return client.post(url, data)


def download(client, attachment):
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "fmt,name", [("JPEG", "trip.jpg"), ("PNG", "trip.png"), ("WEBP", "trip.webp")]
)
def test_image_attachments_reach_learners_without_gps_or_camera(
    instructor_client, course, learner, client, fmt, name
):
    original = photo_with_gps(fmt)
    assert b"SpyCam" in original and Image.open(io.BytesIO(original)).getexif()
    lesson = course.lessons.exclude(is_preview=True).first()
    response = upload_attachment(instructor_client, lesson, name, original)
    assert response.status_code == 302, errors_of(response)

    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    attachment = Attachment.objects.get(lesson=lesson)
    downloaded = download(client, attachment)

    assert b"SpyCam" not in downloaded
    with Image.open(io.BytesIO(downloaded)) as image:
        assert image.format == fmt
        assert not image.getexif()
        assert image.size == (60, 80)  # upright, as the orientation tag said
    assert attachment.file.name.endswith(name.rsplit(".", 1)[1])
    assert attachment.size == len(downloaded)


def test_an_image_attachment_that_is_not_an_image_is_refused(instructor_client, course, settings):
    lesson = course.lessons.first()
    response = upload_attachment(instructor_client, lesson, "trip.jpg", b"%PDF-1.4 not a photo")
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in errors_of(response)
    assert not Attachment.objects.exists()


def test_other_attachments_are_stored_as_they_are(instructor_client, course, learner, client):
    lesson = course.lessons.first()
    content = b"%PDF-1.4 Author: someone /GPS 48.85"
    response = upload_attachment(instructor_client, lesson, "notes.pdf", content)
    assert response.status_code == 302, errors_of(response)
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    assert download(client, Attachment.objects.get(lesson=lesson)) == content
