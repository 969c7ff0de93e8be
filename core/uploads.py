"""Validated uploads shared by every app: images are decoded, checked and re-encoded before they
are stored; other files are checked against an allow-list of types and a size cap."""

import io
import os
import re
import secrets
import unicodedata
from functools import partial

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import models, transaction
from django.db.models.fields.files import ImageFieldFile
from django.db.models.signals import post_init, post_save
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .renditions import delete_renditions, make_renditions

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# The demo's images are committed with the code (media/demo/): replaced in the demo, they stay.
KEPT_FOLDERS = ("demo/",)


def safe_filename(name: str, *, default: str = "file") -> str:
    """Strip directories, control characters and anything but [A-Za-z0-9._-] from a file name."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-_")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:80] or default
    return f"{stem}.{ext.lower()[:10]}" if ext else stem


def probe_image(upload, *, max_pixels: int | None = None) -> str:
    """The format of an uploaded image, read from its header only (or a ValidationError).

    Refuses anything that is not a real JPEG, PNG or WebP, and images over `max_pixels` (never
    more than IMAGE_UPLOAD_MAX_PIXELS) before decoding, so a decompression bomb never expands.
    """
    max_pixels = min(
        max_pixels or settings.IMAGE_UPLOAD_MAX_PIXELS, settings.IMAGE_UPLOAD_MAX_PIXELS
    )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            _("Upload a valid image: this file is not a JPEG, PNG or WebP picture."),
            code="invalid_image",
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise forms.ValidationError(
            _("Only JPEG, PNG and WebP images are accepted."), code="invalid_image_format"
        )
    if width * height > max_pixels:
        raise forms.ValidationError(
            _("The image has too many pixels (%(max)d megapixels at most).")
            % {"max": max_pixels // 1_000_000},
            code="too_many_pixels",
        )
    return image_format


def reencode_image(upload, *, max_size: tuple[int, int], max_pixels: int | None = None):
    """Decode an uploaded image with Pillow and return a re-encoded copy (or raise ValidationError).

    Refuses files over IMAGE_UPLOAD_MAX_BYTES and what probe_image refuses. EXIF orientation is
    applied and metadata dropped.
    """
    if upload.size and upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("The image is too large (%(size)d MB at most).")
            % {"size": settings.IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    probe_image(upload, max_pixels=max_pixels)
    try:
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail(max_size, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="WEBP", quality=82, method=4)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError(
            _("Upload a valid image: this file could not be read."), code="invalid_image"
        ) from exc
    stem = safe_filename(
        os.path.splitext(getattr(upload, "name", "") or "image")[0], default="image"
    )
    # A random part: a name is never used again for other content (its URL may be kept forever).
    name = f"{stem[:60]}-{secrets.token_hex(4)}.webp"
    return InMemoryUploadedFile(buffer, None, name, "image/webp", buffer.getbuffer().nbytes, None)


# How each format is written again; what was in the image's metadata is not.
_RESAVE_OPTIONS = {"JPEG": {"quality": 95}, "PNG": {}, "WEBP": {"quality": 90}}


def without_metadata(upload):
    """A copy of an uploaded JPEG, PNG or WebP in its own format and under its own name, without
    its metadata (EXIF with GPS position and camera, comments, XMP); turned upright as its EXIF
    orientation said, colour profile and transparency kept."""
    image_format = probe_image(upload)
    with Image.open(upload) as image:
        image.load()
        options = {
            key: image.info[key] for key in ("icc_profile", "transparency") if key in image.info
        }
        if getattr(image, "n_frames", 1) > 1:  # animated: every frame, as it was
            options["save_all"] = True
        else:
            image = ImageOps.exif_transpose(image)
        buffer = io.BytesIO()
        image.save(buffer, format=image_format, **options, **_RESAVE_OPTIONS[image_format])
    content_type = Image.MIME.get(image_format, "application/octet-stream")
    size = buffer.getbuffer().nbytes
    return InMemoryUploadedFile(buffer, None, upload.name, content_type, size, None)


class ValidatedImageFormField(forms.ImageField):
    """An ImageField that re-encodes the upload to WebP within max_size (see reencode_image)."""

    default_error_messages = {"invalid_image": ""}

    def __init__(self, *, max_size=(1600, 1600), max_pixels=None, **kwargs):
        self.max_size = max_size
        self.max_pixels = max_pixels
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        # Skip forms.ImageField.to_python: reencode_image does its checks, with our own caps.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return reencode_image(upload, max_size=self.max_size, max_pixels=self.max_pixels)


class ImageWithRenditionsFieldFile(ImageFieldFile):
    """A stored image that makes its renditions as soon as it is saved (core.renditions)."""

    def save(self, name, content, save=True):
        super().save(name, content, save=save)
        make_renditions(self)


class ValidatedImageField(models.ImageField):
    """Model ImageField whose forms (site and admin) validate and re-encode uploads, and whose
    files come with their renditions. `max_pixels` caps what an upload may decode to, below
    IMAGE_UPLOAD_MAX_PIXELS (a 512 px avatar needs no 40 MP photo).

    A file replaced or removed is deleted with its renditions once the row's new value is
    committed (never before, never after a rollback), unless another row still names it.
    """

    attr_class = ImageWithRenditionsFieldFile

    def __init__(self, *args, max_size=(1600, 1600), max_pixels=None, **kwargs):
        self.max_size = tuple(max_size)
        self.max_pixels = max_pixels
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_size"] = self.max_size
        if self.max_pixels:
            kwargs["max_pixels"] = self.max_pixels
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            post_init.connect(self._remember_stored_name, sender=cls)
            post_save.connect(self._delete_replaced_file, sender=cls)

    def _remember_stored_name(self, instance, **kwargs):
        # A name (a string) is a stored file; an upload given to the constructor is not yet.
        value = instance.__dict__.get(self.attname)
        instance.__dict__[f"_stored_{self.attname}"] = value if isinstance(value, str) else ""

    def _delete_replaced_file(self, sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or (update_fields is not None and self.name not in update_fields):
            return
        file = getattr(instance, self.attname)
        stored = instance.__dict__.get(f"_stored_{self.attname}", "")
        instance.__dict__[f"_stored_{self.attname}"] = file.name or ""
        if stored and stored != file.name and not stored.startswith(KEPT_FOLDERS):
            delete = partial(self._delete_unless_named, sender, file.storage, stored)
            transaction.on_commit(delete, using=kwargs.get("using"), robust=True)

    def _delete_unless_named(self, model, storage, name):
        if not model._default_manager.filter(**{self.name: name}).exists():
            storage.delete(name)
            delete_renditions(storage, name)

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": ValidatedImageFormField,
                "max_size": self.max_size,
                "max_pixels": self.max_pixels,
                **kwargs,
            }
        )
