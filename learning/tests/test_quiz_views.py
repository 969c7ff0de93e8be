"""The quiz on its lesson page: a plain form, graded on POST, the result shown to its owner."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, Lesson, QuizQuestion
from courses.tests.factories import (
    QuizOptionFactory,
    QuizQuestionFactory,
    add_quiz,
    course_with_lessons,
)
from learning import services
from learning.models import LessonProgress, QuizAttempt
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    """The course's last lesson: three one-answer questions, pass mark 70%."""
    return add_quiz(course.sections.order_by("order").last(), questions=3)


def quiz_url(lesson):
    return reverse("learning:quiz", kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug})


def token_of(response):
    return re.search(r'name="token" value="([0-9a-f-]{36})"', response.text).group(1)


def post_answers(client, quiz, right_count, *, token=None, skip=()):
    """Answer the first `right_count` questions right and the rest wrong (none for `skip`)."""
    data = {"token": token or str(uuid.uuid4())}
    for n, question in enumerate(quiz.quiz_questions.all()):
        if n in skip:
            continue
        options = question.options.filter(is_correct=n < right_count)
        data[f"q{question.pk}"] = str(options.first().pk)
    return client.post(quiz_url(quiz), data)


# --- the form -----------------------------------------------------------------------------------
def test_the_quiz_is_a_plain_form_of_radios(enrolled_client, quiz):
    response = enrolled_client.get(quiz.get_absolute_url())
    assert response.status_code == 200
    assert f'action="{quiz_url(quiz)}"' in response.text
    assert response.text.count('type="radio"') == 9
    assert "Question 1: which is right?" in response.text
    assert re.search(r'<input type="hidden" name="token" value="[0-9a-f-]{36}"', response.text)
    assert "Submit answers" in response.text


def test_a_multiple_answer_question_has_checkboxes(enrolled_client, quiz):
    question = QuizQuestionFactory(lesson=quiz, kind=QuizQuestion.Kind.MULTIPLE, order=99)
    QuizOptionFactory.create_batch(4, question=question)
    response = enrolled_client.get(quiz.get_absolute_url())
    assert response.text.count('type="checkbox"') == 4
    assert "choose every right answer" in response.text


def test_question_text_is_sanitised_markdown(enrolled_client, quiz):
    question = quiz.quiz_questions.first()
    question.text = "What does **this** do? <script>alert(1)</script>"
    question.save()
    response = enrolled_client.get(quiz.get_absolute_url())
    assert "<strong>this</strong>" in response.text
    assert "<script>alert(1)" not in response.text


def test_the_right_answers_are_not_in_the_page_before_submitting(enrolled_client, quiz):
    response = enrolled_client.get(quiz.get_absolute_url())
    assert "Explanation 1" not in response.text
    assert "Correct answer" not in response.text
    assert "is-correct" not in response.text
    assert "is_correct" not in response.text
    # The options are listed in the order the instructor set, as texts and ids only.
    first = quiz.quiz_questions.first()
    for option in first.options.all():
        assert f'value="{option.pk}"' in response.text


def test_each_page_view_gets_a_new_form_id(enrolled_client, quiz):
    first = token_of(enrolled_client.get(quiz.get_absolute_url()))
    second = token_of(enrolled_client.get(quiz.get_absolute_url()))
    assert first != second


def test_a_quiz_lesson_has_no_mark_as_complete(enrolled_client, quiz):
    response = enrolled_client.get(quiz.get_absolute_url())
    assert reverse("learning:complete", args=[quiz.course.slug, quiz.slug]) not in response.text
    assert "Complete and" not in response.text


def test_completing_a_quiz_by_hand_is_refused(enrolled_client, learner, quiz):
    url = reverse("learning:complete", args=[quiz.course.slug, quiz.slug])
    response = enrolled_client.post(url, {"done": "1"})
    assert response.status_code == 400
    assert "A quiz is completed by passing it" in response.text
    assert not LessonProgress.objects.filter(lesson=quiz).exists()


def test_the_instructor_previews_the_quiz_without_submitting(instructor_client, quiz):
    response = instructor_client.get(quiz.get_absolute_url())
    assert response.status_code == 200
    assert "A preview of your quiz" in response.text
    assert "Submit answers" not in response.text
    assert "disabled" in response.text


def test_a_preview_quiz_is_shown_to_visitors_who_cannot_submit_it(client, quiz):
    Lesson.objects.filter(pk=quiz.pk).update(is_preview=True)
    response = client.get(quiz.get_absolute_url())
    assert response.status_code == 200
    assert "Question 1: which is right?" in response.text
    assert "Submit answers" not in response.text
    assert "Log in" in response.text


# --- submitting ---------------------------------------------------------------------------------
def test_submitting_shows_the_result_on_the_lesson_page(enrolled_client, learner, quiz):
    response = post_answers(enrolled_client, quiz, 1)
    attempt = QuizAttempt.objects.get(user=learner)
    assert response.status_code == 302
    assert response.url == f"{quiz.get_absolute_url()}?attempt={attempt.pk}#quiz-result"
    page = enrolled_client.get(response.url)
    assert "Not passed: 33%" in page.text
    assert "1 of 3 questions right" in page.text
    assert "Question 2: wrong" in page.text
    assert "Question 1: right" in page.text
    assert page.text.count("Correct answer</span>") == 3
    assert page.text.count("Your answer</span>") == 3
    assert "Explanation 2: the right one is right." in page.text
    assert "Try again" in page.text
    assert "Submit answers" not in page.text  # the form comes back with "Try again"


def test_passing_shows_it_and_completes_the_lesson(enrolled_client, learner, quiz):
    response = post_answers(enrolled_client, quiz, 3)
    page = enrolled_client.get(response.url)
    assert "You passed with 100%" in page.text
    assert "This lesson is complete" in page.text
    assert LessonProgress.objects.filter(user=learner, lesson=quiz).exists()


def test_passing_the_last_quiz_announces_the_certificate(enrolled_client, learner, course, quiz):
    for lesson in course.lessons.exclude(pk=quiz.pk):
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = post_answers(enrolled_client, quiz, 3)
    page = enrolled_client.get(response.url)
    assert "Your certificate is ready" in page.text
    assert learner.certificates.count() == 1
    assert "Finish the course" in page.text


def test_trying_again_shows_a_fresh_form_and_the_best_score(enrolled_client, quiz):
    post_answers(enrolled_client, quiz, 3)
    post_answers(enrolled_client, quiz, 1)
    response = enrolled_client.get(quiz.get_absolute_url())
    assert "Submit answers" in response.text
    assert "Your best score: <strong>100%</strong>" in response.text
    assert "2 attempts" in response.text


def test_the_same_form_posted_twice_makes_one_attempt(enrolled_client, learner, quiz):
    token = token_of(enrolled_client.get(quiz.get_absolute_url()))
    first = post_answers(enrolled_client, quiz, 2, token=token)
    second = post_answers(enrolled_client, quiz, 2, token=token)
    assert QuizAttempt.objects.filter(user=learner).count() == 1
    assert first.url == second.url


def test_unanswered_questions_are_a_form_error_and_no_attempt(enrolled_client, quiz):
    response = post_answers(enrolled_client, quiz, 3, skip=(1, 2))
    assert response.status_code == 400
    assert "questions 2, 3 have no answer" in response.text
    assert response.text.count("Answer this question.") == 2
    assert not QuizAttempt.objects.exists()
    # What was answered stays chosen.
    kept = quiz.quiz_questions.first().options.get(is_correct=True)
    assert re.search(rf'value="{kept.pk}"\s+checked', response.text)


def test_an_empty_submission_lists_every_question(enrolled_client, quiz):
    response = enrolled_client.post(quiz_url(quiz), {"token": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "questions 1, 2, 3 have no answer" in response.text


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1.5", "", "9" * 30])
def test_a_forged_answer_is_a_form_error(enrolled_client, quiz, value):
    data = {"token": str(uuid.uuid4())}
    for question in quiz.quiz_questions.all():
        data[f"q{question.pk}"] = str(question.options.first().pk)
    data[f"q{quiz.quiz_questions.last().pk}"] = value
    response = enrolled_client.post(quiz_url(quiz), data)
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()


def test_an_option_of_another_quiz_is_a_form_error(enrolled_client, course, quiz):
    other = add_quiz(course.sections.first(), title="Other quiz", questions=1)
    foreign = other.quiz_questions.get().options.get(is_correct=True)
    data = {"token": str(uuid.uuid4())}
    for question in quiz.quiz_questions.all():
        data[f"q{question.pk}"] = str(foreign.pk)
    response = enrolled_client.post(quiz_url(quiz), data)
    assert response.status_code == 400
    assert "Choose among the answers shown." in response.text
    assert not QuizAttempt.objects.exists()


def test_an_option_of_another_question_of_the_same_quiz_is_a_form_error(enrolled_client, quiz):
    first, second, third = quiz.quiz_questions.all()
    data = {
        "token": str(uuid.uuid4()),
        f"q{first.pk}": str(second.options.first().pk),
        f"q{second.pk}": str(second.options.first().pk),
        f"q{third.pk}": str(third.options.first().pk),
    }
    response = enrolled_client.post(quiz_url(quiz), data)
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("token", [None, "", "not-a-uuid"])
def test_a_missing_or_malformed_form_id_is_a_form_error(enrolled_client, quiz, token):
    data = {f"q{q.pk}": str(q.options.first().pk) for q in quiz.quiz_questions.all()}
    if token is not None:
        data["token"] = token
    response = enrolled_client.post(quiz_url(quiz), data)
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert not QuizAttempt.objects.exists()


def test_a_form_id_already_used_on_another_quiz_is_a_400(enrolled_client, course, quiz):
    other = add_quiz(course.sections.first(), title="Other quiz", questions=1)
    token = str(uuid.uuid4())
    post_answers(enrolled_client, quiz, 3, token=token)
    response = post_answers(enrolled_client, other, 1, token=token)
    assert response.status_code == 400
    assert not QuizAttempt.objects.filter(lesson=other).exists()


def test_a_learner_who_is_not_enrolled_is_refused(learner_client, quiz):
    assert post_answers(learner_client, quiz, 3).status_code == 403
    assert not QuizAttempt.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, quiz):
    response = post_answers(client, quiz, 3)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not QuizAttempt.objects.exists()


def test_posting_to_a_quiz_of_a_draft_course_is_404(enrolled_client, course, quiz):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    assert post_answers(enrolled_client, quiz, 3).status_code == 404
    assert not QuizAttempt.objects.exists()


def test_posting_to_a_lesson_that_is_not_a_quiz_is_404(enrolled_client, lessons):
    response = enrolled_client.post(quiz_url(lessons[1]), {"token": str(uuid.uuid4())})
    assert response.status_code == 404


def test_posting_to_a_quiz_without_questions_is_400(enrolled_client, course):
    empty = add_quiz(course.sections.first(), title="Empty quiz", questions=0)
    response = enrolled_client.post(quiz_url(empty), {"token": str(uuid.uuid4())})
    assert response.status_code == 400


def test_get_on_the_quiz_url_is_405(enrolled_client, quiz):
    assert enrolled_client.get(quiz_url(quiz)).status_code == 405


def test_the_quiz_post_needs_the_csrf_token(learner, course, quiz):
    services.enroll(user=learner, course=course)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert post_answers(browser, quiz, 3).status_code == 403
    assert not QuizAttempt.objects.exists()


# --- whose result -------------------------------------------------------------------------------
def test_someone_elses_attempt_is_not_shown(enrolled_client, client, course, quiz):
    attempt_url = post_answers(enrolled_client, quiz, 1).url.split("#")[0]
    other = UserFactory()
    services.enroll(user=other, course=course)
    client.force_login(other)
    response = client.get(attempt_url)
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "-3", "0", "99999999999999999999999"])
def test_a_malformed_or_unknown_attempt_is_404(enrolled_client, quiz, value):
    response = enrolled_client.get(quiz.get_absolute_url(), {"attempt": value})
    assert response.status_code == 404


def test_an_attempt_at_another_quiz_is_not_shown_here(enrolled_client, course, quiz):
    other = add_quiz(course.sections.first(), title="Other quiz", questions=1)
    attempt_url = post_answers(enrolled_client, other, 1).url.split("#")[0]
    attempt_id = attempt_url.rsplit("=", 1)[1]
    response = enrolled_client.get(quiz.get_absolute_url(), {"attempt": attempt_id})
    assert response.status_code == 404


# --- queries ------------------------------------------------------------------------------------
def queries_for(client, url):
    client.get(url)  # warm up (session, last activity)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_quiz_page_reads_the_same_queries_whatever_its_size(enrolled_client, course, quiz):
    small = queries_for(enrolled_client, quiz.get_absolute_url())
    big = add_quiz(course.sections.first(), title="Big quiz", questions=12)
    for right_count in range(10):
        post_answers(enrolled_client, big, right_count)
    assert queries_for(enrolled_client, big.get_absolute_url()) == small


def test_the_result_page_reads_the_same_queries_whatever_its_size(enrolled_client, course, quiz):
    small = queries_for(enrolled_client, post_answers(enrolled_client, quiz, 1).url)
    big = add_quiz(course.sections.first(), title="Big quiz", questions=12)
    for right_count in range(9):
        post_answers(enrolled_client, big, right_count)
    assert queries_for(enrolled_client, post_answers(enrolled_client, big, 5).url) == small


# --- the course page and the dashboard ----------------------------------------------------------
def test_the_course_page_shows_the_learners_best_score(enrolled_client, course, quiz):
    post_answers(enrolled_client, quiz, 1)
    post_answers(enrolled_client, quiz, 2)
    response = enrolled_client.get(course.get_absolute_url())
    assert "Best 66% · not passed yet" in response.text
    post_answers(enrolled_client, quiz, 3)
    assert "Passed · best 100%" in enrolled_client.get(course.get_absolute_url()).text


def test_the_course_page_shows_no_score_to_visitors(client, course, quiz):
    response = client.get(course.get_absolute_url())
    assert quiz.title in response.text
    assert "quiz-best" not in response.text


def test_the_course_page_reads_scores_once_whatever_the_number_of_quizzes(
    enrolled_client, course, quiz
):
    post_answers(enrolled_client, quiz, 3)
    few = queries_for(enrolled_client, course.get_absolute_url())
    for n in range(5):
        extra = add_quiz(course.sections.first(), title=f"Quiz {n}", questions=1, order=50 + n)
        post_answers(enrolled_client, extra, n % 2)
    assert queries_for(enrolled_client, course.get_absolute_url()) == few


def test_the_dashboard_shows_each_quizs_best_score(enrolled_client, quiz):
    post_answers(enrolled_client, quiz, 1)
    response = enrolled_client.get(reverse("learning:dashboard"))
    assert f"Quiz: </span>{quiz.title}" in response.text
    assert "Best 33% · not passed yet" in response.text


def test_the_dashboard_reads_the_same_queries_with_more_courses_and_quizzes(
    enrolled_client, learner, quiz
):
    post_answers(enrolled_client, quiz, 3)
    url = reverse("learning:dashboard")
    few = queries_for(enrolled_client, url)
    for _ in range(3):
        other = course_with_lessons()
        services.enroll(user=learner, course=other)
        for n in range(2):
            extra = add_quiz(other.sections.first(), title=f"Check {n}", questions=2)
            post_answers(enrolled_client, extra, n)
    assert queries_for(enrolled_client, url) == few
