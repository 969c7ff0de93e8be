"""The course of the insights row: one course with many learners, beside the seeded catalog.

    DATABASE_URL=sqlite:///bench/work/sqlite-10000-2026.sqlite3 python bench/insights.py --learners 10000

Adds (once: a course already seeded with the same number of learners is kept) a draft course
of 20 lessons, two of them quizzes of 5 questions, taught by insights-instructor@synthetic.example,
with N synthetic learners who enrolled over 18 months, went some way down the curriculum (a
funnel with a steep step after the first quiz), took the quizzes, finished or not, and reviewed
it. Users go in with bulk_create, the dated rows with executemany (seed_catalog's insert_rows:
auto_now_add would overwrite their dates). The course is a draft so that the catalog rows of the
bench (busiest course, long tail) stay as they were; the insights page reads it all the same.
Every account is @synthetic.example, so `seed_catalog` replaces it with the rest.
"""

import argparse
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-insights"
INSTRUCTOR_EMAIL = "insights-instructor@synthetic.example"
LEARNER_PREFIX = "insights-learner"
LESSONS, QUIZZES, QUESTIONS = 20, (4, 14), 5
BATCH = 5000


def find():
    """(course, instructor) of the insights row, or None when it is not seeded."""
    from courses.models import Course
    from users.models import User

    course = Course.objects.filter(slug=SLUG).first()
    instructor = User.objects.filter(email=INSTRUCTOR_EMAIL).first()
    return (course, instructor) if course and instructor else None


def path(course) -> str:
    from django.urls import reverse

    return reverse("admin:learning_courseinsights_detail", args=[course.pk])


def ensure(learners: int, seed: int = 2026, log=print):
    """The insights course with `learners` learners, seeded now if it is missing or different."""
    from learning.models import Enrollment

    found = find()
    if found and Enrollment.objects.filter(course=found[0]).count() == learners:
        return found
    started = time.monotonic()
    _seed(learners, random.Random(seed))
    log(f"seeded the insights course ({learners:,} learners) in {time.monotonic() - started:.0f} s")
    return find()


def _delete_previous():
    from allauth.account.models import EmailAddress

    from courses.models import Course, CourseInstructor, Lesson, QuizOption, QuizQuestion, Section
    from learning.models import (
        Certificate,
        Enrollment,
        LessonProgress,
        QuizAnswer,
        QuizAttempt,
        Review,
    )
    from users.models import User

    def wipe(queryset):
        queryset._raw_delete(queryset.db)

    for course in Course.objects.filter(slug=SLUG):
        wipe(QuizAnswer.objects.filter(attempt__course=course))
        for model in (QuizAttempt, LessonProgress, Review, Certificate, Enrollment):
            wipe(model.objects.filter(course=course))
        wipe(QuizOption.objects.filter(question__lesson__course=course))
        wipe(QuizQuestion.objects.filter(lesson__course=course))
        for model in (Lesson, Section, CourseInstructor):
            wipe(model.objects.filter(course=course))
        course.delete()  # through the ORM: its signals drop it from the search index
    learners = User.objects.filter(email__startswith=LEARNER_PREFIX)
    EmailAddress.objects.filter(user__in=learners).delete()
    wipe(learners)


def _seed(n_learners, rng):
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from courses.models import (
        Category,
        Course,
        CourseInstructor,
        Lesson,
        QuizOption,
        QuizQuestion,
        Section,
    )
    from learning.management.commands.seed_catalog import SYNTHETIC_PASSWORD
    from learning.management.commands.seed_catalog import Command as Seeder
    from learning.models import Enrollment, LessonProgress, QuizAnswer, QuizAttempt, Review
    from users.models import INSTRUCTORS_GROUP, User

    seeder = Seeder()
    seeder.batch, seeder.progress = BATCH, lambda *args: None
    now = timezone.now()
    with transaction.atomic():
        _delete_previous()
        instructor, _ = User.objects.get_or_create(
            email=INSTRUCTOR_EMAIL,
            defaults={"username": "syn-insights-instructor", "name": "Iris Insight",
                      "is_staff": True, "password": make_password(SYNTHETIC_PASSWORD)},
        )  # fmt: skip
        instructor.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
        course = Course.objects.create(
            title="Insights at scale",
            slug=SLUG,
            subtitle="A course with many learners, for the insights benchmark",
            description="Benchmark data.",
            category=Category.objects.order_by("pk").first()
            or Category.objects.create(name="Benchmarks", slug="benchmarks"),
            status=Course.Status.DRAFT,
        )
        CourseInstructor.objects.create(course=course, user=instructor, order=0)
        lessons = []
        for s in range(LESSONS // 5):
            section = Section.objects.create(course=course, title=f"Part {s + 1}", order=s)
            for o in range(5):
                number = len(lessons)
                quiz = number in QUIZZES
                lessons.append(
                    Lesson.objects.create(
                        section=section,
                        title=f"{'Quiz' if quiz else 'Lesson'} {number + 1}",
                        slug=f"lesson-{number + 1}",
                        order=o,
                        kind=Lesson.Kind.QUIZ if quiz else Lesson.Kind.TEXT,
                        duration=10,
                    )
                )
        questions = {}  # quiz lesson id → [(question id, chance of a right answer)]
        for index in QUIZZES:
            lesson = lessons[index]
            questions[lesson.pk] = []
            for q in range(QUESTIONS):
                question = QuizQuestion.objects.create(
                    lesson=lesson, text=f"Question {q + 1} of {lesson.title}", order=q
                )
                QuizOption.objects.bulk_create(
                    QuizOption(question=question, text=f"Option {o}", is_correct=o == 0, order=o)
                    for o in range(3)
                )
                questions[lesson.pk].append((question.pk, 0.35 + 0.12 * q))

        password = make_password(SYNTHETIC_PASSWORD)
        users = User.objects.bulk_create(
            (
                User(
                    email=f"{LEARNER_PREFIX}{i}@synthetic.example",
                    username=f"syn-{LEARNER_PREFIX}-{i}",
                    name=f"Learner {i}",
                    password=password,
                )
                for i in range(n_learners)
            ),
            batch_size=BATCH,
        )
        if not users or users[0].pk is None:  # backends that return no ids
            users = list(User.objects.filter(email__startswith=LEARNER_PREFIX).order_by("pk"))

        adapt = connection.ops.adapt_datetimefield_value
        token = QuizAttempt._meta.get_field("token")
        nothing_chosen = QuizAnswer._meta.get_field("chosen").get_db_prep_save([], connection)
        enrollments, progress, reviews, attempts, answers = [], [], [], [], []
        attempt_id = seeder.next_id(QuizAttempt)
        ratings = []
        for user in users:
            enrolled = now - timedelta(days=540 * rng.random() ** 0.7, minutes=rng.randrange(1440))
            # How far down the curriculum: a fifth finish, many stop after the first quiz.
            done = LESSONS if rng.random() < 0.2 else rng.choice(
                [0, 1, 2, 3, 4, 5, 5, 5, 5, 6, 8, 10, 12, 14, 15, 17, 19]
            )  # fmt: skip
            finished = enrolled + timedelta(days=rng.uniform(3, 60)) if done == LESSONS else None
            enrollments.append((user.pk, course.pk, adapt(enrolled), adapt(finished)))
            for lesson in lessons[:done]:
                progress.append((user.pk, lesson.pk, course.pk))
            for index in QUIZZES:
                if done < index:
                    continue
                lesson = lessons[index]
                for _try in range(rng.choice([1, 1, 1, 2, 2, 3])):
                    right = [(pk, rng.random() < chance) for pk, chance in questions[lesson.pk]]
                    score = 100 * sum(ok for _pk, ok in right) // len(right)
                    when = adapt(enrolled + timedelta(days=rng.uniform(0, 20)))
                    attempts.append((attempt_id, user.pk, lesson.pk, course.pk, score,
                                     score >= lesson.pass_mark,
                                     token.get_db_prep_save(uuid.uuid4(), connection), when))  # fmt: skip
                    answers += [(attempt_id, pk, nothing_chosen, ok) for pk, ok in right]
                    attempt_id += 1
            if rng.random() < 0.25:
                rating = rng.choices([5, 4, 3, 2, 1], [5, 4, 2, 1, 1])[0]
                ratings.append(rating)
                written = adapt(enrolled + timedelta(days=rng.uniform(1, 90)))
                reviews.append((user.pk, course.pk, rating, "Benchmark review.",
                                100 * done // LESSONS, written, written))  # fmt: skip
        seeder.insert_rows(Enrollment, ["user", "course", "created", "completed_at"],
                           enrollments, "enrolments")  # fmt: skip
        seeder.insert_rows(LessonProgress, ["user", "lesson", "course"], progress, "progress")
        seeder.insert_rows(QuizAttempt, ["id", "user", "lesson", "course", "score", "passed",
                                         "token", "created"], attempts, "attempts")  # fmt: skip
        seeder.insert_rows(QuizAnswer, ["attempt", "question", "chosen", "correct"], answers,
                           "answers")  # fmt: skip
        seeder.insert_rows(Review, ["user", "course", "rating", "text", "progress_percent",
                                    "created", "updated"], reviews, "reviews")  # fmt: skip
        with connection.cursor() as cursor:
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(no_style(), [QuizAttempt]):
                cursor.execute(sql)
        average = Decimal(sum(ratings)) / len(ratings) if ratings else Decimal(0)
        Course.objects.filter(pk=course.pk).update(
            lesson_count=LESSONS,
            total_duration=10 * LESSONS,
            enrollment_count=n_learners,
            rating_count=len(ratings),
            rating_average=average.quantize(Decimal("0.01"), ROUND_HALF_UP),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings")
    import django

    django.setup()
    ensure(args.learners, args.seed, log=lambda message: print(message, file=sys.stderr))


if __name__ == "__main__":
    main()
