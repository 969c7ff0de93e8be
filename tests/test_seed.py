"""seed_catalog: a deterministic, consistent synthetic catalog for benchmarks."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.urls import reverse

from courses.models import Course, Lesson, Section
from learning.models import Certificate, Enrollment, LessonProgress, Review, WishlistItem
from users.models import User

pytestmark = pytest.mark.django_db


def seed(**options):
    options = {"courses": 40, "learners": 20, "seed": 7, "no_progress": True} | options
    call_command("seed_catalog", stdout=io.StringIO(), **options)


def snapshot():
    courses = list(
        Course.objects.order_by("slug").values_list(
            "slug", "title", "category__slug", "level", "language", "status", "lesson_count",
            "total_duration", "enrollment_count", "rating_average", "rating_count",
        )
    )  # fmt: skip
    lessons = list(
        Lesson.objects.order_by("course__slug", "slug").values_list("course__slug", "slug")
    )
    activity = list(
        Enrollment.objects.order_by("user__email", "course__slug").values_list(
            "user__email", "course__slug"
        )
    )
    progress = LessonProgress.objects.count()
    reviews = list(Review.objects.order_by("user__email", "course__slug").values_list("rating"))
    return courses, lessons, activity, progress, reviews


def test_seeds_the_requested_shapes():
    seed()
    assert Course.objects.count() == 40
    assert Course.objects.published().count() >= 30
    assert User.objects.filter(is_staff=False).count() == 20
    assert User.objects.instructors().count() >= 3
    for course in Course.objects.annotate(n=Count("sections")):
        assert 2 <= course.n <= 6
        assert course.instructors.exists()
    assert not Section.objects.annotate(n=Count("lessons")).filter(n=0).exists()
    assert Lesson.objects.filter(is_preview=True).count() == 40
    assert set(Lesson.objects.values_list("kind", flat=True)) == {"text", "video", "quiz"}
    assert Enrollment.objects.exists() and LessonProgress.objects.exists()
    assert Review.objects.exists() and WishlistItem.objects.exists()
    assert Course.objects.values("category").distinct().count() >= 10


def test_titles_vary_for_search():
    seed(courses=60)
    titles = list(Course.objects.values_list("title", flat=True))
    words = {word.lower() for title in titles for word in title.split()}
    assert len(set(titles)) >= 50
    assert len(words) >= 60


def test_counters_match_rows():
    seed()
    for course in Course.objects.all():
        lessons = Lesson.objects.filter(course=course)
        assert course.lesson_count == lessons.count()
        assert course.total_duration == lessons.aggregate(s=Sum("duration"))["s"]
        assert course.enrollment_count == Enrollment.objects.filter(course=course).count()
        ratings = list(Review.objects.filter(course=course).values_list("rating", flat=True))
        assert course.rating_count == len(ratings)
        if ratings:
            assert abs(float(course.rating_average) - sum(ratings) / len(ratings)) < 0.006


def test_progress_certificates_and_reviews_are_consistent():
    seed()
    for lesson_progress in LessonProgress.objects.select_related("lesson")[:200]:
        assert lesson_progress.course_id == lesson_progress.lesson.course_id
    for enrollment in Enrollment.objects.select_related("course"):
        done = LessonProgress.objects.filter(user=enrollment.user, course=enrollment.course)
        complete = done.count() == enrollment.course.lesson_count
        assert (enrollment.completed_at is not None) == complete
        has_certificate = Certificate.objects.filter(
            user=enrollment.user, course=enrollment.course
        ).exists()
        assert has_certificate == complete
    for review in Review.objects.select_related("course"):
        done = LessonProgress.objects.filter(user=review.user, course=review.course).count()
        assert review.progress_percent == 100 * done // review.course.lesson_count


def test_is_deterministic_for_a_seed():
    seed(seed=3)
    first = snapshot()
    seed(seed=3)
    assert snapshot() == first


def test_another_seed_gives_another_catalog():
    seed(seed=3)
    first = snapshot()
    seed(seed=4)
    assert snapshot()[0] != first[0]


def test_reseeding_replaces_the_synthetic_catalog():
    seed()
    counts = [m.objects.count() for m in (User, Course, Lesson, Enrollment, EmailAddress)]
    seed()
    assert [m.objects.count() for m in (User, Course, Lesson, Enrollment, EmailAddress)] == counts


def test_users_are_synthetic_and_verified():
    seed()
    assert not User.objects.exclude(email__endswith="@synthetic.example").exists()
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()


def test_refuses_a_database_with_real_data():
    from users.tests.factories import UserFactory

    UserFactory(email="someone@real.example")
    with pytest.raises(CommandError, match="non-synthetic"):
        seed()
    assert Course.objects.count() == 0


def test_force_seeds_beside_real_data_and_keeps_it():
    from courses.tests.factories import CourseFactory

    real = CourseFactory(title="A real course")
    seed(force=True)
    assert Course.objects.count() == 41
    seed(force=True)
    assert Course.objects.count() == 41
    assert Course.objects.filter(pk=real.pk, title="A real course").exists()


def test_shows_progress_on_stderr():
    stderr = io.StringIO()
    call_command("seed_catalog", courses=5, learners=3, stdout=io.StringIO(), stderr=stderr)
    assert "lessons" in stderr.getvalue() and "#" in stderr.getvalue()


def test_learners_option_is_exact():
    seed(courses=10, learners=0)
    assert not User.objects.filter(is_staff=False).exists()
    assert not Enrollment.objects.exists()
    assert Course.objects.count() == 10


def test_rejects_zero_courses():
    with pytest.raises(CommandError):
        seed(courses=0)


def test_seeded_catalog_renders(client):
    seed()
    course = Course.objects.published().filter(enrollment_count__gt=0).first()
    assert client.get(reverse("courses:list")).status_code == 200
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    assert course.title in response.text


def test_seeds_threads_answered_by_instructors():
    from learning.models import Answer, Question

    seed()
    assert Question.objects.count() >= 5
    instructor_answers = Answer.objects.filter(by_instructor=True).select_related(
        "question__course", "author"
    )
    assert instructor_answers.exists()
    for answer in instructor_answers:
        assert answer.question.course.is_taught_by(answer.author)
    for question in Question.objects.all():
        assert question.answer_count == question.answers.count()
        assert question.lesson.course_id == question.course_id


def test_reseeding_replaces_the_threads():
    from learning.models import Question

    seed()
    first = Question.objects.count()
    seed()
    assert Question.objects.count() == first


def test_seeds_quizzes_that_learners_passed_for_their_certificates():
    from courses.models import QuizOption, QuizQuestion
    from courses.services import quiz_problems
    from learning.models import QuizAnswer, QuizAttempt

    seed()
    quizzes = Lesson.objects.filter(kind=Lesson.Kind.QUIZ)
    assert quizzes.count() == 10  # every fourth of 40 courses
    for quiz in quizzes:
        assert quiz.quiz_questions.count() == 3
        assert quiz_problems(quiz.course) == []
    assert QuizOption.objects.count() == 3 * QuizQuestion.objects.count()
    for certificate in Certificate.objects.filter(course__lessons__kind=Lesson.Kind.QUIZ):
        assert QuizAttempt.objects.filter(
            user=certificate.user, course=certificate.course, passed=True
        ).exists()
    for attempt in QuizAttempt.objects.all():
        answers = list(QuizAnswer.objects.filter(attempt=attempt))
        assert len(answers) == 3
        assert attempt.score == 100 * sum(a.correct for a in answers) // 3
        assert attempt.passed == (attempt.score >= attempt.lesson.pass_mark)
        for answer in answers:
            right = set(
                answer.question.options.filter(is_correct=True).values_list("pk", flat=True)
            )
            assert answer.correct == (set(answer.chosen) == right)
    assert QuizAttempt.objects.filter(passed=False).exists()


def test_reseeding_replaces_the_quizzes():
    from courses.models import QuizOption
    from learning.models import QuizAnswer, QuizAttempt

    seed()
    counts = [m.objects.count() for m in (QuizOption, QuizAttempt, QuizAnswer)]
    seed()
    assert [m.objects.count() for m in (QuizOption, QuizAttempt, QuizAnswer)] == counts
