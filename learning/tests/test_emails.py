"""Emails of learner activity: queued with their event, sent once by the worker (locmem)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from courses.tests.factories import LessonFactory
from learning import emails
from learning import services as learning_services
from learning.conversation import services
from learning.models import Enrollment
from users.models import EmailDelivery
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def send_queued():
    call_command("send_queued_emails", verbosity=0)


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def enrolled(learner, course):
    learning_services.enroll(user=learner, course=course)
    return learner


@pytest.fixture
def question(enrolled, lessons):
    return services.ask(user=enrolled, lesson=lessons[0], title="What is a view?", body="")


def test_an_answer_is_emailed_to_the_asker_once_by_the_worker(question, enrolled, instructor):
    services.answer(user=instructor, question=question, body="A **function** of a request.")
    assert mail.outbox == []  # nothing is sent in the request
    send_queued()
    send_queued()
    (message,) = mail.outbox
    assert message.to == [enrolled.email]
    assert "What is a view?" in message.subject
    assert "A **function** of a request." in message.body
    assert f"/questions/{question.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "<strong>function</strong>" in html


def test_the_email_carries_a_one_click_unsubscribe(question, instructor):
    services.answer(user=instructor, question=question, body="Yes.")
    send_queued()
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop these emails:" in message.body


def test_answering_ones_own_question_emails_nobody(question, enrolled):
    services.answer(user=enrolled, question=question, body="Found it myself.")
    send_queued()
    assert mail.outbox == []


def test_a_thread_emails_the_asker_at_most_once_an_hour(question, enrolled, instructor, course):
    for n in range(5):
        services.answer(user=instructor, question=question, body=f"Part {n}.")
    send_queued()
    assert len(sent_to(enrolled)) == 1
    EmailDelivery.objects.update(created=timezone.now() - timedelta(minutes=61))
    services.answer(user=instructor, question=question, body="An hour later.")
    send_queued()
    assert len(sent_to(enrolled)) == 2


def test_an_unsubscribed_asker_gets_no_answer_email(question, enrolled, instructor):
    enrolled.email_answers = False
    enrolled.save()
    services.answer(user=instructor, question=question, body="Yes.")
    send_queued()
    assert mail.outbox == []


def test_unsubscribing_after_queueing_still_stops_the_email(question, enrolled, instructor):
    services.answer(user=instructor, question=question, body="Yes.")
    type(enrolled).objects.filter(pk=enrolled.pk).update(email_answers=False)
    send_queued()
    assert mail.outbox == []
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SKIPPED


def test_an_announcement_reaches_each_enrolled_learner_once(course, enrolled, instructor):
    others = UserFactory.create_batch(2)
    for other in others:
        learning_services.enroll(user=other, course=course)
    outsider = UserFactory()
    services.announce(user=instructor, course=course, title="Live Q&A", body="Friday **5pm**.")
    assert mail.outbox == []
    send_queued()
    send_queued()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in [enrolled, *others])
    assert not sent_to(outsider) and not sent_to(instructor)
    assert all("Live Q&A" in m.subject for m in mail.outbox)


def test_announcement_fan_out_runs_in_batches(course, instructor, monkeypatch):
    monkeypatch.setattr(emails, "FAN_OUT_BATCH", 2)
    learners = UserFactory.create_batch(5)
    for learner in learners:
        learning_services.enroll(user=learner, course=course)
    services.announce(user=instructor, course=course, title="News", body="News.")
    send_queued()
    assert len(mail.outbox) == 5


def test_an_announcement_skips_learners_who_turned_it_off(course, enrolled, instructor):
    type(enrolled).objects.filter(pk=enrolled.pk).update(email_announcements=False)
    services.announce(user=instructor, course=course, title="News", body="News.")
    send_queued()
    assert mail.outbox == []


def test_completing_the_course_emails_the_certificate_once(enrolled, lessons):
    for lesson in lessons:
        learning_services.set_lesson_complete(user=enrolled, lesson=lesson, done=True)
    learning_services.set_lesson_complete(user=enrolled, lesson=lessons[0], done=False)
    learning_services.set_lesson_complete(user=enrolled, lesson=lessons[0], done=True)
    send_queued()
    (message,) = mail.outbox
    assert "certificate" in message.subject.lower()
    assert "/certificates/" in message.body


def test_new_lessons_come_in_one_digest_a_day(enrolled, course, lessons):
    section = lessons[-1].section
    LessonFactory(section=section, title="Bonus: deploying")
    LessonFactory(section=section, title="Bonus: caching")
    send_queued()
    (digest,) = mail.outbox
    assert "Bonus: deploying" in digest.body and "Bonus: caching" in digest.body
    LessonFactory(section=section, title="Bonus: later the same day")
    send_queued()
    assert len(mail.outbox) == 1  # at most one a day


def test_the_next_digest_tells_only_what_is_new(enrolled, course, lessons):
    section = lessons[-1].section
    LessonFactory(section=section, title="Bonus one")
    assert emails.queue_lesson_digests(force=True) == 1
    EmailDelivery.objects.update(key="new-lessons:yesterday")
    Enrollment.objects.update(new_lessons_emailed_at=timezone.now())
    LessonFactory(section=section, title="Bonus two")
    assert emails.queue_lesson_digests(force=True) == 1
    send_queued()
    latest = [m for m in mail.outbox if "Bonus two" in m.body]
    assert len(latest) == 1 and "Bonus one" not in latest[0].body


def test_lessons_from_before_enrolling_are_not_news(enrolled, lessons):
    assert emails.queue_lesson_digests(force=True) == 0


def test_hiding_a_post_tells_its_author(question, enrolled, instructor):
    services.moderate_question(user=instructor, question=question, hidden=True)
    send_queued()
    (notice,) = mail.outbox
    assert notice.to == [enrolled.email]
    assert "hidden" in notice.subject
    assert "List-Unsubscribe" not in notice.extra_headers  # a service notice


def test_a_failing_mail_server_is_retried_then_given_up(question, instructor, settings):
    from users import emails as outbox

    settings.EMAIL_BACKEND = "learning.tests.test_emails.BrokenBackend"
    services.answer(user=instructor, question=question, body="Yes.")
    for _attempt in range(outbox.MAX_ATTEMPTS):
        EmailDelivery.objects.update(claimed_until=None)
        send_queued()
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.FAILED
    assert "refused" in delivery.last_error


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise ConnectionRefusedError("refused")
