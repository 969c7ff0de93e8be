import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def image_file(name="avatar.png", size=(64, 64), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def _post(client, user, **extra):
    data = {"name": user.name, "username": user.username, "headline": "", "bio": "", **extra}
    return client.post(reverse("users:profile"), data)


def test_profile_needs_login(client):
    response = client.get(reverse("users:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_edits_name_and_bio(learner_client, learner):
    response = _post(learner_client, learner, name="Lena L.", bio="I like maps.")
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.name, learner.bio) == ("Lena L.", "I like maps.")


def test_valid_avatar_is_accepted_and_reencoded(learner_client, learner):
    _post(learner_client, learner, avatar=image_file(size=(1200, 900)))
    learner.refresh_from_db()
    assert learner.avatar.name.endswith(".webp")
    with Image.open(learner.avatar) as stored:
        assert max(stored.size) <= 512


def test_text_file_named_png_is_refused(learner_client, learner):
    fake = SimpleUploadedFile(
        "avatar.png", b"just some text, not a picture", content_type="image/png"
    )
    response = _post(learner_client, learner, avatar=fake)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.text
    learner.refresh_from_db()
    assert not learner.avatar


def test_image_over_pixel_cap_is_refused(learner_client, learner, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    response = _post(learner_client, learner, avatar=image_file(size=(101, 100)))
    assert "too many pixels" in response.text
    learner.refresh_from_db()
    assert not learner.avatar


def test_gif_is_refused(learner_client, learner):
    response = _post(learner_client, learner, avatar=image_file("a.gif", fmt="GIF"))
    assert "Only JPEG, PNG and WebP" in response.text


def test_svg_is_refused(learner_client, learner):
    svg = SimpleUploadedFile(
        "a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    response = _post(learner_client, learner, avatar=svg)
    assert "not a JPEG, PNG or WebP" in response.text


def test_profile_changes_are_limited_per_user(learner_client, learner, client, instructor):
    for n in range(10):
        assert _post(learner_client, learner, headline=f"Change {n}").status_code == 302
    response = _post(learner_client, learner, headline="One change too many")
    assert response.status_code == 429
    learner.refresh_from_db()
    assert learner.headline == "Change 9"
    client.force_login(instructor)  # another person has their own allowance
    assert _post(client, instructor, headline="Mine").status_code == 302


def test_username_must_be_unique(learner_client, learner, instructor):
    response = _post(learner_client, learner, username=instructor.username)
    assert "That username is taken." in response.text
