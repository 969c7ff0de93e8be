"""Writes to the catalog that keep its denormalised counters, its facet counts (facets) and its
cache versions (core.cache) right, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import CATALOG, invalidate

from .facets import keeping_cells
from .models import Course, Lesson, QuizQuestion
from .search import add_title_words


@transaction.atomic
def refresh_curriculum_counters(course: Course) -> None:
    """Recount a course's lessons and total duration (after its curriculum changed)."""
    totals = Lesson.objects.filter(course=course).aggregate(
        lessons=Count("id"), minutes=Coalesce(Sum("duration"), 0)
    )
    with keeping_cells([course.pk]):
        Course.objects.filter(pk=course.pk).update(
            lesson_count=totals["lessons"], total_duration=totals["minutes"], updated=timezone.now()
        )
    invalidate(CATALOG)


def publication_problems(course: Course, *, lesson_count: int | None = None) -> list[str]:
    """What a course still lacks before it can be published (empty when it is ready)."""
    if lesson_count is None:
        lesson_count = Lesson.objects.filter(course=course).count() if course.pk else 0
    problems = []
    if not (course.title or "").strip():
        problems.append(str(_("a title")))
    if not (course.description or "").strip():
        problems.append(str(_("a description")))
    if not course.cover_image:
        problems.append(str(_("a cover image")))
    if lesson_count < 1:
        problems.append(str(_("at least one lesson")))
    return problems


def quiz_problems(course: Course) -> list[str]:
    """What the course's quizzes lack before it can be published: a question in every quiz and
    a correct answer in every question (the studio's forms refuse the latter on every save)."""
    if not course.pk:
        return []
    quizzes = Lesson.objects.filter(course=course, kind=Lesson.Kind.QUIZ)
    empty = quizzes.annotate(n_questions=Count("quiz_questions")).filter(n_questions=0)
    unanswerable = quizzes.filter(
        pk__in=QuizQuestion.objects.annotate(
            n_correct=Count("options", filter=Q(options__is_correct=True))
        )
        .filter(lesson__course=course, n_correct=0)
        .values("lesson_id")
    ).order_by("section__order", "order", "pk")
    problems = [
        str(_("a question in the quiz “%(title)s”") % {"title": title})
        for title in empty.order_by("section__order", "order", "pk").values_list("title", flat=True)
    ]
    problems += [
        str(_("a correct answer to every question of the quiz “%(title)s”") % {"title": title})
        for title in unanswerable.values_list("title", flat=True)
    ]
    return problems


class PublishError(ValidationError):
    pass


def publication_error(course: Course, problems: list[str]) -> PublishError:
    return PublishError(
        _("“%(title)s” cannot be published yet: it needs %(missing)s.")
        % {"title": course.title or _("Untitled course"), "missing": ", ".join(problems)},
        code="incomplete_course",
    )


@transaction.atomic
def publish(course: Course) -> Course:
    """Publish a complete course; published_at is set the first time only.

    Raises PublishError (a ValidationError) naming what is missing.
    """
    problems = publication_problems(course) + quiz_problems(course)
    if problems:
        raise publication_error(course, problems)
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    with keeping_cells([course.pk]):
        Course.objects.filter(pk=course.pk).update(
            status=course.status, published_at=course.published_at, updated=timezone.now()
        )
    add_title_words([course.title])
    invalidate(CATALOG)
    return course


@transaction.atomic
def unpublish(course: Course) -> Course:
    """Move a course back to draft (its first publication date is kept)."""
    course.status = Course.Status.DRAFT
    with keeping_cells([course.pk]):
        Course.objects.filter(pk=course.pk).update(status=course.status, updated=timezone.now())
    invalidate(CATALOG)
    return course
