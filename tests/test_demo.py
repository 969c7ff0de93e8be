"""The demo data: `load_demo` fills an empty database with a believable, consistent site."""

import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses.models import (
    Attachment,
    Category,
    Course,
    CourseInstructor,
    Lesson,
    QuizOption,
    QuizQuestion,
    Section,
)
from courses.services import quiz_problems
from learning.models import (
    Announcement,
    Answer,
    Certificate,
    Enrollment,
    LessonProgress,
    Question,
    QuizAnswer,
    QuizAttempt,
    Review,
    WishlistItem,
)
from users.models import User

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = ["admin@example.com", "instructor@example.com", "learner@example.com"]
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
MODELS = [Category, User, EmailAddress, Course, CourseInstructor, Section, Lesson, Attachment,
          Enrollment, LessonProgress, Review, Certificate, WishlistItem, Question, Answer,
          Announcement, QuizQuestion, QuizOption, QuizAttempt, QuizAnswer]  # fmt: skip


@pytest.fixture
def demo(db, settings):
    # The fixture stores PBKDF2 hashes; the root conftest only enables the fast MD5 hasher.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    call_command("load_demo", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_category_tree(demo):
    top = Category.objects.filter(parent=None)
    assert top.count() >= 4
    assert Category.objects.filter(parent__isnull=False).count() >= top.count()
    assert not Category.objects.filter(parent__parent__isnull=False).exists()


def test_published_courses_spread_over_categories_levels_and_languages(demo):
    published = Course.objects.published()
    assert published.count() >= 12
    assert published.values("category").distinct().count() >= 8
    assert set(published.values_list("level", flat=True)) == set(Course.Level.values)
    assert published.values("language").distinct().count() >= 4
    assert Course.objects.filter(status=Course.Status.DRAFT).count() >= 1


def test_courses_read_like_real_courses(demo):
    for course in Course.objects.all():
        assert course.subtitle and course.description
        assert course.learning_outcomes and course.requirements
        assert "lorem" not in (course.description + course.title).lower()


def test_every_course_has_two_to_six_sections_with_lessons(demo):
    for course in Course.objects.annotate(n=Count("sections")):
        assert 2 <= course.n <= 6, course
    assert not Section.objects.annotate(n=Count("lessons")).filter(n=0).exists()


def test_lessons_of_every_kind_with_previews_and_durations(demo):
    assert set(Lesson.objects.values_list("kind", flat=True)) == set(Lesson.Kind.values)
    assert not Lesson.objects.filter(duration=0).exists()
    for course in Course.objects.published():
        assert course.lessons.filter(is_preview=True).exists(), course


def test_text_lessons_are_markdown(demo):
    text = Lesson.objects.filter(kind=Lesson.Kind.TEXT)
    markup = ("## ", "\n- ", "\n1. ", "```")
    assert all(any(mark in lesson.body for mark in markup) for lesson in text)
    # The lesson page shows the title as its heading; the body does not repeat it.
    assert not any(f"## {lesson.title}" in lesson.body for lesson in text)
    assert text.filter(body__contains="```").exists()


def test_video_lessons_use_allowed_hosts_or_a_stored_file(demo):
    for lesson in Lesson.objects.filter(kind=Lesson.Kind.VIDEO):
        assert lesson.video_embed_url or lesson.video_file.storage.exists(lesson.video_file.name)


def test_every_course_with_videos_has_one_that_plays_offline(demo):
    for course in Course.objects.filter(lessons__kind=Lesson.Kind.VIDEO).distinct():
        assert course.lessons.filter(kind=Lesson.Kind.VIDEO).exclude(video_file="").exists()


def test_file_lessons_have_attachments(demo):
    for lesson in Lesson.objects.filter(kind=Lesson.Kind.FILE):
        assert lesson.attachments.exists(), lesson


def test_lesson_course_matches_its_section(demo):
    for lesson in Lesson.objects.select_related("section"):
        assert lesson.course_id == lesson.section.course_id


def test_instructors_have_bios_avatars_and_one_course_has_two(demo):
    instructors = User.objects.instructors()
    assert instructors.count() >= 3
    for instructor in instructors:
        assert instructor.bio and instructor.headline and instructor.avatar
        assert instructor.courses_taught.exists()
    two = Course.objects.annotate(n=Count("instructors")).filter(n__gte=2)
    assert two.exists()


def test_learners_have_activity(demo):
    learners = User.objects.filter(is_staff=False).annotate(n=Count("enrollments")).filter(n__gt=0)
    assert learners.count() >= 5
    assert Review.objects.values("rating").distinct().count() >= 3
    assert WishlistItem.objects.exists()
    percents = {e.progress_percent for e in Enrollment.objects.with_progress()}
    assert 0 in percents and 100 in percents and len(percents) >= 4


def test_certificates_only_for_completed_courses(demo):
    assert Certificate.objects.exists()
    for certificate in Certificate.objects.select_related("course", "user"):
        done = LessonProgress.objects.filter(user=certificate.user, course=certificate.course)
        assert done.count() == certificate.course.lessons.count()
        assert certificate.course_title == certificate.course.title


def test_progress_belongs_to_enrolments(demo):
    for progress in LessonProgress.objects.select_related("lesson"):
        assert progress.course_id == progress.lesson.course_id
        assert Enrollment.objects.filter(user=progress.user, course=progress.course).exists()


def test_counters_match_rows(demo):
    for course in Course.objects.all():
        lessons = Lesson.objects.filter(course=course)
        assert course.lesson_count == lessons.count(), course
        assert course.total_duration == (lessons.aggregate(s=Sum("duration"))["s"] or 0)
        assert course.enrollment_count == Enrollment.objects.filter(course=course).count()
        ratings = list(Review.objects.filter(course=course).values_list("rating", flat=True))
        assert course.rating_count == len(ratings), course
        expected = Decimal(sum(ratings)) / len(ratings) if ratings else Decimal(0)
        assert course.rating_average == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_review_progress_matches_lessons_done(demo):
    for review in Review.objects.select_related("course"):
        done = LessonProgress.objects.filter(user=review.user, course=review.course).count()
        assert review.progress_percent == 100 * done // review.course.lessons.count()


def test_every_referenced_file_exists(demo):
    public, private = storages["default"], storages["private"]
    names = [c.cover_image.name for c in Course.objects.all()]
    names += [u.avatar.name for u in User.objects.exclude(avatar="")]
    assert len(names) == Course.objects.count() + User.objects.count()
    for name in names:
        assert public.exists(name), name
    for attachment in Attachment.objects.all():
        assert private.exists(attachment.file.name), attachment.file.name
        assert private.size(attachment.file.name) == attachment.size


def test_demo_images_are_small_webp(demo):
    public = storages["default"]
    for course in Course.objects.all():
        assert public.size(course.cover_image.name) < 100_000
        with public.open(course.cover_image.name) as handle, Image.open(handle) as image:
            assert image.format == "WEBP"
            assert image.size[0] <= 1280 and image.size[1] <= 720


def test_attachments_are_not_public_media(demo):
    for attachment in Attachment.objects.all():
        assert not storages["default"].exists(attachment.file.name)


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_demo_accounts_log_in(demo, client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=email).pk


def test_demo_accounts_have_verified_primary_emails(demo):
    for user in User.objects.all():
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()


def test_demo_roles(demo):
    assert User.objects.get(email="admin@example.com").is_superuser
    instructor = User.objects.get(email="instructor@example.com")
    assert instructor.is_instructor and not instructor.is_superuser
    learner = User.objects.get(email="learner@example.com")
    assert not learner.is_staff
    assert learner.enrollments.count() >= 3
    assert learner.lesson_progress.exists()
    assert learner.certificates.exists()
    assert learner.wishlist.exists()


def test_demo_pages_render(demo, client):
    course = Course.objects.published().first()
    assert client.get(reverse("home")).status_code == 200
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    assert course.title in response.text


def test_load_demo_twice_adds_nothing(demo):
    before = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == before


def test_loaddata_twice_adds_nothing(demo):
    before = counts()
    call_command("loaddata", "demo", verbosity=0)
    assert counts() == before


def test_load_demo_skips_a_database_with_courses(db, capsys):
    from courses.tests.factories import CourseFactory

    CourseFactory()
    call_command("load_demo")
    assert "not loaded" in capsys.readouterr().out
    assert Course.objects.count() == 1


def test_fixture_is_up_to_date_with_its_generator():
    import sys

    sys.path.insert(0, str(FIXTURE.parent))
    try:
        import make_demo
    finally:
        sys.path.remove(str(FIXTURE.parent))
    assert make_demo.build() == json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_demo_dates_are_brought_forward_keeping_their_spacing(demo):
    from django.db.models import Max
    from django.utils import timezone

    latest = Enrollment.objects.aggregate(latest=Max("last_activity_at"))["latest"]
    assert timedelta(days=1) <= timezone.now() - latest < timedelta(days=2)
    for enrollment in Enrollment.objects.all():
        assert enrollment.created <= enrollment.last_activity_at
    for certificate in Certificate.objects.select_related("course"):
        assert certificate.course.published_at <= certificate.issued_at <= timezone.now()


def test_loaddata_demo_alone_finds_every_file_it_names(db, settings):
    """The README's `manage.py loaddata demo` (no load_demo): with the default folders every
    public and private file a demo row names is already where its storage looks."""
    settings.MEDIA_ROOT = Path(settings.BASE_DIR) / "media"
    settings.PRIVATE_MEDIA_ROOT = Path(settings.BASE_DIR) / "private_media"
    call_command("loaddata", "demo", verbosity=0)
    checked = 0
    for model in MODELS:
        file_fields = [f for f in model._meta.concrete_fields if hasattr(f, "storage")]
        for row in model.objects.all():
            for field in file_fields:
                name = getattr(row, field.attname).name
                if name:
                    assert field.storage.exists(name), f"{model.__name__}.{field.name}: {name}"
                    checked += 1
    assert checked >= Course.objects.count() + Attachment.objects.count()


def test_demo_has_threads_answered_by_instructors_and_announcements(demo):
    assert Answer.objects.filter(by_instructor=True).count() >= 3
    assert Question.objects.filter(answers__is_accepted=True).exists()
    instructor = User.objects.get(email="instructor@example.com")
    # Something waits in the demo instructor's "Needs an answer".
    assert Question.objects.needing_an_answer().filter(course__instructors=instructor).exists()
    learner = User.objects.get(email="learner@example.com")
    assert Announcement.objects.for_learner(learner).exists()
    for answer in Answer.objects.select_related("question__course"):
        assert answer.by_instructor == answer.question.course.is_taught_by(answer.author)


def test_demo_questions_counters_match_their_answers(demo):
    for question in Question.objects.all():
        answers = question.answers.filter(is_hidden=False)
        assert question.answer_count == answers.count()
        assert (
            question.is_answered
            == answers.filter(Q(by_instructor=True) | Q(is_accepted=True)).exists()
        )
        assert Enrollment.objects.filter(user=question.author, course=question.course).exists()


def test_loading_the_demo_queues_no_email(demo):
    from django.core import mail

    call_command("send_queued_emails", verbosity=0)
    assert mail.outbox == []


def test_the_demo_learner_studied_in_the_last_week(demo):
    latest = Enrollment.objects.filter(user__email="learner@example.com").aggregate(
        oldest=Min("last_activity_at"), newest=Max("last_activity_at")
    )
    assert timezone.now() - latest["newest"] < timedelta(days=2)
    assert timezone.now() - latest["oldest"] < timedelta(days=8)


def test_four_courses_have_a_quiz_of_three_to_five_answerable_questions(demo):
    quizzes = Lesson.objects.filter(kind=Lesson.Kind.QUIZ, course__status=Course.Status.PUBLISHED)
    assert quizzes.values("course").distinct().count() >= 4
    for quiz in quizzes:
        assert 3 <= quiz.quiz_questions.count() <= 5, quiz
    for course in Course.objects.published():
        assert quiz_problems(course) == [], course
    assert QuizQuestion.objects.filter(kind=QuizQuestion.Kind.MULTIPLE).exists()


def test_quiz_attempts_match_their_answers(demo):
    for attempt in QuizAttempt.objects.select_related("lesson"):
        answers = list(attempt.answers.all())
        assert len(answers) == attempt.lesson.quiz_questions.count()
        assert attempt.score == 100 * sum(a.correct for a in answers) // len(answers)
        assert attempt.passed == (attempt.score >= attempt.lesson.pass_mark)
        assert attempt.course_id == attempt.lesson.course_id
        for answer in answers:
            correct = set(
                answer.question.options.filter(is_correct=True).values_list("pk", flat=True)
            )
            assert answer.correct == (set(answer.chosen) == correct)
    assert QuizAnswer.objects.count() > QuizAttempt.objects.count()


def test_completed_quizzes_were_passed_and_certificates_need_every_quiz(demo):
    for progress in LessonProgress.objects.filter(lesson__kind=Lesson.Kind.QUIZ):
        assert QuizAttempt.objects.filter(
            user=progress.user, lesson=progress.lesson, passed=True
        ).exists()
    for certificate in Certificate.objects.all():
        quizzes = Lesson.objects.filter(course=certificate.course, kind=Lesson.Kind.QUIZ)
        for quiz in quizzes:
            assert quiz.quiz_attempts.filter(user=certificate.user, passed=True).exists()


def test_the_demo_learner_failed_then_passed_a_quiz_and_has_one_to_retry(demo):
    learner = User.objects.get(email="learner@example.com")
    attempts = QuizAttempt.objects.filter(user=learner).order_by("created")
    passed = [a for a in attempts if a.passed]
    assert passed and attempts.filter(lesson=passed[0].lesson, passed=False).exists()
    assert attempts.filter(lesson=passed[0].lesson).first().passed is False
    pending = attempts.exclude(lesson__in=[a.lesson for a in passed])
    assert pending.exists() and not pending.filter(passed=True).exists()
