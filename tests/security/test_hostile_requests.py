"""Malformed requests: fuzzed catalog parameters, NUL bytes, invalid UTF-8, over-long fields.
Every one ends in a page, a form error, a 400 or a 404 — never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.tests.factories import CategoryFactory, CourseFactory

pytestmark = pytest.mark.django_db

CATALOG_PARAMS = [
    "q",
    "category",
    "level",
    "language",
    "duration",
    "rating",
    "sort",
    "page",
    "per_page",
]
NASTY_VALUES = [
    "", " ", "\x00", "%00", "a\x00b", "'", '"', "\\", "' OR 1=1 --", "\" OR \"\"=\"", "*", "%", "_",
    "NEAR(a b)", "a OR", "OR", "AND", "NOT", '"unbalanced', "(", ")", "{}", "[]", "-1", "0",
    "1e309", "99999999999999999999999999", "NaN", "inf", "-inf", "1.5", "0x10", "٣", "½", "∞",
    "😀" * 50, "x" * 5000, "<script>alert(1)</script>", "../../etc/passwd", "\ud800".encode(
        "utf-8", "surrogatepass"
    ).decode("utf-8", "replace"), "\r\nSet-Cookie: x=1", "beginner", "advanced", "en", "popular",
    "relevance", "rating", "title", "newest", "short", "4.5", "3", "24", "12",
]  # fmt: skip


@pytest.fixture
def catalog(settings):
    settings.CACHE_PAGE_SECONDS = 0  # every request reaches the view
    parent = CategoryFactory(slug="programming", name="Programming")
    child = CategoryFactory(slug="python", name="Python", parent=parent)
    CourseFactory(title="Python for beginners", category=child)
    CourseFactory(title="Advanced data", category=parent, level="advanced")
    return parent


def _assert_not_5xx(response, what):
    assert response.status_code < 500, what
    assert response.status_code in {200, 301, 302, 400, 404}, (response.status_code, what)


values = st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=60))
query = st.lists(st.tuples(st.sampled_from([*CATALOG_PARAMS, "x", ""]), values), max_size=8)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=query)
def test_catalog_never_fails_on_fuzzed_parameters(client, catalog, params):
    response = client.get(reverse("courses:list"), params)
    _assert_not_5xx(response, params)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=query)
def test_category_page_never_fails_on_fuzzed_parameters(client, catalog, params):
    response = client.get(reverse("courses:category", args=[catalog.slug]), params)
    _assert_not_5xx(response, params)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=st.text(max_size=200))
def test_search_never_fails_on_any_text(client, catalog, q):
    response = client.get(reverse("courses:list"), {"q": q, "sort": "relevance"})
    _assert_not_5xx(response, q)


@pytest.mark.parametrize("name", CATALOG_PARAMS)
def test_each_catalog_parameter_with_each_nasty_value(client, catalog, name):
    for value in NASTY_VALUES:
        _assert_not_5xx(client.get(reverse("courses:list"), {name: value}), (name, value))


def test_repeated_parameters_in_bulk(client, catalog):
    query = "&".join(f"category=c{i}&level=l{i}&duration=d{i}" for i in range(300))
    _assert_not_5xx(client.get(f"/courses/?{query}"), "bulk")


# --- Raw bytes in paths, queries and bodies ------------------------------------------------------

RAW_PATHS = [
    "/courses/%00/",
    "/courses/%FF%FE/",
    "/courses/%C0%AF/",
    "/courses/?q=%FF%FE%FD",
    "/courses/?q=%00",
    "/courses/?q=%C3%28&level=%80",
    "/courses/?%FF=1",
    "/categories/%00/",
    "/categories/%E2%82/",
    "/instructors/%00/",
    "/instructors/%FF/",
    "/instructors/..%2F..%2Fetc/",
    "/certificates/%00/",
    "/certificates/not-a-uuid/",
    "/courses/x/lessons/%00/",
    "/courses/x/lessons/y/files/99999999999999999999999/",
    "/%00",
    "/%FF",
    "/accounts/login/?next=%00",
    "/accounts/login/?next=%FF",
    "/accounts/confirm-email/%00/",
    "/accounts/password/reset/key/%00-%FF/",
    "/admin/%00/",
    "/static/%00",
    "/media/%00",
    "/courses/" + "a" * 5000 + "/",
]


@pytest.mark.parametrize("path", RAW_PATHS)
def test_raw_bytes_in_paths_are_400_or_404(client, catalog, path):
    response = client.get(path)
    _assert_not_5xx(response, path)


@pytest.mark.parametrize("path", RAW_PATHS[:12])
def test_raw_bytes_in_paths_for_a_signed_in_user(learner_client, catalog, path):
    _assert_not_5xx(learner_client.get(path), path)


@pytest.mark.parametrize(
    "body",
    [
        b"login=%00&password=%00",
        b"login=a%00b%40example.com&password=x",
        b"login=%FF%FE&password=%C0%AF",
        b"login=\xff\xfe&password=\x80",
        b"%FF=1&login=x",
        b"login",
        b"&&&&===",
    ],
)
def test_invalid_bytes_in_the_login_form_are_form_errors(client, body):
    response = client.post(
        reverse("account_login"), body, content_type="application/x-www-form-urlencoded"
    )
    _assert_not_5xx(response, body)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "body",
    [
        b"email=a%00b%40example.com&password1=pass-word-123456&password2=pass-word-123456",
        b"email=%FF%40example.com&password1=%00&password2=%00",
        b"name=%00&email=n%40example.com&password1=x&password2=y",
    ],
)
def test_invalid_bytes_in_the_signup_form_are_form_errors(client, body):
    from users.models import User

    before = User.objects.count()
    response = client.post(
        reverse("account_signup"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert User.objects.count() == before


def test_nul_in_profile_fields_is_a_form_error(instructor_client, instructor):
    response = instructor_client.post(
        reverse("users:profile"),
        {"name": "Lena\x00", "username": instructor.username, "headline": "h\x00", "bio": "b"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    instructor.refresh_from_db()
    assert "\x00" not in instructor.name


def test_a_bad_host_header_is_400(client):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "x\x00y"}).status_code == 400


def test_garbage_cookies_do_not_break_pages(client, catalog):
    client.cookies["sessionid"] = "\x00not-a-session"
    client.cookies["csrftoken"] = "%FF" * 40
    client.cookies["messages"] = "garbage:::"
    _assert_not_5xx(client.get(reverse("courses:list")), "cookies")
    _assert_not_5xx(client.get(reverse("home")), "cookies")


def test_a_huge_multipart_body_is_refused_not_a_500(learner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = learner_client.post(reverse("users:profile"), {"bio": "x" * 50_000})
    assert response.status_code in {200, 400, 413}


def test_too_many_fields_is_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    data = {f"f{i}": "x" for i in range(500)}
    assert client.post(reverse("account_login"), data).status_code == 400


# --- Over-long fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,length",
    [("name", 121), ("username", 41), ("headline", 161), ("bio", 4001), ("name", 100_000)],
)
def test_over_long_profile_fields_are_form_errors(instructor_client, instructor, field, length):
    data = {"name": "Lena", "username": instructor.username, "headline": "", "bio": ""}
    data[field] = "a" * length
    response = instructor_client.post(reverse("users:profile"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    instructor.refresh_from_db()
    assert len(getattr(instructor, field)) < length


@pytest.mark.parametrize(
    "field,value",
    [
        ("email", "a" * 250 + "@example.com"),
        ("email", "x@" + "b" * 300 + ".com"),
        ("name", "n" * 10_000),
        ("password1", "p" * 100_000),
    ],
)
def test_over_long_signup_fields_are_form_errors(client, field, value):
    from users.models import User

    data = {
        "name": "A",
        "email": "long@example.com",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    }
    data[field] = value
    if field == "password1":
        data["password2"] = value
    response = client.post(reverse("account_signup"), data)
    assert response.status_code in {200, 302}
    assert not User.objects.filter(name__startswith="nnnnnnnn").exists()
    if response.status_code == 200:
        assert response.context["form"].errors


def test_over_long_login_is_a_form_error(client):
    response = client.post(
        reverse("account_login"), {"login": "a" * 100_000 + "@x.com", "password": "p" * 100_000}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("cookie", ["\x00abcdefgh", "a" * 200, "ABCDEFGHIJ", "short", "../../x"])
def test_a_malformed_session_cookie_is_ignored_before_the_session_store(rf, cookie):
    from core.middleware import MalformedSessionCookieMiddleware

    seen = {}
    request = rf.get("/")
    request.COOKIES["sessionid"] = cookie
    MalformedSessionCookieMiddleware(lambda r: seen.update(cookies=dict(r.COOKIES)))(request)
    assert "sessionid" not in seen["cookies"]


def test_a_well_formed_session_cookie_is_kept(rf):
    from core.middleware import MalformedSessionCookieMiddleware

    seen = {}
    request = rf.get("/")
    request.COOKIES["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"
    MalformedSessionCookieMiddleware(lambda r: seen.update(cookies=dict(r.COOKIES)))(request)
    assert seen["cookies"]["sessionid"] == "abcdefghijklmnopqrstuvwxyz012345"


def test_a_nul_byte_refused_by_postgresql_is_a_400_not_a_500(rf):
    from django.db import DataError

    from core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    error = DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    assert middleware.process_exception(rf.get("/x"), error).status_code == 400
    assert middleware.process_exception(rf.get("/x"), DataError("value too long")) is None
