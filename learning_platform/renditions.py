"""Small renditions of uploaded images: a course card shows a 480 px cover, not the 1280 px one.

A rendition is made once, on first use, next to the original in the same storage
(`renditions/<width>/<original name>.webp`), and its URL is remembered in the cache, so a page
of cards costs no storage call once warm. When anything goes wrong (original missing, storage
down) the original's URL is used: a picture that is too big beats a broken one.
"""

import io
import logging
import posixpath

from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image

logger = logging.getLogger(__name__)

WIDTHS = (96, 240, 480, 960)
QUALITY = 78
MISS_TIMEOUT = 60  # seconds before retrying a rendition that could not be made


def rendition_name(name: str, width: int) -> str:
    stem = posixpath.splitext(name)[0]
    return f"renditions/{width}/{stem}.webp"


def make_rendition(fieldfile, width: int) -> str:
    """Store the rendition of `fieldfile` at `width` px (if missing) and return its name."""
    storage = fieldfile.storage
    name = rendition_name(fieldfile.name, width)
    if storage.exists(name):
        return name
    with fieldfile.storage.open(fieldfile.name, "rb") as original, Image.open(original) as image:
        image.load()
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        if image.width > width:
            image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=QUALITY, method=4)
    return storage.save(name, ContentFile(buffer.getvalue()))


def rendition_url(fieldfile, width: int) -> str:
    """URL of a rendition at most `width` px wide ("" without an image)."""
    if not fieldfile:
        return ""
    if width not in WIDTHS:
        raise ValueError(f"rendition width must be one of {WIDTHS}")
    key = f"rendition:{width}:{fieldfile.name}"
    url = cache.get(key)
    if url is None:
        try:
            url = fieldfile.storage.url(make_rendition(fieldfile, width))
            cache.set(key, url, timeout=None)
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("no %s px rendition of %s", width, fieldfile.name, exc_info=True)
            url = fieldfile.url
            cache.set(key, url, timeout=MISS_TIMEOUT)
    return url
