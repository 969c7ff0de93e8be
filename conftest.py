"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache

from users.tests.factories import PASSWORD, InstructorFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_site(settings, tmp_path):
    """Uploads go to a temporary folder, mail to the outbox, static files need no manifest.

    Shared fragments (facets, results, cards, course page parts) are off, so that a test sees what
    it just wrote and query counts measure the uncached path; learning_platform/tests/
    test_fragments.py, the crawl and the browser tests run with them on.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHE_FRAGMENT_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


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
