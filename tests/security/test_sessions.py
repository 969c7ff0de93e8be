"""Sessions and the anonymous page cache: no fixation, logout and password changes end sessions,
and a cached page never carries one visitor's state to another."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def _login(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def test_login_rotates_the_session_key(client, learner, password):
    session = client.session  # an anonymous session, as an attacker could plant one
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key
    assert client.cookies["sessionid"].value == before
    after = _login(client, learner, password)
    assert before and after != before


def test_a_session_ends_at_logout_even_if_its_cookie_was_copied(client, learner, password):
    stolen = _login(client, learner, password)
    client.post(reverse("account_logout"))
    thief = Client()
    thief.cookies["sessionid"] = stolen
    response = thief.get(reverse("learning:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_changing_the_password_ends_other_sessions(client, learner, password):
    other_device = Client()
    _login(other_device, learner, password)
    _login(client, learner, password)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": password,
            "password1": "fresh-passphrase-93",
            "password2": "fresh-passphrase-93",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("learning:dashboard")).status_code == 200
    assert other_device.get(reverse("learning:dashboard")).status_code == 302


def test_a_deactivated_user_is_signed_out(client, learner, password):
    _login(client, learner, password)
    learner.is_active = False
    learner.save()
    assert client.get(reverse("learning:dashboard")).status_code == 302


@pytest.fixture
def page_cache_on(settings):
    settings.CACHE_PAGE_SECONDS = 300


def test_a_cached_anonymous_page_is_never_served_to_a_signed_in_user(
    client, learner, page_cache_on
):
    course = CourseFactory()
    anonymous = Client()
    anonymous.get(course.get_absolute_url())
    anonymous.get(course.get_absolute_url())
    client.force_login(learner)
    response = client.get(course.get_absolute_url())
    assert response.get("X-Page-Cache") != "hit"
    assert learner.display_name in response.text


def test_a_signed_in_page_is_never_stored_for_anonymous_visitors(client, learner, page_cache_on):
    course = CourseFactory()
    client.force_login(learner)
    client.get(course.get_absolute_url())
    response = Client().get(course.get_absolute_url())
    assert learner.display_name not in response.text
    assert learner.email not in response.text


def test_cached_pages_carry_no_cookies_or_csrf_tokens(page_cache_on):
    course = CourseFactory()
    first = Client().get(course.get_absolute_url())
    second = Client().get(course.get_absolute_url())
    for response in (first, second):
        if response.get("X-Page-Cache") == "hit":
            assert not response.cookies
            assert "csrfmiddlewaretoken" not in response.text


def test_a_forged_forwarded_host_cannot_poison_the_cache(page_cache_on):
    course = CourseFactory()
    poisoner = Client()
    poisoner.get(course.get_absolute_url(), headers={"x-forwarded-host": "evil.example"})
    response = Client().get(course.get_absolute_url())
    assert "evil.example" not in response.text


def test_a_disallowed_host_is_refused_before_the_cache(page_cache_on):
    course = CourseFactory()
    response = Client().get(course.get_absolute_url(), headers={"host": "evil.example"})
    assert response.status_code == 400
