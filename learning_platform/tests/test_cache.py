"""The anonymous page cache: what it serves, to whom, and when it forgets."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory
from learning.tests.factories import EnrollmentFactory, ReviewFactory
from learning_platform.cache import HIT_HEADER, bump_version
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


def test_cached_page_runs_no_sql(client, course, django_assert_num_queries):
    client.get(detail_url(course))
    with django_assert_num_queries(0):
        response = client.get(detail_url(course))
    assert "Cached Cooking" in response.text


def test_the_query_string_is_part_of_the_key(client, course):
    client.get(reverse("courses:list"))
    response = client.get(reverse("courses:list") + "?page=1")
    assert response[HIT_HEADER] == "miss"


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


def test_reviews_invalidate(client, course):
    client.get(detail_url(course))
    ReviewFactory(course=course)
    assert client.get(detail_url(course))[HIT_HEADER] == "miss"


def test_enrolments_do_not_empty_the_cache(client, course):
    client.get(detail_url(course))
    EnrollmentFactory(course=course)
    assert client.get(detail_url(course))[HIT_HEADER] == "hit"


def test_unpublishing_removes_the_course_from_the_cached_catalog(client, course):
    assert client.get(detail_url(course)).status_code == 200
    course.status = Course.Status.DRAFT
    course.published_at = None
    course.save()
    assert client.get(detail_url(course)).status_code == 404


def test_bump_version_after_bulk_update(client, course):
    client.get(detail_url(course))
    Course.objects.filter(pk=course.pk).update(title="Bulk Title")
    bump_version()
    assert "Bulk Title" in client.get(detail_url(course)).text


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


def test_a_cache_outage_still_renders_the_page(client, course, monkeypatch):
    from learning_platform import cache as page_cache

    class BrokenCache:
        def __getattr__(self, name):
            def broken(*args, **kwargs):
                raise ConnectionError("cache down")

            return broken

    monkeypatch.setattr(page_cache, "cache", BrokenCache())  # only the page cache's view of it
    response = client.get(detail_url(course))
    assert response.status_code == 200
    assert "Cached Cooking" in response.text


def test_a_version_file_shares_bumps_between_processes(client, course, tmp_path, monkeypatch):
    # Per-process caches on SQLite keep the version in a file every process stats.
    from learning_platform import cache as page_cache

    monkeypatch.setattr(page_cache, "version_file", lambda: tmp_path / "db.page-cache-version")
    client.get(detail_url(course))
    assert client.get(detail_url(course))[HIT_HEADER] == "hit"
    before = page_cache.current_version()
    Course.objects.filter(pk=course.pk).update(title="Changed elsewhere")
    bump_version()  # what another process's signal does: replace the file
    assert page_cache.current_version() != before
    assert "Changed elsewhere" in client.get(detail_url(course)).text


def test_the_version_file_sits_beside_a_sqlite_file(settings, monkeypatch):
    from learning_platform import cache as page_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(page_cache.connection, "vendor", "sqlite")
    monkeypatch.setitem(page_cache.connection.settings_dict, "NAME", "/srv/site/db.sqlite3")
    assert str(page_cache.version_file()) == "/srv/site/db.sqlite3.page-cache-version"


def test_catalog_cached_computes_once_until_the_catalog_changes(course, settings):
    from learning_platform.cache import catalog_cached

    settings.CACHE_FRAGMENT_SECONDS = 60
    calls = []

    def compute():
        calls.append(1)
        return {"total": len(calls)}

    assert catalog_cached("facets", ("q", "x"), compute) == {"total": 1}
    assert catalog_cached("facets", ("q", "x"), compute) == {"total": 1}
    assert catalog_cached("facets", ("q", "y"), compute) == {"total": 2}
    CourseFactory(title="Another")
    assert catalog_cached("facets", ("q", "x"), compute) == {"total": 3}


def test_a_value_kept_in_process_is_not_fetched_from_the_cache_again(settings, monkeypatch):
    from learning_platform import cache as page_cache

    settings.CACHE_FRAGMENT_SECONDS = 60
    first = page_cache.catalog_cached("tree", (), lambda: ["a"], in_process=True)
    get = page_cache.cache.get

    def only_the_version(key, *args, **kwargs):
        assert key == page_cache.VERSION_KEY, f"{key} fetched from the cache again"
        return get(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "get", only_the_version)
    assert page_cache.catalog_cached("tree", (), lambda: ["b"], in_process=True) is first


def test_a_value_kept_in_process_follows_a_catalog_change(course, settings):
    from learning_platform.cache import catalog_cached

    settings.CACHE_FRAGMENT_SECONDS = 60
    assert catalog_cached("tree", (), lambda: "before", in_process=True) == "before"
    course.title = "Renamed"
    course.save()
    assert catalog_cached("tree", (), lambda: "after", in_process=True) == "after"


def test_an_emptied_cache_never_brings_back_a_value_kept_in_process(settings):
    from learning_platform.cache import catalog_cached

    settings.CACHE_FRAGMENT_SECONDS = 60
    assert catalog_cached("tree", (), lambda: "before", in_process=True) == "before"
    cache.clear()  # a Redis restart: the version starts again
    assert catalog_cached("tree", (), lambda: "after", in_process=True) == "after"


def test_a_cache_that_keeps_nothing_never_serves_a_value_kept_in_process(settings, monkeypatch):
    from learning_platform import cache as page_cache

    settings.CACHE_FRAGMENT_SECONDS = 60
    monkeypatch.setattr(page_cache.cache, "get", lambda key, default=None, **kwargs: default)
    monkeypatch.setattr(page_cache.cache, "add", lambda *args, **kwargs: False)
    assert page_cache.catalog_cached("tree", (), lambda: "before", in_process=True) == "before"
    assert page_cache.catalog_cached("tree", (), lambda: "after", in_process=True) == "after"


def test_a_renamed_category_shows_on_the_catalog_at_once(client, settings):
    settings.CACHE_FRAGMENT_SECONDS = 60
    category = CategoryFactory(name="Baking")
    CourseFactory(category=category)
    assert "Baking" in client.get(reverse("courses:list")).text
    category.name = "Sourdough"
    category.save()
    assert "Sourdough" in client.get(reverse("courses:list")).text


def test_catalog_cached_is_off_when_fragment_caching_is(settings):
    from learning_platform.cache import catalog_cached

    settings.CACHE_FRAGMENT_SECONDS = 0
    calls = []
    catalog_cached("facets", (), lambda: calls.append(1))
    catalog_cached("facets", (), lambda: calls.append(1))
    assert len(calls) == 2


def test_the_language_is_part_of_the_key(client, course, settings):
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    client.get(detail_url(course), headers={"accept-language": "en"})
    response = client.get(detail_url(course), headers={"accept-language": "de"})
    assert response[HIT_HEADER] == "miss"


def test_the_catalog_survives_its_results_expiring_before_its_content(
    client, settings, monkeypatch
):
    """The catalog's content fragment and its page of results live in separate entries; when
    enrolments have reordered "most popular" since the fragment was rendered, a fresh page of
    results holds other courses than the fragment's cards."""
    from courses import views

    settings.CACHE_PAGE_SECONDS = 0
    settings.CACHE_FRAGMENT_SECONDS = 60
    category = CategoryFactory()
    courses = CourseFactory.create_batch(13, category=category, instructors=[])
    url = reverse("courses:list")
    client.get(url)
    # Enrolments bump no version: the course on page 2 becomes the most popular.
    Course.objects.filter(pk=courses[0].pk).update(enrollment_count=1000)
    cached = views.catalog_cached
    monkeypatch.setattr(
        views,
        "catalog_cached",
        lambda name, parts, compute, **options: (
            compute() if name == "results" else cached(name, parts, compute, **options)
        ),
    )

    response = client.get(url)

    assert response.status_code == 200
    assert courses[12].title in response.text
