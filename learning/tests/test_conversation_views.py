"""The conversation's pages: who reads and posts, what the lists show, and what they cost."""

import pytest
from django.urls import reverse

from learning import services as learning_services
from learning.conversation import services
from learning.models import Answer, Question
from learning.tests.factories import AnnouncementFactory, AnswerFactory, QuestionFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def questions_url(course, **query):
    url = reverse("learning:questions", args=[course.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def question(learner, course, lessons):
    learning_services.enroll(user=learner, course=course)
    return services.ask(user=learner, lesson=lessons[1], title="Where is the file?", body="")


# --- access -----------------------------------------------------------------------------------
def test_signed_out_visitors_are_sent_to_log_in(client, course):
    response = client.get(questions_url(course))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_learner_not_enrolled_cannot_read_the_questions(learner_client, course, question):
    outsider = UserFactory()
    learner_client.force_login(outsider)
    assert learner_client.get(questions_url(course)).status_code == 404
    assert learner_client.get(question.get_absolute_url()).status_code == 404


def test_a_learner_not_enrolled_cannot_post(client, course, lessons, question):
    client.force_login(UserFactory())
    ask = client.post(
        reverse("learning:ask", args=[course.slug]),
        {"lesson": lessons[0].slug, "title": "Let me in?"},
    )
    answer = client.post(
        reverse("learning:answer", args=[course.slug, question.pk]), {"body": "Hi"}
    )
    assert (ask.status_code, answer.status_code) == (404, 404)
    assert Question.objects.count() == 1 and not Answer.objects.exists()


def test_a_question_of_another_course_is_not_found_under_this_one(enrolled_client, course):
    foreign = QuestionFactory()
    url = reverse("learning:question", args=[course.slug, foreign.pk])
    assert enrolled_client.get(url).status_code == 404


def test_hidden_questions_are_gone_for_learners_but_shown_to_instructors(
    client, question, instructor, learner
):
    services.moderate_question(user=instructor, question=question, hidden=True)
    client.force_login(learner)
    assert client.get(question.get_absolute_url()).status_code == 404
    client.force_login(instructor)
    response = client.get(question.get_absolute_url())
    assert "Hidden from learners" in response.text


# --- asking and answering ---------------------------------------------------------------------
def test_lesson_page_shows_its_questions_and_an_ask_form(enrolled_client, course, lessons):
    QuestionFactory(lesson=lessons[1], title="About lesson two")
    QuestionFactory(lesson=lessons[2], title="About lesson three")
    response = enrolled_client.get(lessons[1].get_absolute_url())
    assert "About lesson two" in response.text
    assert "About lesson three" not in response.text
    assert "Ask a question" in response.text
    assert "for 30 minutes after posting" in response.text


def test_preview_visitors_see_no_questions(client, course, lessons):
    QuestionFactory(lesson=lessons[0], title="Members only")
    response = client.get(lessons[0].get_absolute_url())
    assert response.status_code == 200
    assert "Members only" not in response.text
    assert "Questions about this lesson" not in response.text


def test_asking_from_the_lesson_page_opens_the_new_thread(enrolled_client, course, lessons):
    response = enrolled_client.post(
        reverse("learning:ask", args=[course.slug]),
        {"lesson": lessons[2].slug, "title": "What about **this**?", "body": "`code`"},
        follow=True,
    )
    question = Question.objects.get()
    assert response.redirect_chain[-1][0] == question.get_absolute_url()
    assert question.lesson == lessons[2]
    assert "<code>code</code>" in response.text


def test_a_question_over_the_length_cap_is_a_form_error(enrolled_client, course, lessons):
    response = enrolled_client.post(
        reverse("learning:ask", args=[course.slug]),
        {"lesson": lessons[0].slug, "title": "x" * 161},
    )
    assert response.status_code == 400
    assert "at most 160 characters" in response.text
    assert not Question.objects.exists()


def test_posting_too_fast_is_refused_with_429(enrolled_client, course, lessons, monkeypatch):
    monkeypatch.setattr(services, "POST_LIMIT", 2)
    url = reverse("learning:ask", args=[course.slug])
    for n in range(2):
        enrolled_client.post(url, {"lesson": lessons[0].slug, "title": f"Q{n}"})
    response = enrolled_client.post(url, {"lesson": lessons[0].slug, "title": "Q3"})
    assert response.status_code == 429
    assert "wait a little" in response.text
    assert Question.objects.count() == 2


def test_answering_and_accepting(client, question, instructor, learner):
    client.force_login(instructor)
    client.post(reverse("learning:answer", args=[question.course.slug, question.pk]),
                {"body": "In the *sidebar*."})  # fmt: skip
    answer = Answer.objects.get()
    client.force_login(learner)
    response = client.get(question.get_absolute_url())
    assert "<em>sidebar</em>" in response.text and "Course team" in response.text
    client.post(reverse("learning:answer_accept", args=[question.course.slug, answer.pk]))
    answer.refresh_from_db()
    assert answer.is_accepted
    assert "The answer that helped" in client.get(question.get_absolute_url()).text


def test_an_empty_answer_is_a_form_error(enrolled_client, question):
    response = enrolled_client.post(
        reverse("learning:answer", args=[question.course.slug, question.pk]), {"body": ""}
    )
    assert response.status_code == 400
    assert "Write your answer first." in response.text


def test_answering_a_closed_question_says_why(client, question, instructor, learner):
    services.moderate_question(user=instructor, question=question, closed=True)
    client.force_login(learner)
    response = client.post(
        reverse("learning:answer", args=[question.course.slug, question.pk]),
        {"body": "Late"},
        follow=True,
    )
    assert "it takes no new answers" in response.text
    assert not Answer.objects.exists()


def test_instructor_pins_from_the_thread(client, question, instructor):
    client.force_login(instructor)
    client.post(
        reverse("learning:question_moderate", args=[question.course.slug, question.pk]),
        {"action": "pin"},
    )
    question.refresh_from_db()
    assert question.is_pinned


def test_learner_cannot_moderate(enrolled_client, question):
    response = enrolled_client.post(
        reverse("learning:question_moderate", args=[question.course.slug, question.pk]),
        {"action": "hide"},
    )
    question.refresh_from_db()
    assert response.status_code == 403 and not question.is_hidden


def test_author_edits_then_deletes_their_question(enrolled_client, question):
    slug = question.course.slug
    enrolled_client.post(
        reverse("learning:question_edit", args=[slug, question.pk]),
        {"title": "Where is the PDF?", "body": ""},
    )
    question.refresh_from_db()
    assert question.title == "Where is the PDF?"
    enrolled_client.post(reverse("learning:question_delete", args=[slug, question.pk]))
    assert not Question.objects.exists()


def test_someone_else_cannot_edit_a_question(client, question, course):
    classmate = UserFactory()
    learning_services.enroll(user=classmate, course=course)
    client.force_login(classmate)
    url = reverse("learning:question_edit", args=[course.slug, question.pk])
    assert client.get(url).status_code == 403


# --- lists ------------------------------------------------------------------------------------
def test_filters_this_lesson_unanswered_and_mine(enrolled_client, learner, course, lessons):
    QuestionFactory(lesson=lessons[0], title="Answered one", is_answered=True)
    QuestionFactory(lesson=lessons[1], title="Open one")
    QuestionFactory(lesson=lessons[1], title="My own", author=learner)
    by_lesson = enrolled_client.get(questions_url(course, lesson=lessons[1].slug)).text
    assert "Open one" in by_lesson and "Answered one" not in by_lesson
    unanswered = enrolled_client.get(questions_url(course, show="unanswered")).text
    assert "Open one" in unanswered and "Answered one" not in unanswered
    mine = enrolled_client.get(questions_url(course, show="mine")).text
    assert "My own" in mine and "Open one" not in mine


def test_the_list_is_paginated_with_pinned_first(enrolled_client, course, lessons):
    QuestionFactory.create_batch(21, lesson=lessons[0])
    QuestionFactory(lesson=lessons[0], title="Read this first", is_pinned=True)
    first = enrolled_client.get(questions_url(course)).text
    assert first.index("Read this first") < first.index("How does step")
    second = enrolled_client.get(questions_url(course, page=2))
    assert second.status_code == 200 and second.text.count("question-title") == 2


@pytest.mark.parametrize("view", ["list", "thread", "lesson"])
def test_pages_cost_constant_queries(
    enrolled_client, course, lessons, view, django_assert_max_num_queries
):
    def url():
        question = Question.objects.order_by("pk").first()
        return {
            "list": questions_url(course),
            "thread": question.get_absolute_url(),
            "lesson": lessons[0].get_absolute_url(),
        }[view]

    def grow(n):
        question = Question.objects.order_by("pk").first() or QuestionFactory(lesson=lessons[0])
        QuestionFactory.create_batch(n, lesson=lessons[0])
        AnswerFactory.create_batch(n, question=question)
        AnnouncementFactory.create_batch(n, course=course)

    grow(2)
    with django_assert_max_num_queries(16) as few:
        assert enrolled_client.get(url()).status_code == 200
    grow(25)
    with django_assert_max_num_queries(16) as many:
        assert enrolled_client.get(url()).status_code == 200
    assert len(many) == len(few)


# --- announcements and the course page ------------------------------------------------------
def test_dashboard_and_lesson_page_show_announcements(enrolled_client, course, lessons):
    AnnouncementFactory(course=course, title="Office hours moved", body="To **Friday**.")
    AnnouncementFactory(title="Another course's news")
    dashboard = enrolled_client.get(reverse("learning:dashboard")).text
    assert "Office hours moved" in dashboard and "<strong>Friday</strong>" in dashboard
    assert "Another course's news" not in dashboard
    assert "Office hours moved" in enrolled_client.get(lessons[1].get_absolute_url()).text


def test_announcements_page_lists_the_courses_announcements(enrolled_client, course):
    AnnouncementFactory(course=course, title="Week two")
    response = enrolled_client.get(reverse("learning:announcements", args=[course.slug]))
    assert "Week two" in response.text


def test_course_page_shows_questions_to_members_only(client, course, lessons, learner):
    QuestionFactory(lesson=lessons[1], title="Members talk here")
    anonymous = client.get(course.get_absolute_url()).text
    assert "Members talk here" not in anonymous and "Questions &amp; answers" not in anonymous
    client.force_login(UserFactory())
    assert "Members talk here" not in client.get(course.get_absolute_url()).text
    learning_services.enroll(user=learner, course=course)
    client.force_login(learner)
    assert "Members talk here" in client.get(course.get_absolute_url()).text
