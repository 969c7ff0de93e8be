"""Faults: the database or Redis goes away, the mail server fails, a write breaks midway."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from courses.tests.factories import CourseFactory
from tests.security.helpers import BASE_DIR

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

    from core.middleware import DatabaseUnavailableMiddleware

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


def _unreachable_redis(prefix):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }


def redis_down_caches():
    from django.conf import settings

    return {**settings.CACHES, "pages": _unreachable_redis("pages")}


@contextmanager
def redis_down():
    # override_settings (not the settings fixture), so the root conftest's cache.clear() at
    # teardown talks to the normal cache again.
    with override_settings(CACHES=redis_down_caches(), CACHE_PAGE_SECONDS=60):
        yield


@pytest.mark.parametrize("name", ["home", "courses:list", "account_login", "account_signup"])
def test_pages_are_served_when_redis_is_down(client, name):
    CourseFactory()
    with redis_down():
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_a_course_page_is_served_when_redis_is_down(client):
    course = CourseFactory(title="Still here")
    with redis_down():
        response = client.get(course.get_absolute_url())
    assert "Still here" in response.text


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


def test_healthz_reports_redis_down_as_degraded_not_unavailable(client):
    # The site keeps serving without its cache: a load balancer must not take the server out.
    with redis_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_the_redis_cache_ignores_an_outage():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "c = settings.CACHES\n"
        "print(c['default']['BACKEND'], c['pages']['BACKEND'],"
        " c['pages']['OPTIONS']['IGNORE_EXCEPTIONS'], settings.SESSION_ENGINE)\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/6"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "django_redis.cache.RedisCache",
        "True",
        "django.contrib.sessions.backends.db",
    ]


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
