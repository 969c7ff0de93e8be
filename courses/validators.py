"""Validation of what instructors upload or link: video hosts, video files, attachments."""

import os
import re
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import probe_image

ATTACHMENT_EXTENSIONS = {
    "pdf", "zip", "txt", "md", "csv", "json", "py", "png", "jpg", "jpeg", "webp",
    "pptx", "ppt", "key", "odp", "docx", "xlsx", "odt", "ods",
}  # fmt: skip
# Stored without their metadata (courses.models.Attachment.save), so they must be real images.
IMAGE_ATTACHMENT_EXTENSIONS = {"png", "jpg", "jpeg", "webp"}
VIDEO_EXTENSIONS = {"mp4", "webm"}

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{6,12}$")


def video_embed_url(url: str) -> str | None:
    """Return the privacy-friendly embed URL for an allow-listed video URL, else None."""
    try:
        parsed = urlparse(url or "")
    except ValueError:
        return None
    if parsed.scheme != "https":
        return None
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    parts = [p for p in parsed.path.split("/") if p]
    video_id = None
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parts[:1] == ["watch"]:
            video_id = (parse_qs(parsed.query).get("v") or [None])[0]
        elif len(parts) == 2 and parts[0] in {"embed", "shorts", "live"}:
            video_id = parts[1]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host == "youtu.be" and len(parts) == 1 and _YOUTUBE_ID.match(parts[0]):
        return f"https://www.youtube-nocookie.com/embed/{parts[0]}"
    elif host in {"vimeo.com", "player.vimeo.com"}:
        candidate = parts[-1] if parts else ""
        if _VIMEO_ID.match(candidate):
            return f"https://player.vimeo.com/video/{candidate}?dnt=1"
    return None


def validate_video_url(url):
    if url and video_embed_url(url) is None:
        raise ValidationError(
            _("Use a YouTube or Vimeo link (https), e.g. https://www.youtube.com/watch?v=…"),
            code="video_host",
        )


def _extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def validate_video_file(upload):
    if _extension(upload.name) not in VIDEO_EXTENSIONS:
        raise ValidationError(_("Upload an MP4 or WebM video."), code="video_type")
    if upload.size > settings.VIDEO_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The video is too large (%(mb)d MB at most).")
            % {"mb": settings.VIDEO_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    # MP4: "ftyp" box at offset 4; WebM: EBML magic.
    if not (head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"):
        raise ValidationError(_("This file is not an MP4 or WebM video."), code="video_content")


def validate_attachment(upload):
    if _extension(upload.name) not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("This file type is not allowed. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))},
            code="attachment_type",
        )
    if upload.size > settings.ATTACHMENT_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(mb)d MB at most).")
            % {"mb": settings.ATTACHMENT_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    # A new upload only (a stored file was checked when it came): is it the image it says?
    if is_image_attachment(upload.name) and not getattr(upload, "_committed", False):
        probe_image(upload)


def is_image_attachment(name) -> bool:
    return _extension(name) in IMAGE_ATTACHMENT_EXTENSIONS
