"""The read-mostly learner-activity admin: instructors see only their own courses' rows."""

import pytest
from django.urls import reverse

from courses.tests.factories import course_with_lessons
from learning import services
from learning.models import Enrollment, Review
from learning.tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    ReviewFactory,
    WishlistItemFactory,
)
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["enrollment", "review", "certificate", "wishlistitem"]
FACTORIES = {
    "enrollment": EnrollmentFactory,
    "review": ReviewFactory,
    "certificate": CertificateFactory,
    "wishlistitem": WishlistItemFactory,
}


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor], title="My own course")


@pytest.fixture
def foreign_course():
    return course_with_lessons(
        instructors=[InstructorFactory()], title="Course taught by someone else"
    )


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_instructor_lists_only_rows_of_own_courses(
    instructor_client, own_course, foreign_course, model
):
    mine = FACTORIES[model](course=own_course, user=UserFactory(name="Mia Mine"))
    FACTORIES[model](course=foreign_course, user=UserFactory(name="Theo Theirs"))
    response = instructor_client.get(reverse(f"admin:learning_{model}_changelist"))
    assert response.status_code == 200
    assert "Mia Mine" in response.text
    assert "Theo Theirs" not in response.text
    assert foreign_course.title not in response.text
    assert mine.user.email not in response.text  # learners by display name only


@pytest.mark.parametrize("model", MODELS)
def test_instructor_cannot_open_a_foreign_row(instructor_client, foreign_course, model):
    row = FACTORIES[model](course=foreign_course)
    url = reverse(f"admin:learning_{model}_change", args=[row.pk])
    assert instructor_client.get(url).status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_instructor_views_own_rows_read_only(instructor_client, own_course, model):
    row = FACTORIES[model](course=own_course)
    url = reverse(f"admin:learning_{model}_change", args=[row.pk])
    response = instructor_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert instructor_client.post(url, {}).status_code == 403
    assert instructor_client.get(reverse(f"admin:learning_{model}_add")).status_code == 403
    delete = reverse(f"admin:learning_{model}_delete", args=[row.pk])
    assert instructor_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_superuser_sees_every_row(superuser_client, own_course, foreign_course):
    EnrollmentFactory(course=own_course, user=UserFactory(name="Mia Mine"))
    EnrollmentFactory(course=foreign_course, user=UserFactory(name="Theo Theirs"))
    response = superuser_client.get(reverse("admin:learning_enrollment_changelist"))
    assert "Mia Mine" in response.text
    assert "Theo Theirs" in response.text


def test_superuser_deleting_a_review_recounts_the_rating(superuser_client, own_course, learner):
    services.save_review(user=learner, course=own_course, rating=1, text="Meh")
    services.save_review(user=UserFactory(), course=own_course, rating=5, text="Great")
    review = Review.objects.get(user=learner)
    response = superuser_client.post(
        reverse("admin:learning_review_delete", args=[review.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    own_course.refresh_from_db()
    assert own_course.rating_count == 1
    assert own_course.rating_average == 5


def test_superuser_removing_enrolments_recounts(superuser_client, own_course, learner):
    services.enroll(user=learner, course=own_course)
    enrollment = Enrollment.objects.get(user=learner)
    response = superuser_client.post(
        reverse("admin:learning_enrollment_changelist"),
        {"action": "delete_selected", "_selected_action": [enrollment.pk], "post": "yes"},
    )
    assert response.status_code == 302
    own_course.refresh_from_db()
    assert own_course.enrollment_count == 0
    assert not Enrollment.objects.exists()
