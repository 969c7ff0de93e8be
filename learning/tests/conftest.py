import pytest

from learning import services


@pytest.fixture
def course(course_with_lessons):
    return course_with_lessons


@pytest.fixture
def lessons(course):
    """The course's lessons in curriculum order; lessons[0] is the free preview."""
    return list(course.lessons.order_by("section__order", "section_id", "order", "id"))


@pytest.fixture
def enrolled_client(learner_client, learner, course):
    services.enroll(user=learner, course=course)
    return learner_client
