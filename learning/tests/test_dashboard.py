from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Lesson
from courses.tests.factories import CourseFactory, LessonFactory, course_with_lessons
from learning import services
from learning.models import Enrollment
from learning.tests.factories import WishlistItemFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("learning:dashboard")


def test_dashboard_needs_login(client):
    response = client.get(DASHBOARD)
    assert response.url.startswith(reverse("account_login"))


def test_empty_dashboard_points_to_catalog(learner_client):
    response = learner_client.get(DASHBOARD)
    assert "enrolled in a course yet." in response.text
    assert f'href="{reverse("courses:list")}"' in response.text


def test_dashboard_lists_enrolled_course_with_progress(enrolled_client, learner, lessons):
    services.set_lesson_complete(user=learner, lesson=lessons[0], done=True)
    response = enrolled_client.get(DASHBOARD)
    assert lessons[0].course.title in response.text
    assert "25% complete" in response.text
    assert 'value="25"' in response.text


def test_dashboard_continue_link_resumes_course(enrolled_client, course):
    response = enrolled_client.get(DASHBOARD)
    assert reverse("learning:resume", kwargs={"slug": course.slug}) in response.text


def test_dashboard_counts_lessons_added_since_enrolment(enrolled_client, learner, course):
    Enrollment.objects.filter(user=learner).update(created=timezone.now() - timedelta(days=3))
    Lesson.objects.filter(course=course).update(created=timezone.now() - timedelta(days=5))
    LessonFactory.create_batch(2, section=course.sections.first())
    response = enrolled_client.get(DASHBOARD)
    assert "2 new lessons" in response.text


def test_dashboard_links_certificate(enrolled_client, learner, lessons):
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    certificate = learner.certificates.get()
    response = enrolled_client.get(DASHBOARD)
    assert certificate.get_absolute_url() in response.text


def test_a_finished_course_shows_as_completed_not_continue(enrolled_client, learner, lessons):
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.get(DASHBOARD)
    assert "Completed</span>" in response.text
    assert "Revisit" in response.text
    assert "Continue" not in response.text


def test_a_course_in_progress_offers_continue(enrolled_client, learner, lessons):
    services.set_lesson_complete(user=learner, lesson=lessons[0], done=True)
    response = enrolled_client.get(DASHBOARD)
    assert "Continue" in response.text
    assert "Completed</span>" not in response.text


def test_dashboard_shows_each_course_cover(enrolled_client, course):
    course.cover_image = "covers/python.jpg"
    course.save()
    response = enrolled_client.get(DASHBOARD)
    assert 'src="/media/covers/python.w240.webp"' in response.text


def test_activity_a_moment_ago_reads_just_now(enrolled_client):
    response = enrolled_client.get(DASHBOARD)
    assert "Last activity <time" in response.text
    assert ">just now</time>" in response.text
    assert "0 minutes ago" not in response.text


def test_older_activity_reads_in_one_unit(enrolled_client, learner):
    Enrollment.objects.filter(user=learner).update(
        last_activity_at=timezone.now() - timedelta(days=2, hours=5)
    )
    response = enrolled_client.get(DASHBOARD)
    assert ">2\xa0days ago</time>" in response.text


def test_dashboard_lists_wishlist(learner_client, learner):
    wished = CourseFactory(title="Wished-for course")
    WishlistItemFactory(user=learner, course=wished)
    response = learner_client.get(DASHBOARD)
    assert "Wished-for course" in response.text


def test_dashboard_hides_wishlisted_drafts(learner_client, learner):
    WishlistItemFactory(
        user=learner, course=CourseFactory(title="Secret draft", status=Course.Status.DRAFT)
    )
    assert "Secret draft" not in learner_client.get(DASHBOARD).text


def test_dashboard_shows_only_own_enrolments(learner_client, course):
    from users.tests.factories import UserFactory

    services.enroll(user=UserFactory(), course=course)
    assert course.title not in learner_client.get(DASHBOARD).text


def _enrol_in_new_courses(learner, n):
    for _ in range(n):
        course = course_with_lessons()
        services.enroll(user=learner, course=course)
        services.set_lesson_complete(user=learner, lesson=course.lessons.first(), done=True)
        WishlistItemFactory(user=learner, course=CourseFactory())


def _dashboard_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(captured)


def test_dashboard_query_count_does_not_grow(
    learner_client, learner, django_assert_max_num_queries
):
    _enrol_in_new_courses(learner, 2)
    few = _dashboard_queries(learner_client, django_assert_max_num_queries, 20)
    _enrol_in_new_courses(learner, 8)
    many = _dashboard_queries(learner_client, django_assert_max_num_queries, 20)
    assert many == few


def test_dashboard_marks_unpublished_course_unavailable(enrolled_client, course):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    response = enrolled_client.get(DASHBOARD)
    assert "Currently unavailable" in response.text
    assert reverse("learning:resume", kwargs={"slug": course.slug}) not in response.text
