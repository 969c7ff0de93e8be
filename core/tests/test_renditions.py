"""Course cards and avatars use small renditions of the uploaded images."""

import io
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from core.renditions import WIDTHS, rendition_url
from courses.tests.factories import CourseFactory


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

    assert src.endswith(".w480.webp")
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


def test_renditions_are_made_when_the_image_is_stored(db):
    course = CourseFactory()
    course.cover_image.save("cover.webp", webp(), save=True)
    stem = course.cover_image.name.rsplit(".", 1)[0]
    for width in WIDTHS:
        assert default_storage.exists(f"{stem}.w{width}.webp")


def test_a_missing_rendition_is_made_on_its_first_request(client, db):
    default_storage.save("covers/old.webp", webp())
    response = client.get("/media/covers/old.w240.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    with default_storage.open("covers/old.w240.webp") as stored, Image.open(stored) as image:
        assert image.width == 240


def test_a_rendition_of_a_missing_original_is_a_404(client, db):
    assert client.get("/media/covers/gone.w480.webp").status_code == 404


def test_uploaded_media_are_served_with_a_long_lifetime_and_nosniff(client, db):
    default_storage.save("covers/kept.webp", webp())
    response = client.get("/media/covers/kept.webp")
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_media_view_never_leaves_the_media_folder(client, db):
    assert client.get("/media/../private/secret.txt").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404


def test_make_renditions_fills_in_what_is_missing(db):
    from django.core.management import call_command

    course = CourseFactory()
    course.cover_image.save("cover.webp", webp(), save=True)
    stem = course.cover_image.name.rsplit(".", 1)[0]
    default_storage.delete(f"{stem}.w480.webp")
    call_command("make_renditions", verbosity=0)
    assert default_storage.exists(f"{stem}.w480.webp")
