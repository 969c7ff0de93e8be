"""Hostile uploads: decompression bombs, polyglots, SVG, oversize files and traversal names are
refused (or neutralised) with a form error, and nothing is written for a refused upload."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.uploads import safe_filename
from courses.models import Attachment, attachment_path, lesson_video_path
from courses.tests.factories import LessonFactory
from courses.validators import validate_attachment, validate_video_file

pytestmark = pytest.mark.django_db


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""
    png = bytearray(image_bytes("PNG", (1, 1)))
    ihdr_start = 8 + 4  # signature, then the chunk length
    body = bytearray(png[ihdr_start : ihdr_start + 4 + 13])
    body[4:8] = struct.pack(">I", width)
    body[8:12] = struct.pack(">I", height)
    png[ihdr_start : ihdr_start + 17] = body
    png[ihdr_start + 17 : ihdr_start + 21] = struct.pack(">I", zlib.crc32(bytes(body)))
    return bytes(png)


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_AS_PNG = b"<html><body><script>alert(1)</script></body></html>"
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);//" + b"\x00" * 20 + b";"
JPEG_HTML_POLYGLOT = image_bytes() + b"<script>alert('polyglot')</script><?php system($_GET[1]); ?>"


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _post_avatar(client, user, name, content, content_type="image/png"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        reverse("users:profile"),
        {"name": user.name, "username": user.username, "headline": "", "bio": "", "avatar": upload},
    )


REFUSED = {
    "decompression-bomb": ("bomb.png", png_claiming(60_000, 60_000)),
    "svg": ("avatar.svg", SVG),
    "svg-named-png": ("avatar.png", SVG),
    "html-named-png": ("avatar.png", HTML_AS_PNG),
    "gif-js-polyglot": ("avatar.gif", GIF_JS_POLYGLOT),
    "truncated-jpeg": ("avatar.jpg", image_bytes()[:200]),
    "empty": ("avatar.png", b""),
    "gif": ("avatar.gif", image_bytes("GIF")),
}


@pytest.mark.parametrize("name,content", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_avatar_is_refused_with_a_form_error(
    learner_client, learner, settings, name, content
):
    response = _post_avatar(learner_client, learner, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors.get("avatar")
    learner.refresh_from_db()
    assert not learner.avatar
    assert _media_files(settings) == []


def test_oversize_avatar_is_refused(learner_client, learner, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 2_000
    big = image_bytes("PNG", (400, 400), (1, 2, 3))
    noisy = Image.effect_noise((300, 300), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    big = buffer.getvalue()
    assert len(big) > settings.IMAGE_UPLOAD_MAX_BYTES
    response = _post_avatar(learner_client, learner, "big.png", big)
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["avatar"])
    learner.refresh_from_db()
    assert not learner.avatar


def test_too_many_pixels_is_refused_before_decoding(learner_client, learner, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 1_000
    response = _post_avatar(learner_client, learner, "wide.png", image_bytes("PNG", (100, 100)))
    assert response.status_code == 200
    assert response.context["form"].errors.get("avatar")


def test_avatar_over_12_megapixels_is_refused_before_decoding(learner_client, learner, settings):
    # 4,000 × 3,001 pixels: under the site's cap (covers), too costly to decode for a 512 px avatar.
    assert settings.IMAGE_UPLOAD_MAX_PIXELS > 4_000 * 3_001
    response = _post_avatar(learner_client, learner, "big.png", png_claiming(4_000, 3_001))
    assert response.status_code == 200
    assert "too many pixels (12 megapixels at most)" in str(response.context["form"].errors)
    learner.refresh_from_db()
    assert not learner.avatar


def test_a_12_megapixel_avatar_is_accepted(learner_client, learner):
    response = _post_avatar(
        learner_client, learner, "photo.png", image_bytes("PNG", (4_000, 3_000))
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.avatar.width == 512


def test_polyglot_jpeg_is_re_encoded_so_the_payload_is_gone(learner_client, learner):
    response = _post_avatar(learner_client, learner, "selfie.jpg", JPEG_HTML_POLYGLOT, "image/jpeg")
    assert response.status_code == 302
    learner.refresh_from_db()
    stored = learner.avatar.read()
    assert stored[:4] == b"RIFF" and stored[8:12] == b"WEBP"
    assert b"<script>" not in stored
    assert b"<?php" not in stored
    assert learner.avatar.name.endswith(".webp")


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.png",
        "..\\..\\windows\\win.ini.png",
        "/absolute/path.png",
        "a\x00b.png",
        "%2e%2e%2fup.png",
        "con.png",
        "ok\nnew-line.png",
        "x" * 500 + ".png",
    ],
)
def test_traversal_and_odd_names_stay_inside_the_upload_folder(
    learner_client, learner, settings, name
):
    response = _post_avatar(learner_client, learner, name, image_bytes("PNG"))
    assert response.status_code in {200, 302}
    learner.refresh_from_db()
    if learner.avatar:
        stored = learner.avatar.name
        assert stored.startswith("avatars/")
        assert ".." not in stored and "\\" not in stored and "\x00" not in stored
        assert "\n" not in stored
        path = (settings.MEDIA_ROOT / stored).resolve()
        assert path.is_relative_to(settings.MEDIA_ROOT.resolve())


@pytest.mark.parametrize(
    "name,expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("../", "file"),
        ("....", "file"),
        ("évil name<script>.PDF", "evil-name-script-.pdf"),
        ("a/b/c.tar.gz", "c.tar.gz"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_attachment_and_video_paths_cannot_escape(db):
    lesson = LessonFactory()
    attachment = Attachment(lesson=lesson, title="x")
    assert attachment_path(attachment, "../../../../etc/cron.d/x.pdf") == (
        f"attachments/{lesson.course_id}/x.pdf"
    )
    assert lesson_video_path(lesson, "../../v.mp4") == f"videos/{lesson.course_id}/v.mp4"


@pytest.mark.parametrize(
    "name,content",
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("image.svg", SVG),
        ("run.exe", b"MZ\x90\x00"),
        ("script.js", b"alert(1)"),
        ("page.htm", b"<b>x</b>"),
        ("noextension", b"data"),
        ("double.pdf.html", b"<script></script>"),
    ],
)
def test_attachment_types_outside_the_allow_list_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile(name, content))


def test_oversize_attachment_is_refused(settings):
    settings.ATTACHMENT_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="too large"):
        validate_attachment(SimpleUploadedFile("notes.pdf", b"%PDF-1.4 " + b"x" * 100))


@pytest.mark.parametrize(
    "name,content",
    [
        ("clip.mp4", b"<html><script>alert(1)</script></html>"),
        ("clip.webm", b"GIF89a" + b"\x00" * 30),
        ("clip.mov", b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 20),
        ("clip.mp4.html", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20),
    ],
)
def test_fake_videos_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_video_file(SimpleUploadedFile(name, content))


def test_oversize_video_is_refused(settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 16
    with pytest.raises(ValidationError, match="too large"):
        validate_video_file(SimpleUploadedFile("v.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64))


def test_real_video_headers_are_accepted():
    validate_video_file(SimpleUploadedFile("v.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64))
    validate_video_file(SimpleUploadedFile("v.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 64))
