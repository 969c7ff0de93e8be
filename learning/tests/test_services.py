from datetime import timedelta
from decimal import Decimal

import pytest

from courses.models import Course
from courses.tests.factories import LessonFactory
from learning import services
from learning.models import Certificate, Enrollment, LessonProgress, Review, WishlistItem
from learning.tests.factories import EnrollmentFactory, WishlistItemFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def count_of(course):
    return Course.objects.get(pk=course.pk).enrollment_count


def lessons_of(course):
    return list(course.lessons.order_by("section__order", "order"))


def test_enroll_creates_one_enrolment_and_counts_it(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    assert Enrollment.objects.filter(user=learner, course=course_with_lessons).count() == 1
    assert count_of(course_with_lessons) == 1


def test_double_enroll_leaves_one_row_and_one_count(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    _, created = services.enroll(user=learner, course=course_with_lessons)
    assert created is False
    assert Enrollment.objects.filter(user=learner, course=course_with_lessons).count() == 1
    assert count_of(course_with_lessons) == 1


def test_enroll_removes_course_from_wishlist(learner, course_with_lessons):
    WishlistItemFactory(user=learner, course=course_with_lessons)
    services.enroll(user=learner, course=course_with_lessons)
    assert not WishlistItem.objects.filter(user=learner).exists()


def test_unenroll_removes_row_and_decrements_count(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    assert services.unenroll(user=learner, course=course_with_lessons) is True
    assert not Enrollment.objects.filter(user=learner).exists()
    assert count_of(course_with_lessons) == 0


def test_unenroll_when_not_enrolled_keeps_count(learner, course_with_lessons):
    services.enroll(user=UserFactory(), course=course_with_lessons)
    assert services.unenroll(user=learner, course=course_with_lessons) is False
    assert count_of(course_with_lessons) == 1


def test_complete_lesson_records_progress_with_timestamp(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    lesson = lessons_of(course_with_lessons)[0]
    result = services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.completed_at is not None
    assert result.percent == 25


def test_complete_toggles_when_done_not_given(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    lesson = lessons_of(course_with_lessons)[0]
    services.set_lesson_complete(user=learner, lesson=lesson)
    result = services.set_lesson_complete(user=learner, lesson=lesson)
    assert result.done is False
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_complete_requires_enrolment(learner, course_with_lessons):
    lesson = lessons_of(course_with_lessons)[0]
    with pytest.raises(Enrollment.DoesNotExist):
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    assert not LessonProgress.objects.exists()


def test_completing_every_lesson_issues_one_certificate(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    results = [
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
        for lesson in lessons_of(course_with_lessons)
    ]
    services.set_lesson_complete(user=learner, lesson=lessons_of(course_with_lessons)[0], done=True)
    assert [r.certificate_issued for r in results] == [False, False, False, True]
    certificate = Certificate.objects.get(user=learner, course=course_with_lessons)
    assert certificate.learner_name == "Lena Learner"
    assert certificate.course_title == course_with_lessons.title


def test_completion_sets_enrolment_completed_at(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    for lesson in lessons_of(course_with_lessons):
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    assert Enrollment.objects.get(user=learner).completed_at is not None


def test_new_lesson_does_not_revoke_certificate(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    for lesson in lessons_of(course_with_lessons):
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    LessonFactory(section=course_with_lessons.sections.first())
    services.set_lesson_complete(
        user=learner, lesson=lessons_of(course_with_lessons)[0], done=False
    )
    assert Certificate.objects.filter(user=learner, course=course_with_lessons).count() == 1


def test_rating_average_after_create(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    services.save_review(user=learner, course=course_with_lessons, rating=4, text="Good")
    other = UserFactory()
    services.save_review(user=other, course=course_with_lessons, rating=5, text="Great")
    course = Course.objects.get(pk=course_with_lessons.pk)
    assert course.rating_average == Decimal("4.50")
    assert course.rating_count == 2


def test_rating_average_after_edit(learner, course_with_lessons):
    services.save_review(user=learner, course=course_with_lessons, rating=2, text="Meh")
    services.save_review(user=learner, course=course_with_lessons, rating=5, text="Better now")
    course = Course.objects.get(pk=course_with_lessons.pk)
    assert Review.objects.get(user=learner).text == "Better now"
    assert (course.rating_average, course.rating_count) == (Decimal("5.00"), 1)


def test_rating_average_after_delete(learner, course_with_lessons):
    services.save_review(user=learner, course=course_with_lessons, rating=2, text="Meh")
    services.save_review(user=UserFactory(), course=course_with_lessons, rating=4, text="Ok")
    services.delete_review(user=learner, course=course_with_lessons)
    course = Course.objects.get(pk=course_with_lessons.pk)
    assert (course.rating_average, course.rating_count) == (Decimal("4.00"), 1)


def test_rating_resets_when_last_review_deleted(learner, course_with_lessons):
    services.save_review(user=learner, course=course_with_lessons, rating=3, text="Fine")
    services.delete_review(user=learner, course=course_with_lessons)
    course = Course.objects.get(pk=course_with_lessons.pk)
    assert (course.rating_average, course.rating_count) == (Decimal("0"), 0)


def test_review_stores_progress_when_written(learner, course_with_lessons):
    services.enroll(user=learner, course=course_with_lessons)
    services.set_lesson_complete(user=learner, lesson=lessons_of(course_with_lessons)[0], done=True)
    review, _ = services.save_review(user=learner, course=course_with_lessons, rating=4, text="x")
    assert review.progress_percent == 25


def test_toggle_wishlist_adds_then_removes(learner, course_with_lessons):
    assert services.toggle_wishlist(user=learner, course=course_with_lessons) is True
    assert services.toggle_wishlist(user=learner, course=course_with_lessons) is False
    assert not WishlistItem.objects.exists()


def _completed_enrolment(course, days):
    enrollment = EnrollmentFactory(course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_at=enrollment.created + timedelta(days=days)
    )


def test_median_days_needs_five_completions(course_with_lessons):
    for days in (1, 2, 3, 4):
        _completed_enrolment(course_with_lessons, days)
    assert services.median_days_to_complete(course_with_lessons) is None


def test_median_days_to_complete(course_with_lessons):
    for days in (1, 2, 3, 10, 30):
        _completed_enrolment(course_with_lessons, days)
    EnrollmentFactory(course=course_with_lessons)  # not finished: not counted
    assert services.median_days_to_complete(course_with_lessons) == pytest.approx(3)


def test_progress_percent_of_empty_course_is_zero(learner):
    from courses.tests.factories import CourseFactory

    assert services.progress_percent(user=learner, course=CourseFactory()) == 0


def test_median_is_recomputed_after_a_new_completion(
    course_with_lessons, learner, django_capture_on_commit_callbacks
):
    for days in (1, 2, 3, 4):
        _completed_enrolment(course_with_lessons, days)
    assert services.median_days_to_complete(course_with_lessons) is None  # cached as "too few"
    services.enroll(user=learner, course=course_with_lessons)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons_of(course_with_lessons):
            services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    assert services.median_days_to_complete(course_with_lessons) == pytest.approx(2)
