"""Shared fragments: course cards are rendered once for every page and visitor that shows them
(keyed on their course's own values and the catalog version), while what belongs to one visitor
(wishlist hearts, the enrolment box, their review) is drawn per request and never shared."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses.tests.factories import CourseFactory, LessonFactory
from learning import services
from learning.tests.factories import EnrollmentFactory, ReviewFactory, WishlistItemFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("courses:list")


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.CACHE_FRAGMENT_SECONDS = 60
    settings.CACHE_PAGE_SECONDS = 0  # the page cache is tested in test_cache.py


@pytest.fixture
def course(instructor):
    return CourseFactory(title="Fragment Fermentation", instructors=[instructor])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def pressed_hearts(html):
    return re.findall(r'aria-pressed="(true|false)"', html)


def test_a_warm_card_is_not_rendered_again(client, course, monkeypatch):
    from courses import cards

    client.get(CATALOG)
    monkeypatch.setattr(cards, "get_template", lambda name: pytest.fail("card rendered again"))
    response = client.get(reverse("courses:list") + "?sort=title")
    assert "Fragment Fermentation" in response.text


def test_a_changed_rating_rerenders_its_card(client, course):
    client.get(CATALOG)
    type(course).objects.filter(pk=course.pk).update(rating_average=4.5, rating_count=2)
    assert "(2)" in client.get(reverse("courses:list") + "?sort=rating").text


def test_a_renamed_category_shows_on_cached_cards(client, course):
    client.get(CATALOG)
    course.category.name = "Renamed Shelf"
    course.category.save()
    assert "Renamed Shelf" in client.get(reverse("courses:list") + "?sort=title").text


def test_a_changed_title_shows_on_every_cached_page(client, course):
    pages = [CATALOG, reverse("home"), course.get_absolute_url()]
    for url in pages:
        client.get(url)
    course.title = "Fragment Pickling"
    course.save()
    for url in pages:
        assert "Fragment Pickling" in client.get(url).text, url


def test_a_new_course_updates_results_and_facet_counts(client, course):
    client.get(CATALOG)
    CourseFactory(title="Second Sourdough", category=course.category)
    page = client.get(CATALOG).text
    assert "Second Sourdough" in page
    assert "2 courses" in page


def test_one_learners_wishlist_never_shows_on_anothers_cached_cards(course):
    alice, bob = UserFactory(), UserFactory()
    WishlistItemFactory(user=alice, course=course)
    assert pressed_hearts(signed_in(alice).get(CATALOG).text) == ["true"]
    assert pressed_hearts(signed_in(bob).get(CATALOG).text) == ["false"]


def test_cached_cards_carry_each_visitors_own_csrf_token(course, learner):
    anonymous = Client().get(CATALOG).text
    assert "csrfmiddlewaretoken" not in anonymous
    assert reverse("account_login") in anonymous
    page = signed_in(learner).get(CATALOG).text
    assert 'name="csrfmiddlewaretoken"' in page
    assert reverse("learning:wishlist", kwargs={"slug": course.slug}) in page


def test_enrolment_box_is_per_visitor_on_a_cached_course_page(course, learner):
    LessonFactory(section__course=course)
    EnrollmentFactory(user=learner, course=course)
    assert "You are enrolled" in signed_in(learner).get(course.get_absolute_url()).text
    other = signed_in(UserFactory()).get(course.get_absolute_url()).text
    assert "You are enrolled" not in other
    assert reverse("learning:enroll", kwargs={"slug": course.slug}) in other


def test_an_enrolment_shows_in_the_learner_count_at_once(course, learner):
    client = signed_in(learner)
    assert "0 learners" in client.get(course.get_absolute_url()).text
    services.enroll(user=UserFactory(), course=course)
    assert "1 learner" in client.get(course.get_absolute_url()).text


def test_a_new_review_shows_on_the_cached_course_page(client, course):
    client.get(course.get_absolute_url())
    ReviewFactory(course=course, text="Tangy and thorough.", rating=5)
    assert "Tangy and thorough." in client.get(course.get_absolute_url()).text


def test_own_review_form_is_not_shared(course, learner):
    EnrollmentFactory(user=learner, course=course)
    ReviewFactory(course=course, user=learner, text="My own words here.")
    assert "Delete my review" in signed_in(learner).get(course.get_absolute_url()).text
    other = signed_in(UserFactory()).get(course.get_absolute_url()).text
    assert "My own words here." in other  # in the shared list of reviews
    assert "Delete my review" not in other


def test_fragments_off_renders_every_time(client, course, settings):
    settings.CACHE_FRAGMENT_SECONDS = 0
    client.get(CATALOG)
    type(course).objects.filter(pk=course.pk).update(title="Silently Renamed")
    assert "Silently Renamed" in client.get(reverse("courses:list") + "?sort=title").text
