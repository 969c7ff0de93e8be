"""Faults: the database or Redis goes away, the mail server fails, a write breaks midway."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from courses.tests.factories import CourseFactory
from learning_platform.redis_cache import ResilientRedisCache
from tests.security.helpers import BASE_DIR, REDIS_DB, REDIS_HOST, REDIS_PORT, redis_reachable

pytestmark = pytest.mark.django_db


@contextmanager
def database_down():
    """Every query fails the way a lost PostgreSQL connection does."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


# --- Database down ----------------------------------------------------------------------------


def test_healthz_is_503_when_the_database_is_down(client):
    with database_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.parametrize("name", ["home", "courses:list", "learning:dashboard"])
def test_pages_show_a_friendly_503_when_the_database_is_down(client, learner, name):
    client.force_login(learner)
    with database_down():
        response = client.get(reverse(name))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "We'll be right back" in response.text
    assert "Traceback" not in response.text


def test_course_page_is_503_not_500_when_the_database_is_down(client):
    course = CourseFactory()
    with database_down():
        response = client.get(course.get_absolute_url())
    assert response.status_code == 503


def test_a_post_is_503_when_the_database_is_down(client, learner, password):
    with database_down():
        response = client.post(
            reverse("account_login"), {"login": learner.email, "password": password}
        )
    assert response.status_code == 503


def test_data_errors_are_not_disguised_as_503(rf):
    from django.db import IntegrityError

    from learning_platform.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), IntegrityError("bug")) is None


_UNREACHABLE_DATABASE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="learn.example.com", raise_request_exception=False)
pages = {url: client.get(url, secure=True) for url in ["/", "/courses/", "/healthz"]}
print(json.dumps({url: [r.status_code, r.content.decode()[:3000]] for url, r in pages.items()}))
"""


def test_a_real_unreachable_database_gives_503_pages_in_production(tmp_path):
    """A fresh production process whose PostgreSQL server refuses connections."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "DEBUG": "False",
        "SECRET_KEY": "d" * 20 + "-a-production-secret-that-is-long-enough-0123456789",
        "ALLOWED_HOSTS": "learn.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "LOG_LEVEL": "CRITICAL",
        "STATIC_MANIFEST": "False",  # no collectstatic in tests
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", _UNREACHABLE_DATABASE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for url in ["/", "/courses/"]:
        status, body = pages[url]
        assert status == 503, (url, body)
        assert "We'll be right back" in body
    assert pages["/healthz"][0] == 503


# --- Redis down ---------------------------------------------------------------------------------

REDIS_DOWN = {
    "default": {
        "BACKEND": "learning_platform.redis_cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@contextmanager
def redis_down(session_engine="django.contrib.sessions.backends.cached_db"):
    # override_settings (not the settings fixture), so the root conftest's cache.clear() at
    # teardown talks to the normal cache again.
    with override_settings(CACHES=REDIS_DOWN, SESSION_ENGINE=session_engine):
        yield


@pytest.mark.parametrize("name", ["home", "courses:list", "account_login", "account_signup"])
def test_pages_are_served_when_redis_is_down(client, name):
    CourseFactory()
    with redis_down():
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_login_works_when_redis_is_down(client, learner, password):
    with redis_down():
        response = client.post(
            reverse("account_login"), {"login": learner.email, "password": password}
        )
        assert response.status_code == 302
        assert client.get(reverse("learning:dashboard")).status_code == 200


def test_signup_works_when_redis_is_down(client):
    with redis_down():
        response = client.post(
            reverse("account_signup"),
            {
                "email": "during-outage@example.com",
                "password1": "a-long-passphrase-42",
                "password2": "a-long-passphrase-42",
            },
        )
    assert response.status_code == 302


def test_healthz_reports_redis_down(client):
    with redis_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_the_configured_cache_backend_is_the_resilient_one():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/6"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "learning_platform.redis_cache.ResilientRedisCache"


@pytest.fixture
def live_redis_cache():
    if not redis_reachable():
        pytest.fail("Redis is not reachable on 127.0.0.1:6379")
    location = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    return ResilientRedisCache(location, {"KEY_PREFIX": f"fault-{uuid.uuid4().hex}"})


def _break(monkeypatch, cache):
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = cache._cache

    def fail(*args, **kwargs):
        raise RedisConnectionError("Redis went away")

    for name in ("get", "set", "add", "delete", "delete_many", "get_many", "incr"):
        monkeypatch.setattr(client, name, fail)


def test_a_delete_missed_during_an_outage_happens_when_redis_returns(monkeypatch, live_redis_cache):
    """A session deleted at logout during an outage must not come back from Redis afterwards."""
    from learning_platform import redis_cache

    cache = live_redis_cache
    cache.set("session:abc", {"_auth_user_id": "1"})
    with monkeypatch.context() as broken:
        _break(broken, cache)
        assert cache.delete("session:abc") is False
        assert cache.get("session:abc") is None
        assert cache.is_degraded
    monkeypatch.setattr(redis_cache, "RETRY_SECONDS", 0.0)
    cache._down_until = 1e-9  # the retry window has passed
    assert cache.get("anything") is None  # first call after the outage reconnects
    assert cache.get("session:abc") is None
    assert not cache.is_degraded


def test_an_outage_is_not_retried_on_every_call(monkeypatch, live_redis_cache):
    cache = live_redis_cache
    calls = []
    _break(monkeypatch, cache)
    original_get = cache._cache.get

    def counting(*args, **kwargs):
        calls.append(1)
        return original_get(*args, **kwargs)

    monkeypatch.setattr(cache._cache, "get", counting)
    for _ in range(10):
        assert cache.get("k", "default") == "default"
    assert len(calls) == 1


def test_incr_without_redis_behaves_like_a_missing_key(monkeypatch, live_redis_cache):
    _break(monkeypatch, live_redis_cache)
    with pytest.raises(ValueError):
        live_redis_cache.incr("counter")


# --- Mail server down ---------------------------------------------------------------------------


class BrokenMailBackend:
    """An SMTP server that went away."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


BROKEN_MAIL = "tests.reliability.test_faults.BrokenMailBackend"
SIGNUP = {
    "email": "mailless@example.com",
    "password1": "a-long-passphrase-42",
    "password2": "a-long-passphrase-42",
}


def test_signup_with_the_mail_server_down_is_a_clear_message_and_no_account(client, settings):
    from allauth.account.models import EmailAddress

    from users.models import User

    settings.EMAIL_BACKEND = BROKEN_MAIL
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    assert response.status_code == 200
    assert "could not send the email" in response.text
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert not EmailAddress.objects.filter(email=SIGNUP["email"]).exists()
    assert "_auth_user_id" not in client.session


def test_signup_works_once_the_mail_server_is_back(client, settings):
    from django.core import mail

    from users.models import User

    settings.EMAIL_BACKEND = BROKEN_MAIL
    client.post(reverse("account_signup"), SIGNUP)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=SIGNUP["email"]).count() == 1
    assert mail.outbox[-1].to == [SIGNUP["email"]]


def test_password_reset_with_the_mail_server_down_is_a_clear_message(client, settings, learner):
    settings.EMAIL_BACKEND = BROKEN_MAIL
    known = client.post(reverse("account_reset_password"), {"email": learner.email}, follow=True)
    unknown = client.post(
        reverse("account_reset_password"), {"email": "ghost@example.com"}, follow=True
    )
    for response in (known, unknown):
        assert response.status_code == 200
        assert "could not send the email" in response.text


# --- Storage failures (disk full) ---------------------------------------------------------------


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def disk_full(monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def full(self, name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)


def test_disk_full_on_avatar_upload_is_a_form_error_and_nothing_changes(
    learner_client, learner, disk_full, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = learner_client.post(
        reverse("users:profile"),
        {
            "name": "Changed Name",
            "username": learner.username,
            "avatar": SimpleUploadedFile("me.png", _png(), content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "could not store your picture" in response.text
    learner.refresh_from_db()
    assert learner.name == "Lena Learner"
    assert not learner.avatar
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_disk_full_on_attachment_upload_in_the_studio_is_not_a_500(
    instructor_client, course_with_lessons, disk_full, settings
):
    from courses.models import Attachment
    from courses.tests.test_admin_uploads import post_attachment, stored_files, upload

    lesson = course_with_lessons.lessons.filter(is_preview=False).first()
    instructor_client.raise_request_exception = False
    response = post_attachment(instructor_client, lesson, upload("slides.pdf", b"%PDF-1.4 x"))
    assert response.status_code == 507
    assert "Your upload could not be stored" in response.text
    assert not Attachment.objects.filter(lesson=lesson).exists()
    assert stored_files(settings) == []


# --- A write failing midway leaves nothing --------------------------------------------------------


@contextmanager
def fail_on(sql_fragment):
    """The first statement containing sql_fragment fails (disk I/O error, killed connection…)."""
    from django.db import DatabaseError

    def refuse(execute, sql, params, many, context):
        if sql_fragment in sql:
            raise DatabaseError("simulated failure mid-transaction")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.django_db(transaction=True)
def test_enrolment_whose_counter_update_fails_leaves_no_enrolment(course_with_lessons, learner):
    from django.db import DatabaseError

    from courses.models import Course
    from learning import services
    from learning.models import Enrollment

    course = course_with_lessons
    with fail_on('UPDATE "courses_course"'), pytest.raises(DatabaseError):
        services.enroll(user=learner, course=course)
    assert not Enrollment.objects.filter(user=learner).exists()
    assert Course.objects.get(pk=course.pk).enrollment_count == 0


@pytest.mark.django_db(transaction=True)
def test_last_lesson_whose_certificate_fails_is_not_marked_done(course_with_lessons, learner):
    from django.db import DatabaseError

    from learning import services
    from learning.models import Certificate, LessonProgress

    course = course_with_lessons
    services.enroll(user=learner, course=course)
    lessons = list(course.lessons.order_by("id"))
    for lesson in lessons[:-1]:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    with fail_on('INSERT INTO "learning_certificate"'), pytest.raises(DatabaseError):
        services.set_lesson_complete(user=learner, lesson=lessons[-1], done=True)
    assert LessonProgress.objects.filter(user=learner).count() == len(lessons) - 1
    assert not Certificate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_review_whose_rating_recount_fails_leaves_no_review(course_with_lessons, learner):
    from django.db import DatabaseError

    from courses.models import Course
    from learning import services
    from learning.models import Review

    course = course_with_lessons
    services.enroll(user=learner, course=course)
    with fail_on('UPDATE "courses_course"'), pytest.raises(DatabaseError):
        services.save_review(user=learner, course=course, rating=5, text="Great")
    assert not Review.objects.exists()
    assert Course.objects.get(pk=course.pk).rating_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_in_a_request_is_a_500_page_but_leaves_nothing(
    client, course_with_lessons, learner
):
    from learning.models import Enrollment

    client.force_login(learner)
    client.raise_request_exception = False
    with fail_on('UPDATE "courses_course"'):
        response = client.post(reverse("learning:enroll", args=[course_with_lessons.slug]))
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert not Enrollment.objects.exists()
