"""Writes of learner activity. Each keeps the course's denormalised counters right in the same
transaction as the row it changes, and is safe when two requests race (database constraints,
row locks and F() updates, never read-modify-write in Python)."""

import statistics
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone

from core.cache import course_version, invalidate
from courses.facets import keeping_cells
from courses.models import Course, Lesson

from . import emails
from .models import (
    Certificate,
    Enrollment,
    LessonProgress,
    QuizAnswer,
    QuizAttempt,
    Review,
    WishlistItem,
    percent,
)

# The course page shows the median time to complete once this many learners have finished.
MIN_COMPLETIONS_FOR_MEDIAN = 5
# ... over the latest this many completions: recent enough to be true, bounded work per page.
MEDIAN_SAMPLE = 500


@transaction.atomic
def enroll(*, user, course: Course) -> tuple[Enrollment, bool]:
    """Enrol the user (a repeat is harmless); returns (enrolment, created)."""
    try:
        # get_or_create retries the read when a concurrent insert wins the unique constraint.
        enrollment, created = Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:  # pragma: no cover - only when the retry read cannot see the winner
        return Enrollment.objects.get(user=user, course=course), False
    if created:
        Course.objects.filter(pk=course.pk).update(enrollment_count=F("enrollment_count") + 1)
        # Enrolling fulfils the wish.
        WishlistItem.objects.filter(user=user, course=course).delete()
    return enrollment, created


@transaction.atomic
def unenroll(*, user, course: Course) -> bool:
    """Leave a course. Progress, review and certificate are kept (re-enrolling restores them)."""
    deleted, _ = Enrollment.objects.filter(user=user, course=course).delete()
    if deleted:
        Course.objects.filter(pk=course.pk, enrollment_count__gt=0).update(
            enrollment_count=F("enrollment_count") - 1
        )
    return bool(deleted)


@dataclass
class CompletionResult:
    done: bool
    lessons_done: int
    lessons_total: int
    certificate: Certificate | None
    certificate_issued: bool

    @property
    def percent(self):
        return percent(self.lessons_done, self.lessons_total)


class QuizLessonError(ValueError):
    """A quiz lesson is completed by passing it, never by hand."""


@transaction.atomic
def set_lesson_complete(*, user, lesson: Lesson, done: bool | None = None) -> CompletionResult:
    """Mark a lesson done (or not done; done=None toggles) for an enrolled learner.

    When the last lesson is done and every quiz passed, the enrolment is marked completed and a
    certificate is issued once; marking a lesson not done later (or a new lesson) does not
    revoke it. A quiz lesson is marked done only once the learner has passed it, and never
    undone (QuizLessonError otherwise).
    Raises Enrollment.DoesNotExist when the user is not enrolled.
    """
    course = lesson.course
    # Locking the enrolment serialises one learner's clicks on this course.
    enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
    existing = LessonProgress.objects.filter(user=user, lesson=lesson)
    if done is None:
        done = not existing.exists()
    if lesson.kind == Lesson.Kind.QUIZ and not (
        done and QuizAttempt.objects.filter(user=user, lesson=lesson, passed=True).exists()
    ):
        raise QuizLessonError("A quiz is completed by passing it.")
    if done:
        LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults={"course": course})
    else:
        existing.delete()

    now = timezone.now()
    lessons_done = LessonProgress.objects.filter(user=user, course=course).count()
    lessons_total = Lesson.objects.filter(course=course).count()
    certificate, issued = None, False
    update = {"last_activity_at": now}
    if (
        done
        and lessons_total
        and lessons_done >= lessons_total
        and not quizzes_to_pass(user=user, course=course).exists()
    ):
        certificate, issued = issue_certificate(user=user, course=course)
        if enrollment.completed_at is None:
            update["completed_at"] = now
    Enrollment.objects.filter(pk=enrollment.pk).update(**update)
    return CompletionResult(done, lessons_done, lessons_total, certificate, issued)


def quizzes_to_pass(*, user, course: Course):
    """The course's quiz lessons the user has not passed yet, in curriculum order."""
    passed = QuizAttempt.objects.filter(user=user, course=course, passed=True).values("lesson_id")
    return (
        Lesson.objects.filter(course=course, kind=Lesson.Kind.QUIZ)
        .exclude(pk__in=passed)
        .order_by("section__order", "section_id", "order", "pk")
    )


class QuizSubmissionError(ValueError):
    """The answers cannot be recorded (the form's id was already used for another quiz)."""


@dataclass
class QuizSubmission:
    attempt: QuizAttempt
    created: bool  # False: the same form was submitted before (that attempt is returned)
    completion: CompletionResult | None  # when this attempt passed the quiz


def grade(questions, answers: dict[int, list[int]]) -> list[tuple]:
    """(question, chosen option ids, correct?) for each question: right when exactly the correct
    options were chosen."""
    graded = []
    for question in questions:
        correct = {option.pk for option in question.options.all() if option.is_correct}
        chosen = sorted(set(answers.get(question.pk, ())))
        graded.append((question, chosen, bool(correct) and set(chosen) == correct))
    return graded


@transaction.atomic
def submit_quiz(*, user, lesson: Lesson, answers: dict[int, list[int]], token) -> QuizSubmission:
    """Record one attempt at a quiz lesson (answers: {question id: chosen option ids}).

    The score is the share of questions answered exactly right; at or above the lesson's pass
    mark it passes, which completes the lesson (set_lesson_complete, so the last one issues the
    certificate). Every attempt is kept; submitting the same form (token) again returns the
    attempt it made. Raises Enrollment.DoesNotExist when the user is not enrolled.
    """
    course = lesson.course
    # Locking the enrolment serialises one learner's submissions (a double click).
    enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
    earlier = QuizAttempt.objects.filter(user=user, token=token).first()
    if earlier is not None:
        if earlier.lesson_id != lesson.pk:
            raise QuizSubmissionError("This form was already used for another quiz.")
        return QuizSubmission(earlier, False, None)
    graded = grade(lesson.quiz_questions.prefetch_related("options"), answers)
    score = percent(sum(right for _q, _c, right in graded), len(graded))
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        course=course,
        score=score,
        passed=bool(graded) and score >= lesson.pass_mark,
        token=token,
    )
    QuizAnswer.objects.bulk_create(
        QuizAnswer(attempt=attempt, question=question, chosen=chosen, correct=right)
        for question, chosen, right in graded
    )
    completion = None
    if attempt.passed:
        completion = set_lesson_complete(user=user, lesson=lesson, done=True)
    else:
        Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=timezone.now())
    return QuizSubmission(attempt, True, completion)


def issue_certificate(*, user, course: Course) -> tuple[Certificate, bool]:
    """The user's certificate for the course, created (and emailed) on the first call only."""
    certificate, issued = Certificate.objects.get_or_create(
        user=user,
        course=course,
        defaults={"learner_name": user.display_name[:120], "course_title": course.title[:200]},
    )
    if issued:
        emails.certificate_issued(certificate)
    return certificate, issued


def teaches(user, course: Course) -> bool:
    """Its instructors and superusers run a course: they see its drafts and lessons, answer and
    moderate its questions. The one rule every view, tag and service asks."""
    return user.is_authenticated and (user.is_superuser or course.is_taught_by(user))


def may_review(user, course: Course, *, enrolled: bool | None = None) -> bool:
    """Who may review a course: a learner enrolled in it, not one of its instructors, while it
    is published (`enrolled`: whether they are, when the caller already knows)."""
    if not (user.is_authenticated and course.is_published):
        return False
    if enrolled is None:
        enrolled = Enrollment.objects.filter(user=user, course=course).exists()
    return enrolled and not course.is_taught_by(user)


def progress_percent(*, user, course: Course) -> int:
    done = LessonProgress.objects.filter(user=user, course=course).count()
    total = Lesson.objects.filter(course=course).count()
    return percent(done, total)


def _refresh_rating(course: Course) -> None:
    """Recount the course's rating; its page shows it at once, lists within the cache's TTL."""
    totals = Review.objects.filter(course=course).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    with keeping_cells([course.pk]):
        Course.objects.filter(pk=course.pk).update(
            rating_average=round(totals["average"] or 0, 2), rating_count=totals["count"]
        )
    invalidate(course_version(course.slug))


@transaction.atomic
def save_review(*, user, course: Course, rating: int, text: str) -> tuple[Review, bool]:
    """Create or update the user's review and recount the course's rating."""
    # Lock the course row so concurrent reviews recount one after another.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    review, created = Review.objects.update_or_create(
        user=user,
        course=course,
        defaults={
            "rating": rating,
            "text": text,
            "progress_percent": progress_percent(user=user, course=course),
        },
    )
    _refresh_rating(course)
    return review, created


@transaction.atomic
def delete_review(*, user, course: Course) -> bool:
    Course.objects.select_for_update().filter(pk=course.pk).first()
    deleted, _ = Review.objects.filter(user=user, course=course).delete()
    if deleted:
        _refresh_rating(course)
    return bool(deleted)


@transaction.atomic
def toggle_wishlist(*, user, course: Course) -> bool:
    """Add the course to the wishlist or remove it; returns True when it is now wishlisted."""
    # Lock the learner's row so two clicks toggle one after the other (not both "add").
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    deleted, _ = WishlistItem.objects.filter(user=user, course=course).delete()
    if deleted:
        return False
    WishlistItem.objects.get_or_create(user=user, course=course)
    return True


def median_days_to_complete(course: Course) -> float | None:
    """Median days from enrolment to completion of the latest MEDIAN_SAMPLE learners who
    finished, or None below MIN_COMPLETIONS_FOR_MEDIAN (read through enrollment_completions)."""
    spans = [
        (completed - enrolled).total_seconds() / 86400
        for enrolled, completed in Enrollment.objects.filter(
            course=course, completed_at__isnull=False
        )
        .order_by("-completed_at")
        .values_list("created", "completed_at")[:MEDIAN_SAMPLE]
    ]
    if len(spans) < MIN_COMPLETIONS_FOR_MEDIAN:
        return None
    return statistics.median(spans)
