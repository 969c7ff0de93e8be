"""Writes of the course conversation: who may post, edit, accept and moderate, and the emails
each write queues (learning.emails, sent later by the email worker, never in the request)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course, Lesson

from .. import emails
from ..models import Enrollment
from ..services import teaches
from .models import Announcement, Answer, Question

# Authors may change or delete their own posts for this long (the pages say so).
EDIT_WINDOW = timedelta(minutes=30)
# Learners may post this many questions and answers per window (instructors are not limited).
POST_LIMIT = 10
POST_WINDOW = timedelta(minutes=10)


class Refused(Exception):
    """A write the rules do not allow now (window passed, thread closed); the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RateLimited(Refused):
    pass


# --- who may do what --------------------------------------------------------------------------
def is_member(user, course: Course, *, enrolled: bool | None = None) -> bool:
    """Learners enrolled in the course, its instructors and superusers read and post."""
    if not user.is_authenticated:
        return False
    if enrolled is None:
        enrolled = Enrollment.objects.filter(user=user, course=course).exists()
    return enrolled or teaches(user, course)


def within_edit_window(post) -> bool:
    return timezone.now() - post.created <= EDIT_WINDOW


def may_edit(user, post) -> bool:
    return user.is_authenticated and post.author_id == user.pk and within_edit_window(post)


def _require_member(user, course):
    if not is_member(user, course):
        raise PermissionDenied(_("Only learners enrolled in the course and its instructors can."))


def _require_teacher(user, course):
    if not teaches(user, course):
        raise PermissionDenied(_("Only the course's instructors can."))


def _require_own_recent(user, post):
    if post.author_id != user.pk:
        raise PermissionDenied(_("You can only change your own posts."))
    if not within_edit_window(post):
        raise Refused(_("Posts can only be changed for 30 minutes after they are written."))


def _check_rate(user, course):
    if teaches(user, course):
        return
    since = timezone.now() - POST_WINDOW
    recent = (
        Question.objects.filter(author=user, created__gte=since).count()
        + Answer.objects.filter(author=user, created__gte=since).count()
    )
    if recent >= POST_LIMIT:
        raise RateLimited(
            _("You have posted a lot in the last few minutes. Please wait a little and try again.")
        )


def _lock(question: Question) -> Question:
    """The question's row, locked: writes to one thread happen one after another."""
    return (
        Question.objects.select_for_update().select_related("course", "author").get(pk=question.pk)
    )


def _refresh(question: Question) -> None:
    """Recount what the lists show of a question from its visible answers."""
    visible = Answer.objects.filter(question=question, is_hidden=False)
    latest = visible.aggregate(latest=Max("created"))["latest"]
    Question.objects.filter(pk=question.pk).update(
        answer_count=visible.count(),
        is_answered=visible.filter(Q(by_instructor=True) | Q(is_accepted=True)).exists(),
        last_activity_at=max(filter(None, [latest, question.created])),
    )


# --- questions --------------------------------------------------------------------------------
@transaction.atomic
def ask(*, user, lesson: Lesson, title: str, body: str) -> Question:
    course = lesson.course
    _require_member(user, course)
    _check_rate(user, course)
    return Question.objects.create(
        course=course, lesson=lesson, author=user, title=title.strip(), body=body.strip()
    )


@transaction.atomic
def edit_question(*, user, question: Question, title: str, body: str) -> Question:
    question = _lock(question)
    _require_own_recent(user, question)
    question.title, question.body, question.edited_at = title.strip(), body.strip(), timezone.now()
    question.save(update_fields=["title", "body", "edited_at"])
    return question


@transaction.atomic
def delete_question(*, user, question: Question) -> None:
    """An author may take a question back while it is recent and nobody else has answered."""
    question = _lock(question)
    _require_own_recent(user, question)
    if question.answers.exclude(author=user).exists():
        raise Refused(_("This question has answers from others, so it stays."))
    question.delete()


@transaction.atomic
def moderate_question(
    *, user, question: Question, pinned=None, closed=None, hidden=None
) -> Question:
    """Pin, close or hide a question (None leaves a flag as it is). Hiding tells the author."""
    question = _lock(question)
    _require_teacher(user, question.course)
    was_hidden = question.is_hidden
    changes = {"is_pinned": pinned, "is_closed": closed, "is_hidden": hidden}
    changes = {name: value for name, value in changes.items() if value is not None}
    for name, value in changes.items():
        setattr(question, name, value)
    if changes:
        question.save(update_fields=list(changes))
    if question.is_hidden and not was_hidden and question.author_id != user.pk:
        emails.post_hidden(question)
    return question


# --- answers ----------------------------------------------------------------------------------
@transaction.atomic
def answer(*, user, question: Question, body: str) -> Answer:
    question = _lock(question)
    course = question.course
    _require_member(user, course)
    if question.is_hidden and not teaches(user, course):
        raise PermissionDenied(_("This question was hidden by the instructors."))
    if question.is_closed:
        raise Refused(_("This question is closed: it takes no new answers."))
    _check_rate(user, course)
    reply = Answer.objects.create(
        question=question,
        author=user,
        body=body.strip(),
        by_instructor=teaches(user, course),
    )
    _refresh(question)
    if question.author_id != user.pk:
        emails.answer_posted(reply)
    return reply


@transaction.atomic
def edit_answer(*, user, answer: Answer, body: str) -> Answer:
    _lock(answer.question)
    answer = Answer.objects.get(pk=answer.pk)
    _require_own_recent(user, answer)
    answer.body, answer.edited_at = body.strip(), timezone.now()
    answer.save(update_fields=["body", "edited_at"])
    return answer


@transaction.atomic
def delete_answer(*, user, answer: Answer) -> None:
    question = _lock(answer.question)
    _require_own_recent(user, answer)
    Answer.objects.filter(pk=answer.pk).delete()
    _refresh(question)


@transaction.atomic
def toggle_accepted(*, user, answer: Answer) -> bool:
    """The asker or an instructor marks the answer that helped (or takes the mark back).
    Returns whether it is accepted now; one answer per question at most."""
    question = _lock(answer.question)
    if question.author_id != user.pk and not teaches(user, question.course):
        raise PermissionDenied(_("Only who asked, or an instructor, can mark the answer."))
    answer = Answer.objects.get(pk=answer.pk)
    if answer.is_hidden:
        raise Refused(_("A hidden answer cannot be marked as the answer."))
    accepted = not answer.is_accepted
    Answer.objects.filter(question=question, is_accepted=True).update(is_accepted=False)
    if accepted:
        Answer.objects.filter(pk=answer.pk).update(is_accepted=True)
    _refresh(question)
    return accepted


@transaction.atomic
def moderate_answer(*, user, answer: Answer, hidden: bool) -> Answer:
    question = _lock(answer.question)
    _require_teacher(user, question.course)
    answer = Answer.objects.select_related("question__course").get(pk=answer.pk)
    if answer.is_hidden == hidden:
        return answer
    answer.is_hidden = hidden
    if hidden:
        answer.is_accepted = False
    answer.save(update_fields=["is_hidden", "is_accepted"])
    _refresh(question)
    if hidden and answer.author_id != user.pk:
        emails.post_hidden(answer)
    return answer


# --- announcements ----------------------------------------------------------------------------
@transaction.atomic
def announce(*, user, course: Course, title: str, body: str) -> Announcement:
    """Post an announcement; the email worker queues its emails to the enrolled learners."""
    _require_teacher(user, course)
    return Announcement.objects.create(
        course=course, author=user, title=title.strip(), body=body.strip()
    )


@transaction.atomic
def edit_announcement(*, user, announcement: Announcement, title: str, body: str) -> None:
    """Correct an announcement (its emails are not sent again)."""
    _require_teacher(user, announcement.course)
    Announcement.objects.filter(pk=announcement.pk).update(title=title.strip(), body=body.strip())
