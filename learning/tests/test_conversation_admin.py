"""The studio's conversation pages: "Needs an answer", answering, moderating, announcements."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import course_with_lessons
from learning import services as learning_services
from learning.models import Announcement, Answer, Question
from learning.tests.factories import AnswerFactory, QuestionFactory
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor], title="My own course")


@pytest.fixture
def foreign_course():
    return course_with_lessons(instructors=[InstructorFactory()], title="Someone else's course")


def ask(course, title, *, minutes_ago=0, **fields):
    question = QuestionFactory(lesson=course.lessons.first(), title=title, **fields)
    Question.objects.filter(pk=question.pk).update(
        created=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return question


def test_needs_an_answer_lists_own_open_questions_oldest_first(
    instructor_client, own_course, foreign_course
):
    ask(own_course, "Newer question", minutes_ago=5)
    ask(own_course, "Older question", minutes_ago=50)
    ask(own_course, "Already answered", is_answered=True)
    ask(foreign_course, "Not my course")
    response = instructor_client.get(reverse("admin:learning_unansweredquestion_changelist"))
    assert response.status_code == 200
    text = response.text
    assert text.index("Older question") < text.index("Newer question")
    assert "Already answered" not in text
    assert "Not my course" not in text


def test_needs_an_answer_filters_by_course(instructor, instructor_client, own_course):
    other_own = course_with_lessons(instructors=[instructor], title="My second course")
    ask(own_course, "In the first")
    ask(other_own, "In the second")
    url = reverse("admin:learning_unansweredquestion_changelist")
    response = instructor_client.get(url, {"course__id__exact": other_own.pk})
    assert "In the second" in response.text and "In the first" not in response.text


def test_instructor_cannot_open_another_courses_question(instructor_client, foreign_course):
    question = ask(foreign_course, "Private")
    url = reverse("admin:learning_question_change", args=[question.pk])
    assert instructor_client.get(url).status_code == 404


def test_answering_from_the_studio_posts_and_emails(instructor_client, own_course):
    learner = UserFactory()
    learning_services.enroll(user=learner, course=own_course)
    question = ask(own_course, "Stuck on step 2", author=learner)
    url = reverse("admin:learning_unansweredquestion_change", args=[question.pk])
    data = form_data(instructor_client.get(url))
    data["answer"] = "Run **migrate** first."
    response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    answer = Answer.objects.get()
    assert answer.by_instructor and answer.body == "Run **migrate** first."
    question.refresh_from_db()
    assert question.is_answered
    call_command("send_queued_emails", verbosity=0)
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_hiding_an_answer_in_the_studio_tells_its_author(instructor_client, own_course):
    question = ask(own_course, "A question")
    author = UserFactory()
    answer = AnswerFactory(question=question, author=author, body="Spam spam")
    url = reverse("admin:learning_question_change", args=[question.pk])
    data = form_data(instructor_client.get(url))
    data["answers-0-is_hidden"] = "on"
    response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    answer.refresh_from_db()
    assert answer.is_hidden
    call_command("send_queued_emails", verbosity=0)
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_pinning_and_closing_from_the_studio(instructor_client, own_course):
    question = ask(own_course, "Pin me")
    url = reverse("admin:learning_question_change", args=[question.pk])
    data = form_data(instructor_client.get(url))
    data.update(is_pinned="on", is_closed="on")
    instructor_client.post(url, data)
    question.refresh_from_db()
    assert question.is_pinned and question.is_closed


def test_instructor_writes_an_announcement(instructor, instructor_client, own_course):
    url = reverse("admin:learning_announcement_add")
    response = instructor_client.post(
        url, {"course": own_course.pk, "title": "Welcome", "body": "Glad you're here."}
    )
    assert response.status_code == 302, errors_of(response)
    announcement = Announcement.objects.get()
    assert (announcement.course, announcement.author) == (own_course, instructor)


def test_instructor_cannot_announce_in_another_course(instructor_client, foreign_course):
    response = instructor_client.post(
        reverse("admin:learning_announcement_add"),
        {"course": foreign_course.pk, "title": "Hijack", "body": "Hello"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    assert not Announcement.objects.exists()


def test_announcement_choices_are_own_courses_only(instructor_client, own_course, foreign_course):
    response = instructor_client.get(reverse("admin:learning_announcement_add"))
    assert own_course.title in response.text
    assert foreign_course.title not in response.text


def test_superuser_sees_every_question(client, own_course, foreign_course):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    ask(own_course, "Mine")
    ask(foreign_course, "Theirs")
    response = client.get(reverse("admin:learning_question_changelist"))
    assert "Mine" in response.text and "Theirs" in response.text


def test_studio_welcome_links_to_questions_and_announcements(instructor_client):
    response = instructor_client.get(reverse("admin:index"))
    assert reverse("admin:learning_unansweredquestion_changelist") in response.text
    assert reverse("admin:learning_announcement_add") in response.text
