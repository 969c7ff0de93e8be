"""The studio's quizzes: questions and their answers authored inline under a quiz lesson."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses import services
from courses.models import Course, Lesson, QuizOption, QuizQuestion
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import (
    CourseFactory,
    LessonFactory,
    QuizQuestionFactory,
    SectionFactory,
    add_quiz,
    course_with_lessons,
)
from users.tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:courses_course_changelist")


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def cover():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor])


@pytest.fixture
def own_quiz(own_course):
    """A quiz at the end of the first section: sections-0-lessons-2 in the course form."""
    return add_quiz(own_course.sections.order_by("order").first(), questions=2)


@pytest.fixture
def foreign_quiz():
    course = course_with_lessons(instructors=[InstructorFactory(email="bea@test.example")])
    return add_quiz(course.sections.first(), title="Bea's quiz", questions=1)


def add_quiz_lesson(data, questions, *, section=0, title="Checkpoint", pass_mark="80"):
    """Add a new quiz lesson to the posted course form; `questions` are
    (text, kind, [(answer, correct), …])."""
    prefix = f"sections-{section}-lessons"
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    lesson = f"{prefix}-{n}"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(n + 1),
            f"{lesson}-title": title,
            f"{lesson}-slug": "",
            f"{lesson}-kind": "quiz",
            f"{lesson}-duration": "5",
            f"{lesson}-pass_mark": pass_mark,
            f"{lesson}-order": str(n),
            f"{lesson}-attachments-TOTAL_FORMS": "0",
            f"{lesson}-attachments-INITIAL_FORMS": "0",
            f"{lesson}-quiz_questions-TOTAL_FORMS": str(len(questions)),
            f"{lesson}-quiz_questions-INITIAL_FORMS": "0",
        }
    )
    for q, (text, kind, answers) in enumerate(questions):
        question = f"{lesson}-quiz_questions-{q}"
        data.update(
            {
                f"{question}-text": text,
                f"{question}-kind": kind,
                f"{question}-explanation": f"Why: {text}",
                f"{question}-order": str(q),
                f"{question}-options-TOTAL_FORMS": str(len(answers)),
                f"{question}-options-INITIAL_FORMS": "0",
            }
        )
        for o, (answer, correct) in enumerate(answers):
            data[f"{question}-options-{o}-text"] = answer
            data[f"{question}-options-{o}-order"] = str(o)
            if correct:
                data[f"{question}-options-{o}-is_correct"] = "on"
    return data


# --- Authoring ----------------------------------------------------------------------------------


def test_a_quiz_lesson_shows_its_questions_answers_and_pass_mark(
    instructor_client, own_course, own_quiz
):
    response = instructor_client.get(change_url(own_course))
    assert response.status_code == 200
    assert "Question 1: which is right?" in response.text
    assert 'value="Right 1"' in response.text
    assert 'name="sections-0-lessons-2-pass_mark" value="70"' in response.text
    assert 'id="sections-0-lessons-2-quiz_questions-group"' in response.text


def test_lessons_that_are_not_quizzes_carry_no_question_forms(
    instructor_client, own_course, own_quiz
):
    response = instructor_client.get(change_url(own_course))
    assert 'id="sections-0-lessons-0-quiz_questions-group"' not in response.text
    assert 'id="sections-1-lessons-1-quiz_questions-group"' not in response.text


def test_instructor_adds_a_quiz_with_questions_and_answers(instructor_client, own_course):
    data = form_data(instructor_client.get(change_url(own_course)))
    add_quiz_lesson(
        data,
        [
            ("Which tag makes a **link**?", "single", [("<a>", True), ("<link>", False)]),
            ("Which are block elements?", "multiple", [("div", True), ("p", True), ("a", False)]),
        ],
    )
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    quiz = Lesson.objects.get(course=own_course, title="Checkpoint")
    assert quiz.kind == Lesson.Kind.QUIZ
    assert quiz.pass_mark == 80
    first, second = quiz.quiz_questions.all()
    assert first.text == "Which tag makes a **link**?"
    assert first.kind == QuizQuestion.Kind.SINGLE
    assert [(o.text, o.is_correct) for o in first.options.all()] == [
        ("<a>", True),
        ("<link>", False),
    ]
    assert second.kind == QuizQuestion.Kind.MULTIPLE
    assert [o.text for o in second.options.filter(is_correct=True)] == ["div", "p"]
    own_course.refresh_from_db()
    assert own_course.lesson_count == 5


@pytest.mark.parametrize(
    ("kind", "answers", "message"),
    [
        ("single", [("Only one", True)], "at least two answers"),
        ("single", [("Yes", False), ("No", False)], "Tick the correct answer"),
        ("multiple", [("Yes", False), ("No", False)], "Tick the correct answer"),
        ("single", [("Yes", True), ("Also yes", True)], "exactly one correct option"),
    ],
)
def test_a_question_that_cannot_be_answered_is_refused(
    instructor_client, own_course, kind, answers, message
):
    data = add_quiz_lesson(
        form_data(instructor_client.get(change_url(own_course))), [("Pick", kind, answers)]
    )
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Lesson.objects.filter(title="Checkpoint").exists()
    assert not QuizQuestion.objects.exists()


def test_unticking_the_only_correct_answer_of_a_saved_question_is_refused(
    instructor_client, own_course, own_quiz
):
    data = form_data(instructor_client.get(change_url(own_course)))
    del data["sections-0-lessons-2-quiz_questions-0-options-0-is_correct"]
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert "Tick the correct answer" in errors_of(response)
    assert QuizOption.objects.get(text="Right 1").is_correct


def test_questions_are_ordered_by_dragging(instructor_client, own_course, own_quiz):
    data = form_data(instructor_client.get(change_url(own_course)))
    prefix = "sections-0-lessons-2-quiz_questions"
    data[f"{prefix}-0-order"], data[f"{prefix}-1-order"] = "1", "0"
    data[f"{prefix}-0-options-0-order"], data[f"{prefix}-0-options-2-order"] = "2", "0"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    assert [q.text[:10] for q in own_quiz.quiz_questions.all()] == ["Question 2", "Question 1"]
    first_question = own_quiz.quiz_questions.get(text__startswith="Question 1")
    assert [o.text for o in first_question.options.all()] == ["Wrong 1-b", "Wrong 1-a", "Right 1"]


def test_deleting_a_quiz_lesson_deletes_its_questions(instructor_client, own_course, own_quiz):
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-DELETE"] = "on"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    assert not Lesson.objects.filter(pk=own_quiz.pk).exists()
    assert not QuizQuestion.objects.exists()


def test_a_form_that_does_not_post_the_quiz_forms_leaves_the_questions_alone(
    instructor_client, own_course, own_quiz
):
    """A client that predates quizzes (no management form for them) still saves the course."""
    data = form_data(instructor_client.get(change_url(own_course)))
    data = {key: value for key, value in data.items() if "quiz_questions" not in key}
    data["subtitle"] = "Edited by an old client"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    assert own_quiz.quiz_questions.count() == 2
    assert Course.objects.get(pk=own_course.pk).subtitle == "Edited by an old client"


def test_the_lesson_page_of_the_studio_edits_a_quiz_too(instructor_client, own_quiz):
    url = reverse("admin:courses_lesson_change", args=[own_quiz.pk])
    data = form_data(instructor_client.get(url))
    data["quiz_questions-0-text"] = "Reworded question"
    data["pass_mark"] = "90"
    response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    own_quiz.refresh_from_db()
    assert own_quiz.pass_mark == 90
    assert own_quiz.quiz_questions.first().text == "Reworded question"


@pytest.mark.parametrize("value", ["0", "101", "-5", "abc"])
def test_a_pass_mark_outside_1_to_100_is_a_form_error(
    instructor_client, own_course, own_quiz, value
):
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-pass_mark"] = value
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert errors_of(response)
    own_quiz.refresh_from_db()
    assert own_quiz.pass_mark == 70


# --- Publishing ---------------------------------------------------------------------------------


@pytest.fixture
def draft_with_empty_quiz(instructor):
    course = CourseFactory(
        instructors=[instructor], status=Course.Status.DRAFT, cover_image=cover()
    )
    section = SectionFactory(course=course)
    LessonFactory(section=section)
    LessonFactory(section=section, title="Final quiz", kind=Lesson.Kind.QUIZ)
    return course


def test_a_draft_may_keep_a_quiz_without_questions(instructor_client, draft_with_empty_quiz):
    course = draft_with_empty_quiz
    data = form_data(instructor_client.get(change_url(course)))
    data["subtitle"] = "Work in progress"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 302, errors_of(response)


def test_publishing_in_the_form_refuses_a_quiz_without_questions(
    instructor_client, draft_with_empty_quiz
):
    course = draft_with_empty_quiz
    data = form_data(instructor_client.get(change_url(course)))
    data["status"] = "published"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 200
    assert "“Final quiz” is a quiz without questions" in errors_of(response)
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


def test_publishing_in_the_form_with_the_quiz_questions_added_in_the_same_save(
    instructor_client, instructor
):
    course = CourseFactory(
        instructors=[instructor], status=Course.Status.DRAFT, cover_image=cover()
    )
    LessonFactory(section=SectionFactory(course=course))
    data = form_data(instructor_client.get(change_url(course)))
    add_quiz_lesson(data, [("Ready?", "single", [("Yes", True), ("No", False)])])
    data["status"] = "published"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 302, errors_of(response)
    assert Course.objects.get(pk=course.pk).is_published


def test_a_published_course_cannot_lose_every_question_of_a_quiz(
    instructor_client, own_course, own_quiz
):
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-quiz_questions-0-DELETE"] = "on"
    data["sections-0-lessons-2-quiz_questions-1-DELETE"] = "on"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert "is a quiz without questions" in errors_of(response)
    assert own_quiz.quiz_questions.count() == 2


def test_a_published_course_may_delete_some_questions(instructor_client, own_course, own_quiz):
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-quiz_questions-0-DELETE"] = "on"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    assert own_quiz.quiz_questions.count() == 1


def test_making_a_lesson_of_a_published_course_a_quiz_needs_questions(
    instructor_client, own_course
):
    lesson = own_course.lessons.order_by("section__order", "order").last()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url))
    data["kind"] = "quiz"
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert "is a quiz without questions" in errors_of(response)
    lesson.refresh_from_db()
    assert lesson.kind == Lesson.Kind.TEXT


def test_publish_refuses_a_quiz_without_questions(draft_with_empty_quiz):
    with pytest.raises(services.PublishError) as refused:
        services.publish(draft_with_empty_quiz)
    assert "a question in the quiz “Final quiz”" in refused.value.message
    assert Course.objects.get(pk=draft_with_empty_quiz.pk).status == Course.Status.DRAFT


def test_publish_refuses_a_question_without_a_correct_answer(draft_with_empty_quiz):
    quiz = Lesson.objects.get(title="Final quiz")
    QuizQuestionFactory(lesson=quiz)  # no options at all
    with pytest.raises(services.PublishError) as refused:
        services.publish(draft_with_empty_quiz)
    assert "a correct answer to every question of the quiz “Final quiz”" in refused.value.message


def test_publish_accepts_a_complete_quiz(instructor):
    course = CourseFactory(
        instructors=[instructor], status=Course.Status.DRAFT, cover_image=cover()
    )
    add_quiz(SectionFactory(course=course))
    services.publish(course)
    assert Course.objects.get(pk=course.pk).is_published


def test_the_publish_action_names_the_empty_quiz(instructor_client, draft_with_empty_quiz):
    response = instructor_client.post(
        CHANGELIST,
        {"action": "publish_courses", "_selected_action": [draft_with_empty_quiz.pk]},
        follow=True,
    )
    assert "cannot be published yet" in response.text
    assert "a question in the quiz “Final quiz”" in response.text
    assert Course.objects.get(pk=draft_with_empty_quiz.pk).status == Course.Status.DRAFT


# --- Own courses only ---------------------------------------------------------------------------


def test_nested_inline_cannot_take_a_foreign_question(
    instructor_client, own_course, own_quiz, foreign_quiz
):
    victim = foreign_quiz.quiz_questions.get()
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-quiz_questions-0-id"] = str(victim.pk)
    data["sections-0-lessons-2-quiz_questions-0-text"] = "Mine now"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    victim.refresh_from_db()
    assert victim.text != "Mine now"
    assert victim.lesson == foreign_quiz


def test_nested_inline_cannot_delete_a_foreign_answer(
    instructor_client, own_course, own_quiz, foreign_quiz
):
    victim = QuizOption.objects.get(question__lesson=foreign_quiz, text="Wrong 1-a")
    data = form_data(instructor_client.get(change_url(own_course)))
    data["sections-0-lessons-2-quiz_questions-0-options-1-id"] = str(victim.pk)
    data["sections-0-lessons-2-quiz_questions-0-options-1-DELETE"] = "on"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert QuizOption.objects.filter(pk=victim.pk).exists()


def test_a_foreign_quiz_lesson_is_not_found_in_the_studio(instructor_client, foreign_quiz):
    url = reverse("admin:courses_lesson_change", args=[foreign_quiz.pk])
    assert instructor_client.get(url).status_code == 404
