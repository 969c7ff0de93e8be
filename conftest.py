"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import caches

from users.tests.factories import PASSWORD, InstructorFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_site(settings, tmp_path):
    """Uploads go to a temporary folder, mail to the outbox, static files need no manifest,
    and every cache starts empty. The caches stay on, as in production (core.cache)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _clear_caches(settings)
    yield
    _clear_caches(settings)


def _clear_caches(settings):
    # A database cache's rows go with the test's transaction (and need no database access here).
    for alias, config in settings.CACHES.items():
        if not config["BACKEND"].endswith("DatabaseCache"):
            caches[alias].clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@test.example", name="Lena Learner")


@pytest.fixture
def instructor(db):
    return InstructorFactory(email="teacher@test.example", name="Ivan Instructor")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def course_with_lessons(db, instructor):
    """A published course by `instructor`: 2 sections × 2 lessons, the first a free preview."""
    from courses.tests.factories import course_with_lessons as make

    return make(instructors=[instructor])
