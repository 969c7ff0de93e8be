"""The rules of the course conversation (learning.conversation.services)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from learning import services as learning_services
from learning.conversation import services
from learning.models import Answer, Question
from learning.tests.factories import AnswerFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(learner, course):
    learning_services.enroll(user=learner, course=course)
    return learner


@pytest.fixture
def question(enrolled, lessons):
    return services.ask(user=enrolled, lesson=lessons[1], title="Why?", body="Tell me **why**.")


def _age(post, minutes):
    type(post).objects.filter(pk=post.pk).update(
        created=timezone.now() - timedelta(minutes=minutes)
    )
    post.refresh_from_db()


def test_enrolled_learner_asks_about_a_lesson(question, enrolled, lessons, course):
    assert (question.author, question.lesson, question.course) == (enrolled, lessons[1], course)
    assert not question.is_answered and question.answer_count == 0


def test_learner_not_enrolled_cannot_ask(learner, lessons):
    with pytest.raises(PermissionDenied):
        services.ask(user=learner, lesson=lessons[0], title="Hi?", body="")
    assert not Question.objects.exists()


def test_instructor_of_the_course_may_ask_without_enrolling(instructor, lessons):
    assert services.ask(user=instructor, lesson=lessons[0], title="Poll?", body="").pk


def test_answer_by_an_instructor_marks_the_question_answered(question, instructor):
    answer = services.answer(user=instructor, question=question, body="Because.")
    question.refresh_from_db()
    assert answer.by_instructor
    assert question.is_answered and question.answer_count == 1


def test_answer_by_a_learner_leaves_it_waiting_until_accepted(question, course, enrolled):
    classmate = UserFactory()
    learning_services.enroll(user=classmate, course=course)
    answer = services.answer(user=classmate, question=question, body="Try this.")
    question.refresh_from_db()
    assert not question.is_answered and question.answer_count == 1
    assert services.toggle_accepted(user=enrolled, answer=answer) is True
    question.refresh_from_db()
    assert question.is_answered


def test_accepting_another_answer_moves_the_mark(question, instructor, enrolled):
    first = services.answer(user=instructor, question=question, body="One.")
    second = services.answer(user=instructor, question=question, body="Two.")
    services.toggle_accepted(user=enrolled, answer=first)
    services.toggle_accepted(user=enrolled, answer=second)
    accepted = Answer.objects.filter(question=question, is_accepted=True)
    assert list(accepted) == [second]


def test_one_accepted_answer_is_a_database_constraint(question):
    AnswerFactory(question=question, is_accepted=True)
    with pytest.raises(IntegrityError):
        AnswerFactory(question=question, is_accepted=True)


def test_only_asker_or_instructor_accepts(question, course, instructor):
    classmate = UserFactory()
    learning_services.enroll(user=classmate, course=course)
    answer = services.answer(user=instructor, question=question, body="Yes.")
    with pytest.raises(PermissionDenied):
        services.toggle_accepted(user=classmate, answer=answer)


def test_closed_question_takes_no_answers(question, instructor, enrolled):
    services.moderate_question(user=instructor, question=question, closed=True)
    with pytest.raises(services.Refused):
        services.answer(user=enrolled, question=question, body="Late.")


def test_learners_cannot_moderate(question, enrolled):
    with pytest.raises(PermissionDenied):
        services.moderate_question(user=enrolled, question=question, pinned=True)


def test_hiding_an_answer_takes_it_out_of_the_counts(question, instructor):
    answer = services.answer(user=instructor, question=question, body="Oops.")
    services.moderate_answer(user=instructor, answer=answer, hidden=True)
    question.refresh_from_db()
    assert question.answer_count == 0 and not question.is_answered


def test_author_edits_within_the_window(question, enrolled):
    services.edit_question(user=enrolled, question=question, title="Why, exactly?", body="")
    question.refresh_from_db()
    assert question.title == "Why, exactly?" and question.edited_at


def test_author_cannot_edit_after_the_window(question, enrolled):
    _age(question, 31)
    with pytest.raises(services.Refused):
        services.edit_question(user=enrolled, question=question, title="Later", body="")


def test_nobody_edits_someone_elses_post(question, instructor):
    with pytest.raises(PermissionDenied):
        services.edit_question(user=instructor, question=question, title="Mine now", body="")


def test_question_with_answers_from_others_cannot_be_deleted(question, enrolled, instructor):
    services.answer(user=instructor, question=question, body="Answer.")
    with pytest.raises(services.Refused):
        services.delete_question(user=enrolled, question=question)
    assert Question.objects.filter(pk=question.pk).exists()


def test_deleting_an_answer_recounts(question, enrolled):
    answer = services.answer(user=enrolled, question=question, body="Self-answer.")
    services.delete_answer(user=enrolled, answer=answer)
    question.refresh_from_db()
    assert question.answer_count == 0


def test_learners_are_rate_limited(enrolled, lessons, monkeypatch):
    monkeypatch.setattr(services, "POST_LIMIT", 3)
    for n in range(3):
        services.ask(user=enrolled, lesson=lessons[0], title=f"Q{n}", body="")
    with pytest.raises(services.RateLimited):
        services.ask(user=enrolled, lesson=lessons[0], title="One too many", body="")
    assert Question.objects.count() == 3


def test_instructors_are_not_rate_limited(instructor, lessons, monkeypatch):
    monkeypatch.setattr(services, "POST_LIMIT", 1)
    for n in range(3):
        services.ask(user=instructor, lesson=lessons[0], title=f"Q{n}", body="")
    assert Question.objects.count() == 3


def test_announcing_needs_to_teach_the_course(course, enrolled, instructor):
    with pytest.raises(PermissionDenied):
        services.announce(user=enrolled, course=course, title="Hi", body="Hello")
    assert services.announce(user=instructor, course=course, title="Hi", body="Hello").pk
