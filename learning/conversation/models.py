"""The course conversation: questions on lessons, their answers, and instructors' announcements.

Loaded through learning.models (these models belong to the learning app). Writes go through
learning.conversation.services, which keep the counters of a question right.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson

TITLE_MAX = 160
BODY_MAX = 5000
ANNOUNCEMENT_MAX = 10000
AUTHOR_FIELDS = ("author__id", "author__name", "author__username", "author__email")


class QuestionQuerySet(models.QuerySet):
    def visible_to_learners(self):
        return self.filter(is_hidden=False)

    def needing_an_answer(self):
        """Open questions that no instructor answered and no answer was accepted for."""
        return self.filter(is_answered=False, is_closed=False, is_hidden=False)

    def for_list(self):
        """What a row of a list shows, in one query (the author, the lesson)."""
        return self.select_related("author", "lesson").only(
            "id", "course_id", "title", "created", "last_activity_at", "answer_count",
            "is_answered", "is_pinned", "is_closed", "is_hidden", "lesson__id", "lesson__slug",
            "lesson__title", *AUTHOR_FIELDS, "author__avatar",
        )  # fmt: skip

    def in_list_order(self):
        return self.order_by("-is_pinned", "-last_activity_at", "-id")


class Question(models.Model):
    """A learner's (or instructor's) question about a lesson: the head of a thread."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("question"), max_length=BODY_MAX, blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    # Kept by the services: visible answers, and whether an instructor answered (or the asker
    # accepted an answer).
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    is_answered = models.BooleanField(_("answered"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-is_pinned", "-last_activity_at", "-id"]
        indexes = [
            models.Index(
                fields=["course", "-is_pinned", "-last_activity_at"], name="question_course_list"
            ),
            models.Index(
                fields=["lesson", "-is_pinned", "-last_activity_at"], name="question_lesson_list"
            ),
            models.Index(fields=["course", "is_answered", "created"], name="question_unanswered"),
            models.Index(fields=["author", "-created"], name="question_author_recent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:question", kwargs={"slug": self.course.slug, "pk": self.pk})


class UnansweredQuestion(Question):
    """The studio's "Needs an answer" list (a proxy: its own admin page and permissions)."""

    class Meta:
        proxy = True
        verbose_name = _("question that needs an answer")
        verbose_name_plural = _("needs an answer")


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    body = models.TextField(_("answer"), max_length=BODY_MAX)
    created = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Whether the author was on the course team when answering (its instructors, or site
    # superusers): the "Course team" badge, and what makes a question answered.
    by_instructor = models.BooleanField(_("by an instructor"), default=False)
    is_accepted = models.BooleanField(_("accepted"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_accepted=True), name="one_accepted_answer"
            ),
        ]
        indexes = [
            models.Index(fields=["question", "created"], name="answer_thread"),
            models.Index(fields=["author", "-created"], name="answer_author_recent"),
        ]

    def __str__(self):
        return f"Answer by {self.author} to “{self.question}”"


class AnnouncementQuerySet(models.QuerySet):
    def for_learner(self, user):
        """Announcements of the courses the user is enrolled in, newest first."""
        return (
            self.filter(course__enrollments__user=user, course__status=Course.Status.PUBLISHED)
            .select_related("course", "author")
            .order_by("-created", "-id")
        )


class Announcement(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="announcements",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(
        _("message"),
        max_length=ANNOUNCEMENT_MAX,
        help_text=_("Markdown: **bold**, _italic_, lists, links. Enrolled learners are emailed."),
    )
    created = models.DateTimeField(_("posted"), auto_now_add=True)
    # When its emails were queued (by the email worker, so posting never waits for them).
    emails_queued_at = models.DateTimeField(_("emails queued"), null=True, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["course", "-created"], name="announcement_course_recent"),
            models.Index(
                fields=["created"],
                condition=Q(emails_queued_at__isnull=True),
                name="announcement_to_email",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:announcements", kwargs={"slug": self.course.slug})
