"""Small renditions of uploaded images: a course card shows a 480 px cover, not the 1280 px one.

A rendition sits next to its original in the same storage (`covers/x.webp` → `covers/x.w480.webp`)
and is made when the original is stored (ValidatedImageField's files call `make_renditions`), so
its URL is known without asking the storage. An image stored before renditions existed gets
them on its first request from core.views.media (one machine), or from
`manage.py make_renditions` (object storage).
"""

import io
import logging
import posixpath
import re

from django.core.files.base import ContentFile
from PIL import Image

logger = logging.getLogger(__name__)

WIDTHS = (96, 240, 480, 960)
QUALITY = 78
RENDITION_NAME = re.compile(r"^(?P<stem>.+)\.w(?P<width>\d+)\.webp$")


def rendition_name(name: str, width: int) -> str:
    return f"{posixpath.splitext(name)[0]}.w{width}.webp"


def original_of(name: str) -> tuple[str, int] | None:
    """(original stem, width) when `name` is a rendition's name, else None."""
    match = RENDITION_NAME.match(name)
    if match is None or int(match["width"]) not in WIDTHS:
        return None
    return match["stem"], int(match["width"])


def make_rendition(storage, name: str, width: int) -> str:
    """Store the rendition of the image `name` at `width` px (if missing); returns its name."""
    target = rendition_name(name, width)
    if storage.exists(target):
        return target
    with storage.open(name, "rb") as original, Image.open(original) as image:
        image.load()
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        if image.width > width:
            image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=QUALITY, method=4)
    return storage.save(target, ContentFile(buffer.getvalue()))


def make_renditions(fieldfile) -> None:
    """Every rendition of a stored image; a failure is logged (the media view retries)."""
    for width in WIDTHS:
        try:
            make_rendition(fieldfile.storage, fieldfile.name, width)
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("no %s px rendition of %s", width, fieldfile.name, exc_info=True)


def delete_renditions(storage, name: str) -> None:
    for width in WIDTHS:
        storage.delete(rendition_name(name, width))


def rendition_url(fieldfile, width: int) -> str:
    """URL of the rendition at most `width` px wide ("" without an image)."""
    if not fieldfile:
        return ""
    if width not in WIDTHS:
        raise ValueError(f"rendition width must be one of {WIDTHS}")
    return fieldfile.storage.url(rendition_name(fieldfile.name, width))
