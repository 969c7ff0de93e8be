import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses.tests.factories import AttachmentFactory
from learning import services
from learning.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def attachment_url(item):
    lesson = item.lesson
    return reverse(
        "learning:attachment",
        kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug, "pk": item.pk},
    )


def video_url(lesson):
    return reverse(
        "learning:lesson_video", kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug}
    )


def with_video(lesson):
    lesson.video_file.save("intro.mp4", ContentFile(MP4), save=True)
    return lesson


# --- attachments --------------------------------------------------------------------------------
def test_enrolled_learner_downloads_attachment(enrolled_client, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    response = enrolled_client.get(attachment_url(item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_private_files_are_never_kept_by_browsers_or_proxies(enrolled_client, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    video = with_video(lessons[1])
    responses = [
        enrolled_client.get(attachment_url(item)),
        enrolled_client.get(video_url(video)),
        enrolled_client.get(video_url(video), headers={"range": "bytes=0-9"}),
    ]
    for response in responses:
        assert response.status_code in {200, 206}
        assert "no-store" in response["Cache-Control"]
        assert "max-age" not in response["Cache-Control"]


def test_attachment_needs_enrolment(learner_client, course, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    response = learner_client.get(attachment_url(item))
    assert response.url == course.get_absolute_url()


def test_attachment_sends_anonymous_to_login(client, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    assert client.get(attachment_url(item)).url.startswith(reverse("account_login"))


def test_preview_lesson_attachment_is_public(client, lessons):
    item = AttachmentFactory(lesson=lessons[0])
    assert client.get(attachment_url(item)).status_code == 200


def test_attachment_of_another_lesson_is_404(enrolled_client, lessons):
    item = AttachmentFactory(lesson=lessons[2])
    lesson = lessons[1]
    url = reverse(
        "learning:attachment",
        kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug, "pk": item.pk},
    )
    assert enrolled_client.get(url).status_code == 404


def test_missing_attachment_file_is_404(enrolled_client, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    item.file.storage.delete(item.file.name)
    assert enrolled_client.get(attachment_url(item)).status_code == 404


def test_course_instructor_downloads_attachment(instructor_client, lessons):
    item = AttachmentFactory(lesson=lessons[1])
    assert instructor_client.get(attachment_url(item)).status_code == 200


def test_attachment_is_not_under_public_media(lessons, settings):
    item = AttachmentFactory(lesson=lessons[1])
    assert str(settings.MEDIA_ROOT) not in item.file.path


# --- uploaded videos ----------------------------------------------------------------------------
def test_enrolled_learner_streams_uploaded_video(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(video_url(lesson))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert not response["Content-Disposition"].startswith("attachment")


def test_uploaded_video_needs_enrolment(learner_client, course, lessons):
    lesson = with_video(lessons[1])
    assert learner_client.get(video_url(lesson)).url == course.get_absolute_url()


def test_lesson_without_video_file_is_404(enrolled_client, lessons):
    assert enrolled_client.get(video_url(lessons[1])).status_code == 404


def test_player_uses_protected_video_url(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(lesson.get_absolute_url())
    assert f'<source src="{video_url(lesson)}">' in response.text


# --- certificates -------------------------------------------------------------------------------
def test_certificate_page_is_public(client, learner, course, lessons, instructor):
    services.enroll(user=learner, course=course)
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    certificate = learner.certificates.get()
    response = client.get(certificate.get_absolute_url())
    assert response.status_code == 200
    assert "Lena Learner" in response.text
    assert course.title in response.text
    assert instructor.display_name in response.text
    assert certificate.issued_at.strftime("%Y") in response.text


def test_certificate_keeps_learner_name_when_issued(client, learner):
    certificate = CertificateFactory(user=learner, learner_name="Old Name")
    learner.name = "New Name"
    learner.save()
    assert "Old Name" in client.get(certificate.get_absolute_url()).text


def test_unknown_certificate_is_404(client):
    url = reverse("learning:certificate", kwargs={"uuid": uuid.uuid4()})
    assert client.get(url).status_code == 404


def test_certificate_name_is_escaped(client):
    certificate = CertificateFactory(learner_name="<b>bold</b>")
    response = client.get(certificate.get_absolute_url())
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text


def test_video_answers_range_requests(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(video_url(lesson), HTTP_RANGE="bytes=4-11")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(response.streaming_content) == MP4[4:12]


def test_video_answers_open_ended_range(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(video_url(lesson), HTTP_RANGE="bytes=60-")
    assert response["Content-Range"] == f"bytes 60-{len(MP4) - 1}/{len(MP4)}"
    assert b"".join(response.streaming_content) == MP4[60:]


def test_video_range_past_the_end_is_416(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(video_url(lesson), HTTP_RANGE="bytes=9999-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(MP4)}"


def test_malformed_range_sends_whole_video(enrolled_client, lessons):
    lesson = with_video(lessons[1])
    response = enrolled_client.get(video_url(lesson), HTTP_RANGE="bytes=a-b")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MP4


def test_object_storage_attachment_redirects_to_signed_url(enrolled_client, lessons, monkeypatch):
    """On S3 (no local path) the view redirects to a signed URL instead of proxying the file."""
    item = AttachmentFactory(lesson=lessons[1])
    storage = item.file.storage

    def no_local_path(name):
        raise NotImplementedError

    def signed_url(name, parameters=None):
        disposition = (parameters or {}).get("ResponseContentDisposition", "")
        return f"https://bucket.example/{name}?signed=1&disposition={disposition}"

    monkeypatch.setattr(storage, "path", no_local_path)
    monkeypatch.setattr(storage, "url", signed_url)
    response = enrolled_client.get(attachment_url(item))
    assert response.status_code == 302
    assert response.url.startswith("https://bucket.example/")
    assert "disposition=attachment" in response.url
