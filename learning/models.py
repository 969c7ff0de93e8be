import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson, ordered_instructors


def _count_of(queryset, group_by):
    """A correlated COUNT(*) subquery (0 when nothing matches)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class EnrollmentQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate lessons done, lessons in the course and lessons added since enrolling."""
        return self.annotate(
            lessons_done=_count_of(
                LessonProgress.objects.filter(user=OuterRef("user"), course=OuterRef("course")),
                "course",
            ),
            lessons_total=_count_of(Lesson.objects.filter(course=OuterRef("course")), "course"),
            lessons_new=_count_of(
                Lesson.objects.filter(course=OuterRef("course"), created__gt=OuterRef("created")),
                "course",
            ),
        )

    def for_dashboard(self, user):
        return (
            self.filter(user=user)
            .select_related("course", "course__category")
            .prefetch_related(Prefetch("course__instructors", queryset=ordered_instructors()))
            .with_progress()
            .order_by("-last_activity_at", "-id")
        )


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    created = models.DateTimeField(_("enrolled"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Lessons added up to this moment were in a "new lessons" digest (null: since enrolling).
    new_lessons_emailed_at = models.DateTimeField(
        _("new lessons emailed up to"), null=True, blank=True
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment"),
        ]
        indexes = [
            models.Index(fields=["user", "-last_activity_at"], name="enrollment_activity"),
            # A course's completions, latest first (median time to complete, insights).
            models.Index(fields=["course", "-completed_at"], name="enrollment_completions"),
        ]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def progress_percent(self):
        """From with_progress() annotations."""
        return percent(self.lessons_done, self.lessons_total)


def percent(done, total):
    """Whole percent, never above 100 (0 for an empty course)."""
    if not total:
        return 0
    return min(100, (100 * done) // total)


class LessonProgress(models.Model):
    """A lesson the learner has completed (the row is removed when marked not done)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    # Copied from the lesson so a course's progress is one indexed count.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lesson_progress")
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="unique_lesson_progress"),
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="progress_user_course"),
            # A course's lesson funnel (insights): counted from the index alone.
            models.Index(fields=["course", "lesson", "user"], name="progress_course_lesson"),
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"


class Review(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=5000)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress when written (%)"), default=0, editable=False
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-updated", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_review"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="review_progress_range"
            ),
        ]
        indexes = [models.Index(fields=["course", "-updated"], name="review_course_recent")]

    def __str__(self):
        return f"{self.rating}★ by {self.user} on {self.course}"


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    # Snapshots, so a certificate keeps saying what it said when issued.
    learner_name = models.CharField(_("learner name"), max_length=120)
    course_title = models.CharField(_("course title"), max_length=200)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_certificate"),
        ]

    def __str__(self):
        return f"{self.course_title} – {self.learner_name}"

    def get_absolute_url(self):
        return reverse("learning:certificate", kwargs={"uuid": self.uuid})


@dataclass(frozen=True)
class QuizResult:
    """A learner's standing on one quiz: the best attempt counts."""

    best: int
    passed: bool
    attempts: int


class QuizAttemptQuerySet(models.QuerySet):
    def results_by_lesson(self) -> dict[int, QuizResult]:
        """{lesson id: QuizResult} over these attempts (one grouped query)."""
        rows = (
            self.order_by()
            .values("lesson_id")
            .annotate(
                best=Max("score"),
                attempts=Count("pk"),
                passes=Count("pk", filter=Q(passed=True)),
            )
        )
        return {
            row["lesson_id"]: QuizResult(row["best"], row["passes"] > 0, row["attempts"])
            for row in rows
        }


class QuizAttempt(models.Model):
    """One submitted quiz: kept whether it passed or not (the best attempt counts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quiz_attempts")
    # Copied from the lesson so a learner's results in a course are one indexed read.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_attempts")
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    # The form's one-time id: submitting the same form twice makes one attempt.
    token = models.UUIDField(_("submission id"), editable=False)
    created = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = QuizAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="unique_quiz_submission"),
            models.CheckConstraint(condition=Q(score__lte=100), name="quiz_attempt_score_range"),
        ]
        indexes = [
            models.Index(fields=["user", "course", "lesson", "-score"], name="quizattempt_best"),
            models.Index(fields=["course", "lesson"], name="quizattempt_course_lesson"),
        ]

    def __str__(self):
        return f"{self.user} scored {self.score}% on {self.lesson}"


class QuizAnswer(models.Model):
    """What one attempt answered to one question."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "courses.QuizQuestion", on_delete=models.CASCADE, related_name="answers"
    )
    # The ids of the options chosen (kept as submitted, even if an option is deleted later).
    chosen = models.JSONField(_("options chosen"), default=list)
    correct = models.BooleanField(_("correct"))

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_quiz_answer"),
        ]
        indexes = [models.Index(fields=["question", "correct"], name="quizanswer_question")]

    def __str__(self):
        return f"{self.attempt}: {self.question}"


class WishlistItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="wishlisted_by")
    created = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_wishlist_item"),
        ]

    def __str__(self):
        return f"{self.user} wishes {self.course}"


# The course conversation lives in its own module; importing it here registers its models.
from .conversation.models import (  # noqa: E402, F401
    Announcement,
    Answer,
    Question,
    UnansweredQuestion,
)
from .insights.models import CourseInsights  # noqa: E402, F401
