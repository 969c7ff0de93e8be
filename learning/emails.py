"""The emails learner activity sends: an answer to my question, an announcement in my course, new
lessons in my course (a daily digest), my certificate, and a notice when moderation hides a post.

Each is queued in users' outbox (users.emails.queue) inside the transaction of its event, and
sent later by `manage.py send_queued_emails`. Announcements and digests reach many people: the
worker itself queues them (queue_announcement_emails, queue_lesson_digests), so posting an
announcement costs one row, whatever the course's size.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from courses.models import Course, Lesson
from users import emails as outbox
from users.models import User

from .models import Announcement, Answer, Certificate, Enrollment, Question

Kind = outbox.Kind
# A thread emails a given recipient at most once in this long (spam cannot fill a mailbox).
THREAD_EMAIL_INTERVAL = timedelta(hours=1)
FAN_OUT_BATCH = 500
DIGEST_LESSONS_SHOWN = 10


def _url(path):
    return outbox.absolute_url(path)


# --- one recipient, queued by the services ------------------------------------------------------
def answer_posted(answer: Answer) -> int:
    question = answer.question
    topic = f"question:{question.pk}"
    if outbox.recently_sent(question.author, topic, THREAD_EMAIL_INTERVAL):
        return 0
    return outbox.queue(
        kind=Kind.ANSWERS,
        recipients=[question.author],
        key=f"answer:{answer.pk}",
        topic=topic,
        template="learning/emails/answer",
        context={
            "question": question,
            "answer": answer,
            "answer_html": render_markdown(answer.body),
            "course": question.course,
            "url": _url(question.get_absolute_url()),
        },
    )


def post_hidden(post: Question | Answer) -> int:
    question = post if isinstance(post, Question) else post.question
    what = "question" if isinstance(post, Question) else "answer"
    return outbox.queue(
        kind=Kind.NOTICES,
        recipients=[post.author],
        key=f"hidden-{what}:{post.pk}",
        template="learning/emails/post_hidden",
        context={"what": what, "post": post, "question": question, "course": question.course},
    )


def certificate_issued(certificate: Certificate) -> int:
    return outbox.queue(
        kind=Kind.CERTIFICATES,
        recipients=[certificate.user],
        key=f"certificate:{certificate.pk}",
        template="learning/emails/certificate",
        context={"certificate": certificate, "url": _url(certificate.get_absolute_url())},
    )


# --- many recipients, queued by the worker ------------------------------------------------------
def queue_announcement_emails() -> int:
    """Queue the emails of announcements posted since the last pass; returns how many."""
    queued = 0
    while True:
        with transaction.atomic():
            announcement = (
                Announcement.objects.filter(emails_queued_at__isnull=True)
                .select_related("course", "author")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("created", "pk")
                .first()
            )
            if announcement is None:
                return queued
            queued += _queue_announcement(announcement)
            Announcement.objects.filter(pk=announcement.pk).update(emails_queued_at=timezone.now())


def _queue_announcement(announcement: Announcement) -> int:
    course = announcement.course
    if course.status != Course.Status.PUBLISHED:
        return 0
    learners = outbox.wanting(
        User.objects.filter(enrollments__course=course), Kind.ANNOUNCEMENTS
    ).exclude(pk=announcement.author_id)
    context = {
        "announcement": announcement,
        "body_html": render_markdown(announcement.body),
        "course": course,
        "url": _url(announcement.get_absolute_url()),
    }
    queued, batch = 0, []
    for learner in learners.order_by("pk").iterator(chunk_size=FAN_OUT_BATCH):
        batch.append(learner)
        if len(batch) == FAN_OUT_BATCH:
            queued += _queue_announcement_batch(announcement, batch, context)
            batch = []
    return queued + _queue_announcement_batch(announcement, batch, context)


def _queue_announcement_batch(announcement, learners, context) -> int:
    return outbox.queue(
        kind=Kind.ANNOUNCEMENTS,
        recipients=learners,
        key=f"announcement:{announcement.pk}",
        template="learning/emails/announcement",
        context=context,
    )


def queue_lesson_digests(*, force: bool = False) -> int:
    """Once a day: one email per learner listing the lessons added to their courses since the
    last digest (or since enrolling). Returns how many were queued."""
    today = timezone.now().date()
    # The first pass of the day does the work (the database cache is shared by all workers); a
    # repeat is harmless: a learner has one "new-lessons:<day>" delivery at most.
    if not force and not cache.add(f"lesson-digests:{today}", True, timeout=2 * 86400):
        return 0
    now = timezone.now()
    due = (
        Enrollment.objects.filter(course__status=Course.Status.PUBLISHED)
        .annotate(since=Coalesce("new_lessons_emailed_at", "created"))
        .filter(
            Exists(
                Lesson.objects.filter(
                    course=OuterRef("course"), created__gt=OuterRef("since"), created__lte=now
                )
            )
        )
        .select_related("user", "course")
        .order_by("user_id", "pk")
    )
    queued, current, group = 0, None, []
    for enrollment in due.iterator(chunk_size=FAN_OUT_BATCH):
        if current is not None and enrollment.user_id != current:
            queued += _queue_digest(group, today, now)
            group = []
        current = enrollment.user_id
        group.append(enrollment)
    if group:
        queued += _queue_digest(group, today, now)
    return queued


@transaction.atomic
def _queue_digest(enrollments: list[Enrollment], today, now) -> int:
    user = enrollments[0].user
    courses = []
    for enrollment in enrollments:
        lessons = list(
            Lesson.objects.filter(
                course=enrollment.course, created__gt=enrollment.since, created__lte=now
            )
            .order_by("created", "pk")
            .only("title", "slug")
        )
        courses.append(
            {
                "course": enrollment.course,
                "count": len(lessons),
                "lessons": [
                    {
                        "title": lesson.title,
                        "url": _url(
                            reverse(
                                "learning:lesson",
                                kwargs={"slug": enrollment.course.slug, "lesson_slug": lesson.slug},
                            )
                        ),
                    }
                    for lesson in lessons[:DIGEST_LESSONS_SHOWN]
                ],
                "more": max(0, len(lessons) - DIGEST_LESSONS_SHOWN),
            }
        )
    queued = outbox.queue(
        kind=Kind.NEW_LESSONS,
        recipients=[user],
        key=f"new-lessons:{today.isoformat()}",
        template="learning/emails/new_lessons",
        context={"courses": courses, "dashboard_url": _url(reverse("learning:dashboard"))},
    )
    if queued or not outbox.wants(user, Kind.NEW_LESSONS):
        # Told (or not wanting to be): these lessons are not news tomorrow.
        Enrollment.objects.filter(pk__in=[e.pk for e in enrollments]).update(
            new_lessons_emailed_at=now
        )
    return queued
