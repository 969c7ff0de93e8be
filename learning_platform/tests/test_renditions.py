"""Course cards and avatars use small renditions of the uploaded images."""

import io
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from courses.tests.factories import CourseFactory
from learning_platform.renditions import rendition_url


def webp(width=1280, height=720):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="WEBP")
    return ContentFile(buffer.getvalue())


def card_image_src(html):
    return re.search(r'<img src="([^"]+)"[^>]*alt="Cover of', html).group(1)


def test_catalog_card_shows_a_480_px_cover(client, db):
    course = CourseFactory()
    course.cover_image.save("cover.webp", webp(), save=True)

    src = card_image_src(client.get(reverse("courses:list")).content.decode())

    assert "/renditions/480/" in src
    name = src.split("/media/", 1)[1]
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.size == (480, 270)


def test_rendition_is_smaller_than_the_original(db):
    course = CourseFactory()
    course.cover_image.save("cover.webp", webp(), save=True)

    url = rendition_url(course.cover_image, 480)

    rendition = default_storage.size(url.split("/media/", 1)[1])
    assert rendition < course.cover_image.size


def test_small_image_is_not_enlarged(db):
    course = CourseFactory()
    course.cover_image.save("small.webp", webp(300, 200), save=True)

    url = rendition_url(course.cover_image, 480)

    with default_storage.open(url.split("/media/", 1)[1]) as stored, Image.open(stored) as image:
        assert image.size == (300, 200)


def test_missing_original_falls_back_to_its_own_url(client, db):
    course = CourseFactory()
    course.cover_image.name = "covers/gone.webp"
    course.save()

    response = client.get(reverse("courses:list"))

    assert response.status_code == 200
    assert card_image_src(response.content.decode()).endswith("/media/covers/gone.webp")
