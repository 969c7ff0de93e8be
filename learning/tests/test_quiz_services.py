"""Quizzes: grading, attempts, passing completes the lesson, the certificate needs every quiz."""

import uuid

import pytest

from courses.models import QuizQuestion
from courses.tests.factories import QuizOptionFactory, QuizQuestionFactory, add_quiz
from learning import services
from learning.models import Certificate, Enrollment, LessonProgress, QuizAnswer, QuizAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    """Three one-answer questions at the end of the course's last section (pass mark 70%)."""
    return add_quiz(course.sections.order_by("order").last(), questions=3)


@pytest.fixture
def enrolled(learner, course):
    services.enroll(user=learner, course=course)
    return learner


def right(question):
    return [question.options.get(is_correct=True).pk]


def wrong(question):
    return [question.options.filter(is_correct=False).first().pk]


def answers(quiz, right_count):
    """Answer the first `right_count` questions right, the others wrong."""
    return {
        q.pk: right(q) if n < right_count else wrong(q)
        for n, q in enumerate(quiz.quiz_questions.all())
    }


def submit(user, quiz, right_count, token=None):
    return services.submit_quiz(
        user=user, lesson=quiz, answers=answers(quiz, right_count), token=token or uuid.uuid4()
    )


def test_the_score_is_the_share_of_questions_answered_right(enrolled, quiz):
    attempt = submit(enrolled, quiz, 2).attempt
    assert attempt.score == 66  # 2 of 3, rounded down: never shown above what was earned
    assert not attempt.passed


def test_the_pass_mark_itself_passes(enrolled, quiz):
    quiz.pass_mark = 66
    quiz.save()
    assert submit(enrolled, quiz, 2).attempt.passed


def test_a_multiple_answer_question_needs_exactly_the_right_options(enrolled, quiz):
    question = QuizQuestionFactory(lesson=quiz, kind=QuizQuestion.Kind.MULTIPLE)
    a = QuizOptionFactory(question=question, is_correct=True)
    b = QuizOptionFactory(question=question, is_correct=True)
    c = QuizOptionFactory(question=question, is_correct=False)
    base = answers(quiz, 3)
    for chosen, expected in [([a.pk], False), ([a.pk, b.pk, c.pk], False), ([b.pk, a.pk], True)]:
        attempt = services.submit_quiz(
            user=enrolled, lesson=quiz, answers={**base, question.pk: chosen}, token=uuid.uuid4()
        ).attempt
        assert attempt.answers.get(question=question).correct is expected


def test_each_answer_is_kept_with_what_was_chosen(enrolled, quiz):
    attempt = submit(enrolled, quiz, 1).attempt
    first, second, _third = quiz.quiz_questions.all()
    assert attempt.answers.count() == 3
    assert attempt.answers.get(question=first).chosen == right(first)
    assert attempt.answers.get(question=first).correct
    assert attempt.answers.get(question=second).chosen == wrong(second)
    assert not attempt.answers.get(question=second).correct


def test_every_attempt_is_kept(enrolled, quiz):
    for right_count in (0, 1, 3, 2):
        submit(enrolled, quiz, right_count)
    assert QuizAttempt.objects.filter(user=enrolled, lesson=quiz).count() == 4
    assert QuizAnswer.objects.filter(attempt__lesson=quiz).count() == 12


def test_the_same_form_submitted_twice_makes_one_attempt(enrolled, quiz):
    token = uuid.uuid4()
    first = submit(enrolled, quiz, 1, token)
    second = submit(enrolled, quiz, 3, token)
    assert first.created and not second.created
    assert second.attempt == first.attempt
    assert QuizAttempt.objects.filter(user=enrolled).count() == 1
    assert QuizAttempt.objects.get().score == 33


def test_a_form_id_used_for_another_quiz_is_refused(enrolled, course, quiz):
    other = add_quiz(course.sections.first(), title="Another quiz", questions=1)
    token = uuid.uuid4()
    submit(enrolled, quiz, 3, token)
    with pytest.raises(services.QuizSubmissionError):
        submit(enrolled, other, 1, token)
    assert not QuizAttempt.objects.filter(lesson=other).exists()


def test_two_learners_may_send_the_same_form_id(enrolled, quiz, course):
    from users.tests.factories import UserFactory

    other = UserFactory()
    services.enroll(user=other, course=course)
    token = uuid.uuid4()
    submit(enrolled, quiz, 3, token)
    assert submit(other, quiz, 3, token).created


def test_passing_completes_the_lesson(enrolled, quiz):
    submit(enrolled, quiz, 3)
    assert LessonProgress.objects.filter(user=enrolled, lesson=quiz).exists()


def test_failing_does_not_complete_the_lesson(enrolled, quiz):
    submit(enrolled, quiz, 1)
    assert not LessonProgress.objects.filter(user=enrolled, lesson=quiz).exists()


def test_failing_after_passing_keeps_the_lesson_complete(enrolled, quiz):
    submit(enrolled, quiz, 3)
    submit(enrolled, quiz, 0)
    assert LessonProgress.objects.filter(user=enrolled, lesson=quiz).exists()


def test_the_best_attempt_counts(enrolled, quiz):
    for right_count in (1, 3, 0):
        submit(enrolled, quiz, right_count)
    result = QuizAttempt.objects.filter(user=enrolled).results_by_lesson()[quiz.pk]
    assert (result.best, result.passed, result.attempts) == (100, True, 3)


def test_a_learner_who_is_not_enrolled_cannot_submit(learner, quiz):
    with pytest.raises(Enrollment.DoesNotExist):
        submit(learner, quiz, 3)
    assert not QuizAttempt.objects.exists()


def test_a_quiz_without_questions_is_never_passed(enrolled, course):
    empty = add_quiz(course.sections.first(), title="Empty", questions=0)
    attempt = services.submit_quiz(user=enrolled, lesson=empty, answers={}, token=uuid.uuid4())
    assert not attempt.attempt.passed


def test_a_quiz_lesson_cannot_be_marked_complete_by_hand(enrolled, quiz):
    with pytest.raises(services.QuizLessonError):
        services.set_lesson_complete(user=enrolled, lesson=quiz, done=True)
    assert not LessonProgress.objects.filter(lesson=quiz).exists()


def test_a_passed_quiz_cannot_be_marked_not_done(enrolled, quiz):
    submit(enrolled, quiz, 3)
    with pytest.raises(services.QuizLessonError):
        services.set_lesson_complete(user=enrolled, lesson=quiz, done=False)
    assert LessonProgress.objects.filter(lesson=quiz).exists()


# --- the certificate ----------------------------------------------------------------------------
def complete_other_lessons(user, course, quiz):
    for lesson in course.lessons.exclude(pk=quiz.pk):
        services.set_lesson_complete(user=user, lesson=lesson, done=True)


def test_every_lesson_done_but_a_failed_quiz_gives_no_certificate(enrolled, course, quiz):
    complete_other_lessons(enrolled, course, quiz)
    submit(enrolled, quiz, 1)
    assert not Certificate.objects.filter(user=enrolled).exists()
    assert Enrollment.objects.get(user=enrolled).completed_at is None


def test_passing_the_quiz_afterwards_issues_the_certificate(enrolled, course, quiz, mailoutbox):
    complete_other_lessons(enrolled, course, quiz)
    submit(enrolled, quiz, 1)
    submission = submit(enrolled, quiz, 3)
    assert submission.completion.certificate_issued
    assert Certificate.objects.filter(user=enrolled, course=course).count() == 1
    assert Enrollment.objects.get(user=enrolled).completed_at is not None


def test_passing_the_quiz_first_and_the_last_lesson_later_issues_it(enrolled, course, quiz):
    submit(enrolled, quiz, 3)
    complete_other_lessons(enrolled, course, quiz)
    assert Certificate.objects.filter(user=enrolled, course=course).exists()


def test_a_lesson_made_a_quiz_after_it_was_completed_must_still_be_passed(enrolled, course, quiz):
    """Progress on a lesson that has since become a quiz does not stand in for passing it."""
    LessonProgress.objects.create(user=enrolled, lesson=quiz, course=course)
    complete_other_lessons(enrolled, course, quiz)
    assert not Certificate.objects.exists()
    assert list(services.quizzes_to_pass(user=enrolled, course=course)) == [quiz]
