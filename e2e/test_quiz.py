"""Quizzes in a browser: a learner fails, retries, passes, finishes and gets the certificate; the
quiz without JavaScript; an instructor writes a quiz in the studio."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, TIMEOUT_MS, assert_accessible, screenshot

I = re.IGNORECASE  # noqa: E741


@pytest.fixture
def quiz_course(db, instructor):
    """A published course of four lessons and a final quiz of three questions (pass mark 70%)."""
    from courses.tests.factories import add_quiz, course_with_lessons

    course = course_with_lessons(title="Kitchen chemistry", instructors=[instructor])
    quiz = add_quiz(course.sections.order_by("order").last(), title="Final check")
    question = quiz.quiz_questions.first()
    question.text = "Why does bread **rise**?"
    question.explanation = "Yeast turns sugar into *carbon dioxide*, which the dough traps."
    question.save()
    return course, quiz


def answer(page, quiz, right):
    """Pick the right option for the first `right` questions and a wrong one for the others."""
    for n, question in enumerate(quiz.quiz_questions.all()):
        option = question.options.filter(is_correct=n < right).first()
        page.locator(f"input[name='q{question.pk}'][value='{option.pk}']").check()


def test_learner_fails_retries_passes_finishes_and_gets_the_certificate(
    page, login, learner, quiz_course
):
    from learning import services

    course, quiz = quiz_course
    services.enroll(user=learner, course=course)
    login(learner)

    # Lesson by lesson: "Complete and continue" moves on to the next one.
    page.goto(f"/courses/{course.slug}/learn/")
    assert_accessible(page)  # a lesson to complete: Skip, Complete and continue
    screenshot(page, "lesson-nav")
    for _ in range(4):
        page.get_by_role("button", name=re.compile(r"complete and continue", I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Final check")
    expect(page.get_by_role("button", name=re.compile(r"complete and", I))).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "quiz")

    # One right answer of three: not passed, the right answers and why.
    answer(page, quiz, 1)
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(r"\?attempt=\d+#quiz-result$"))
    expect(page.get_by_role("heading", name=re.compile(r"Not passed: 33%"))).to_be_visible()
    expect(page.get_by_text("Question 2: wrong")).to_be_visible()
    expect(page.get_by_text("carbon dioxide")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "quiz-result", full_page=True)

    # Again: everything right.
    page.get_by_role("link", name="Try again").click()
    answer(page, quiz, 3)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name=re.compile(r"You passed with 100%"))).to_be_visible()
    expect(page.get_by_text("Your certificate is ready").first).to_be_visible()

    # The finish screen: the certificate and a review.
    page.get_by_role("link", name=re.compile(r"finish the course", I)).first.click()
    expect(page.get_by_role("heading", name="You finished the course!")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "finish", full_page=True)
    page.get_by_label(re.compile(r"^\s*5")).first.check()
    page.get_by_role("textbox", name=re.compile(r"review", I)).fill("Tasty and clear.")
    page.get_by_role("button", name=re.compile(r"post review", I)).click()
    expect(page).to_have_url(re.compile(r"/finish/#review$"))
    expect(page.get_by_role("heading", name="Your review")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"view your certificate", I)).click()
    expect(page).to_have_url(re.compile(r"/certificates/[0-9a-f-]{36}/$"))
    expect(
        page.get_by_text(re.compile(r"Verified: issued by .* to Lena Learner on"))
    ).to_be_visible()
    expect(page.get_by_text("passed 1 quiz, average 100%")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"print or save as pdf", I))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "certificate-quizzes", full_page=True)

    # The dashboard and the course page show the best score.
    page.goto("/dashboard/")
    expect(page.get_by_text("Passed · best 100%").first).to_be_visible()
    page.goto(course.get_absolute_url())
    page.locator("details.curriculum-section summary").last.click()  # the quiz's section
    expect(page.get_by_text("Passed · best 100%").first).to_be_visible()


def test_the_certificate_link_is_copied_with_one_click(page, login, learner, quiz_course):
    from learning.tests.factories import CertificateFactory

    course, _quiz = quiz_course
    certificate = CertificateFactory(user=learner, course=course)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(certificate.get_absolute_url())
    expect(page.get_by_role("button", name=re.compile(r"print", I))).to_have_count(0)  # not theirs
    page.get_by_role("button", name=re.compile(r"copy link", I)).click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1440"])
def test_the_quiz_and_its_result_fit_a_phone_and_a_desktop(
    new_context, login, learner, quiz_course, viewport
):
    from learning import services

    course, quiz = quiz_course
    services.enroll(user=learner, course=course)
    context = new_context(
        viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE
    )
    context.set_default_timeout(TIMEOUT_MS)
    login(learner, context)
    page = context.new_page()
    page.goto(quiz.get_absolute_url())
    screenshot(page, "quiz-form", full_page=True)
    answer(page, quiz, 2)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name=re.compile(r"Not passed: 66%"))).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the result scrolls sideways at {viewport['width']} px"
    screenshot(page, "quiz-result", full_page=True)
    page.goto(f"/courses/{course.slug}/finish/")
    expect(page.get_by_text("Pass the quiz “Final check”")).to_be_visible()
    screenshot(page, "finish-remaining", full_page=True)


def test_the_quiz_works_without_javascript(nojs_page, login, learner, quiz_course):
    from learning import services
    from learning.models import QuizAttempt

    course, quiz = quiz_course
    services.enroll(user=learner, course=course)
    page = nojs_page
    login(learner, page.context)
    page.goto(quiz.get_absolute_url())
    # An unanswered question is a form error; what was answered stays.
    first = quiz.quiz_questions.first()
    right = first.options.get(is_correct=True)
    page.locator(f"input[name='q{first.pk}'][value='{right.pk}']").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text(re.compile(r"questions 2, 3 have no answer"))).to_be_visible()
    expect(page.locator(f"input[name='q{first.pk}'][value='{right.pk}']")).to_be_checked()
    answer(page, quiz, 3)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name=re.compile(r"You passed with 100%"))).to_be_visible()
    assert QuizAttempt.objects.filter(user=learner).count() == 1


def test_instructor_writes_a_quiz_in_the_studio(page, login, instructor, quiz_course):
    from courses.models import Lesson

    course, _quiz = quiz_course
    login(instructor)
    page.set_viewport_size({"width": 1440, "height": 1200})
    page.goto(f"/admin/courses/course/{course.pk}/change/")
    # Lessons that are not quizzes show no question forms; the quiz shows its questions.
    expect(page.locator("[id='sections-0-lessons-0-quiz_questions-group']")).to_have_count(0)
    expect(page.locator("textarea", has_text="Why does bread").first).to_be_visible()

    # A new lesson: its question forms appear once its kind is Quiz.
    add_lesson = page.locator("[id='sections-0'] .djn-add-handler.djn-model-courses-lesson").last
    add_lesson.click()
    prefix = "sections-0-lessons-2"
    page.locator(f"input[name='{prefix}-title']").fill("Warm-up quiz")
    questions = page.locator(f"[id='{prefix}-quiz_questions-group']")
    expect(questions).to_be_hidden()
    page.locator(f"select[name='{prefix}-kind']").select_option("quiz")
    expect(questions).to_be_visible()
    questions.locator(".djn-add-handler.djn-model-courses-quizquestion").last.click()
    question = f"{prefix}-quiz_questions-0"
    page.locator(f"textarea[name='{question}-text']").fill("Which gas makes bread rise?")
    add_answer = page.locator(f"[id='{question}'] .djn-add-handler.djn-model-courses-quizoption")
    for n, (text, correct) in enumerate([("Carbon dioxide", True), ("Helium", False)]):
        add_answer.last.click()
        page.locator(f"input[name='{question}-options-{n}-text']").fill(text)
        if correct:
            page.locator(f"input[name='{question}-options-{n}-is_correct']").check()
    screenshot(page, "studio-quiz")
    page.get_by_role("button", name=re.compile(r"save and continue", I)).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    quiz = Lesson.objects.get(course=course, title="Warm-up quiz")
    assert quiz.kind == Lesson.Kind.QUIZ
    (saved,) = quiz.quiz_questions.all()
    assert [(o.text, o.is_correct) for o in saved.options.all()] == [
        ("Carbon dioxide", True),
        ("Helium", False),
    ]
