"""Hostile input on the learner's side: reviews, lesson bodies, `next` on wishlist/complete."""

import pytest
from django.urls import reverse

from learning import services
from learning.models import Review, WishlistItem
from learning.tests.factories import ReviewFactory

from .test_accounts import HOSTILE_NEXT, _is_local
from .test_xss import PAYLOADS, dangerous_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(course_with_lessons):
    return course_with_lessons


@pytest.fixture
def enrolled_client(learner_client, learner, course):
    services.enroll(user=learner, course=course)
    return learner_client


def _fragment(html, marker, end="</"):
    start = html.index(marker)
    return html[start : start + 6000].split(">", 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_review_text_is_shown_as_text(client, course, payload):
    ReviewFactory(course=course, text=payload, rating=4)
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    review = _fragment(response.text, 'class="mb-0 review-text"', end="</p>")
    assert dangerous_parts(review) == [], review
    assert "<" not in review.replace("<br>", "")


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_lesson_body_is_sanitised_on_the_lesson_page(client, course, payload):
    lesson = course.lessons.get(is_preview=True)
    lesson.body = payload
    lesson.save()
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    start = response.text.index("lesson-body")
    body = response.text[start:].split(">", 1)[1]
    body = body[: body.index("</div>")]
    assert dangerous_parts(body) == [], body


def test_reviewer_name_is_escaped(client, course):
    from users.tests.factories import UserFactory

    author = UserFactory(name="<img src=x onerror=alert(1)>")
    ReviewFactory(course=course, user=author)
    response = client.get(course.get_absolute_url())
    assert "<img src=x onerror" not in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "5", "text": "x" * 5001},
        {"rating": "6", "text": "fine"},
        {"rating": "0", "text": "fine"},
        {"rating": "-1", "text": "fine"},
        {"rating": "5.5", "text": "fine"},
        {"rating": "9" * 40, "text": "fine"},
        {"rating": "\x00", "text": "fine"},
        {"rating": "5", "text": "nul\x00byte"},
        {"rating": "5", "text": ""},
        {"rating": "", "text": "no rating"},
    ],
    ids=[
        "too-long", "rating-6", "rating-0", "negative", "fraction", "huge", "nul-rating",
        "nul-text", "empty-text", "no-rating",
    ],
)  # fmt: skip
def test_bad_review_input_is_a_form_error_and_nothing_is_saved(enrolled_client, course, data):
    response = enrolled_client.post(reverse("learning:review", args=[course.slug]), data)
    assert response.status_code in {200, 400}
    assert response.context["form"].errors
    assert not Review.objects.exists()
    course.refresh_from_db()
    assert course.rating_count == 0


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_wishlist_next_never_leaves_the_site(learner_client, course, next_url):
    response = learner_client.post(
        reverse("learning:wishlist", args=[course.slug]), {"next": next_url}
    )
    assert response.status_code == 302
    assert _is_local(response.url), response.url
    assert WishlistItem.objects.filter(course=course).exists()


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_anonymous_wishlist_login_redirect_keeps_next_local(client, course, next_url):
    response = client.post(reverse("learning:wishlist", args=[course.slug]), {"next": next_url})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "evil.example" not in response.url


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_complete_next_never_leaves_the_site(enrolled_client, course, next_url):
    lesson = course.lessons.order_by("id").last()
    response = enrolled_client.post(
        reverse("learning:complete", args=[course.slug, lesson.slug]),
        {"done": "1", "next": next_url},
    )
    assert response.status_code == 302
    assert _is_local(response.url), response.url


@pytest.mark.parametrize("next_url", HOSTILE_NEXT[:3])
def test_enrol_next_never_leaves_the_site(learner_client, course, next_url):
    response = learner_client.post(
        reverse("learning:enroll", args=[course.slug]) + "?next=" + next_url, {"next": next_url}
    )
    assert response.status_code == 302
    assert _is_local(response.url), response.url


def test_local_next_is_kept_on_wishlist(learner_client, course):
    response = learner_client.post(
        reverse("learning:wishlist", args=[course.slug]), {"next": "/courses/?page=2"}
    )
    assert response.url == "/courses/?page=2"


def test_state_changes_need_a_csrf_token(course, learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for url in [
        reverse("learning:enroll", args=[course.slug]),
        reverse("learning:wishlist", args=[course.slug]),
        reverse("learning:review", args=[course.slug]),
        reverse("account_logout"),
        reverse("users:profile"),
    ]:
        assert client.post(url, {"rating": "5", "text": "x"}).status_code == 403, url
    assert not WishlistItem.objects.exists()
