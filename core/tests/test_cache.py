"""The anonymous page cache: what it serves, to whom, and when it forgets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from core import cache as page_cache
from core.cache import CATALOG, HIT_HEADER, invalidate
from courses import services as course_services
from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory
from learning import services as learning_services
from learning.tests.factories import EnrollmentFactory, ReviewFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.CACHE_PAGE_SECONDS = 60


@pytest.fixture
def course(instructor):
    return CourseFactory(title="Cached Cooking", instructors=[instructor])


def detail_url(course):
    return reverse("courses:detail", kwargs={"slug": course.slug})


def test_second_anonymous_request_is_served_from_the_cache(client, course):
    first = client.get(detail_url(course))
    second = client.get(detail_url(course))
    assert first[HIT_HEADER] == "miss"
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content


def test_a_cached_page_costs_one_query_its_versions(client, course, django_assert_num_queries):
    client.get(detail_url(course))
    with django_assert_num_queries(1):
        response = client.get(detail_url(course))
    assert "Cached Cooking" in response.text


def test_the_query_string_is_part_of_the_key(client, course):
    client.get(reverse("courses:list"))
    response = client.get(reverse("courses:list") + "?page=1")
    assert response[HIT_HEADER] == "miss"


def test_a_search_is_answered_but_never_kept(client, course):
    url = reverse("courses:list") + "?q=cooking"
    client.get(url)
    response = client.get(url)
    assert HIT_HEADER not in response
    assert "Cached Cooking" in response.text


def test_a_query_string_the_page_does_not_read_is_not_kept(client, course):
    # Random parameters cannot fill the cache with copies of one page.
    url = reverse("courses:list") + "?utm_source=newsletter"
    client.get(url)
    assert HIT_HEADER not in client.get(url)


def test_the_host_is_part_of_the_key(client, course, settings):
    # The canonical and OpenGraph URLs name the host the page was asked for.
    settings.ALLOWED_HOSTS = ["learn.example.com", "courses.example.org"]
    client.get(detail_url(course), headers={"host": "learn.example.com"})
    response = client.get(detail_url(course), headers={"host": "courses.example.org"})
    assert response[HIT_HEADER] == "miss"
    assert "http://courses.example.org/" in response.text
    assert "learn.example.com" not in response.text


def test_anonymous_pages_vary_on_cookie_and_revalidate(client, course):
    response = client.get(detail_url(course))
    assert "Cookie" in response["Vary"]
    assert "public" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response.has_header("ETag")


def test_matching_etag_answers_not_modified(client, course):
    etag = client.get(detail_url(course))["ETag"]
    response = client.get(detail_url(course), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_changing_a_course_shows_on_the_next_request(client, course):
    client.get(detail_url(course))
    course.title = "Cached Baking"
    course.save()
    response = client.get(detail_url(course))
    assert "Cached Baking" in response.text
    assert response[HIT_HEADER] == "miss"


def test_adding_a_lesson_shows_on_the_course_page(client, course):
    client.get(detail_url(course))
    LessonFactory(section__course=course, title="Knife skills")
    assert "Knife skills" in client.get(detail_url(course)).text


def test_a_new_course_shows_on_the_cached_catalog(client, course):
    client.get(reverse("courses:list"))
    CourseFactory(title="Brand New Course")
    assert "Brand New Course" in client.get(reverse("courses:list")).text


def test_a_new_category_invalidates(client, course):
    client.get(reverse("home"))
    CategoryFactory(name="Gardening")
    assert client.get(reverse("home"))[HIT_HEADER] == "miss"


def test_a_review_refreshes_its_course_page(client, course, learner):
    client.get(detail_url(course))
    EnrollmentFactory(user=learner, course=course)
    learning_services.save_review(user=learner, course=course, rating=4, text="Tasty")
    response = client.get(detail_url(course))
    assert response[HIT_HEADER] == "miss"
    assert "Tasty" in response.text


def test_a_review_of_one_course_leaves_another_courses_page_cached(client, course, learner):
    other = CourseFactory(title="Untouched Course")
    client.get(detail_url(other))
    EnrollmentFactory(user=learner, course=course)
    learning_services.save_review(user=learner, course=course, rating=5, text="Great")
    assert client.get(detail_url(other))[HIT_HEADER] == "hit"


def test_enrolments_do_not_empty_the_cache(client, course):
    client.get(detail_url(course))
    EnrollmentFactory(course=course)
    assert client.get(detail_url(course))[HIT_HEADER] == "hit"


def test_unpublishing_through_the_service_is_seen_at_once(client, course):
    client.get(detail_url(course))
    client.get(reverse("courses:list"))
    course_services.unpublish(course)
    assert client.get(detail_url(course)).status_code == 404
    assert "Cached Cooking" not in client.get(reverse("courses:list")).text


def test_publishing_through_the_service_is_seen_at_once(client, course):
    draft = CourseFactory(title="Fresh Draft", status=Course.Status.DRAFT, published_at=None)
    LessonFactory(section__course=draft)
    Course.objects.filter(pk=draft.pk).update(description="Ready.", cover_image="covers/x.webp")
    client.get(reverse("courses:list"))
    assert client.get(detail_url(draft)).status_code == 404
    course_services.publish(Course.objects.get(pk=draft.pk))
    assert client.get(detail_url(draft)).status_code == 200
    assert "Fresh Draft" in client.get(reverse("courses:list")).text


def test_the_studios_bulk_unpublish_action_is_seen_at_once(client, course, admin_user):
    client.get(detail_url(course))
    request = RequestFactory().post("/admin/courses/course/")
    request.user = admin_user
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    model_admin = site._registry[Course]
    model_admin.unpublish_courses(request, Course.objects.filter(pk=course.pk))
    assert client.get(detail_url(course)).status_code == 404


def test_a_bulk_update_is_seen_after_an_explicit_invalidation(client, course):
    client.get(detail_url(course))
    Course.objects.filter(pk=course.pk).update(title="Bulk Title")
    invalidate(CATALOG)
    assert "Bulk Title" in client.get(detail_url(course)).text


def test_a_rolled_back_write_invalidates_nothing(client, course):
    client.get(detail_url(course))
    with pytest.raises(RuntimeError), transaction.atomic():
        invalidate(CATALOG)
        raise RuntimeError("the write failed")
    assert client.get(detail_url(course))[HIT_HEADER] == "hit"


def test_a_reviewer_renaming_themselves_shows_on_the_course_page(client, course):
    review = ReviewFactory(course=course, user=UserFactory(name="Old Name"))
    client.get(detail_url(course))
    review.user.name = "New Name"
    review.user.save()
    page = client.get(detail_url(course)).text
    assert "New Name" in page
    assert "Old Name" not in page


def test_a_login_does_not_invalidate(client, course, instructor):
    client.get(detail_url(course))
    instructor.save(update_fields=["last_login"])
    assert client.get(detail_url(course))[HIT_HEADER] == "hit"


def test_signed_in_pages_are_private_and_never_cached(course, learner):
    signed_in = Client()
    signed_in.force_login(learner)
    first = signed_in.get(detail_url(course))
    second = signed_in.get(detail_url(course))
    assert HIT_HEADER not in second
    assert "private" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]


def test_learner_a_page_never_shows_to_learner_b(course):
    alice = UserFactory(name="Alice Anderson")
    bob = UserFactory(name="Bob Brown")
    client_a, client_b = Client(), Client()
    client_a.force_login(alice)
    client_b.force_login(bob)
    assert "Alice Anderson" in client_a.get(reverse("courses:list")).text
    page_b = client_b.get(reverse("courses:list")).text
    assert "Bob Brown" in page_b
    assert "Alice Anderson" not in page_b


def test_anonymous_never_gets_a_signed_in_page(client, course, learner):
    signed_in = Client()
    signed_in.force_login(learner)
    signed_in.get(reverse("courses:list"))
    anonymous = client.get(reverse("courses:list")).text
    assert learner.display_name not in anonymous
    assert "Log in" in anonymous


def test_a_signed_in_user_never_gets_the_anonymous_entry(client, course, learner):
    client.get(reverse("courses:list"))
    signed_in = Client()
    signed_in.force_login(learner)
    response = signed_in.get(reverse("courses:list"))
    assert HIT_HEADER not in response
    assert learner.display_name in response.text


def test_errors_are_not_cached(client):
    client.get(reverse("courses:detail", kwargs={"slug": "nope"}))
    response = client.get(reverse("courses:detail", kwargs={"slug": "nope"}))
    assert response.status_code == 404
    assert HIT_HEADER not in response


def test_post_is_never_cached(client, course):
    client.get(detail_url(course))
    response = client.post(detail_url(course))
    assert HIT_HEADER not in response


def test_other_pages_are_not_cached(client):
    client.get(reverse("account_login"))
    assert HIT_HEADER not in client.get(reverse("account_login"))


def test_zero_seconds_turns_the_cache_off(client, course, settings):
    settings.CACHE_PAGE_SECONDS = 0
    client.get(detail_url(course))
    assert HIT_HEADER not in client.get(detail_url(course))


class BrokenCache:
    def __getattr__(self, name):
        def broken(*args, **kwargs):
            raise ConnectionError("cache down")

        return broken


def test_a_cache_outage_still_renders_the_page(client, course, monkeypatch):
    monkeypatch.setattr(page_cache, "store", BrokenCache)
    response = client.get(detail_url(course))
    assert response.status_code == 200
    assert "Cached Cooking" in response.text


def test_a_change_made_while_the_cache_is_down_shows_when_it_is_back(client, course, monkeypatch):
    client.get(detail_url(course))  # kept before the outage
    with monkeypatch.context() as outage:
        outage.setattr(page_cache, "store", BrokenCache)
        course.title = "Renamed During Outage"
        course.save()
    # The cache is back with what it kept: the version (in the database) moved on regardless.
    response = client.get(detail_url(course))
    assert "Renamed During Outage" in response.text
    assert "Cached Cooking" not in response.text


def test_make_runs_caches_are_shared_by_workers_and_bounded():
    # Without Redis: rate limits in a table every worker shares, pages in a bounded local cache.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "c = settings.CACHES\n"
        "print(c['default']['BACKEND'], c['pages']['OPTIONS']['MAX_ENTRIES'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    backend, entries = result.stdout.split()
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert 0 < int(entries) <= 10_000
