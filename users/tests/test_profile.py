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
    data = {"name": user.name, **extra}
    if user.is_instructor:
        data = {"username": user.username, "headline": "", "bio": "", **data}
    return client.post(reverse("users:profile"), data)


def test_profile_needs_login(client):
    response = client.get(reverse("users:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_edits_the_name(learner_client, learner):
    response = _post(learner_client, learner, name="Lena L.")
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.name == "Lena L."


def test_an_instructor_edits_what_their_public_page_shows(instructor_client, instructor):
    response = _post(instructor_client, instructor, headline="Maps", bio="I like maps.")
    assert response.status_code == 302
    instructor.refresh_from_db()
    assert (instructor.headline, instructor.bio) == ("Maps", "I like maps.")


def test_a_learner_is_not_promised_a_public_page(learner_client, learner):
    response = learner_client.get(reverse("users:profile"))
    assert "instructor page" not in response.text
    assert set(response.context["form"].fields) == {"name", "avatar"}
    _post(learner_client, learner, bio="Ignored", headline="Ignored")
    learner.refresh_from_db()
    assert (learner.bio, learner.headline) == ("", "")


def test_staff_without_the_instructor_role_are_not_promised_a_public_page(
    client, django_user_model
):
    admin = django_user_model.objects.create_superuser(
        email="root@example.com", password="x-Pass-123"
    )
    client.force_login(admin)
    response = client.get(reverse("users:profile"))
    assert "instructor page" not in response.text
    assert admin.get_absolute_url() not in response.text


def test_the_picture_field_previews_changes_and_removes(learner_client, learner):
    _post(learner_client, learner, avatar=image_file())
    page = learner_client.get(reverse("users:profile")).text
    assert "Change picture" in page
    assert "Remove picture" in page
    assert "Currently:" not in page
    learner_client.post(reverse("users:profile"), {"name": learner.name, "avatar-clear": "on"})
    learner.refresh_from_db()
    assert not learner.avatar


def test_looking_at_the_profile_is_not_rate_limited(learner_client):
    for _ in range(12):
        assert learner_client.get(reverse("users:profile")).status_code == 200


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
        assert _post(learner_client, learner, name=f"Change {n}").status_code == 302
    response = _post(learner_client, learner, name="One change too many")
    assert response.status_code == 429
    learner.refresh_from_db()
    assert learner.name == "Change 9"
    client.force_login(instructor)  # another person has their own allowance
    assert _post(client, instructor, headline="Mine").status_code == 302


def test_username_must_be_unique(instructor_client, instructor, learner):
    response = _post(instructor_client, instructor, username=learner.username)
    assert "That username is taken." in response.text
