"""A small course whose insights are known by heart (learning/tests/test_insights*.py, e2e).

Four enrolled learners, A, B, C and D, in a course of four lessons (two of them quizzes):

- enrolled 5 Jan, 20 Jan, 2 Mar and 10 Mar 2026; A finished 2 days after enrolling, B 5 days
  after: completion rate 50 %, median 3.5 days;
- A and B completed every lesson, C and D only the first: the funnel is 4, 2, 2, 2 and its
  biggest drop is "Basics quiz" (2 fewer than "Welcome"); E left the course after completing
  everything, and is not counted;
- "Basics quiz" (pass mark 60): A 40 then 80, B 100, C 20 → 3 learners tried, 2 passed
  (66.7 %), average score 60; "Final quiz": A 90, B 50 → 50 %;
- "What is 2 + 2?" was answered right once in 4 answers (25 %, the hardest), "Name the capital
  of France" 3 in 4, "Which is a prime?" 1 in 2;
- reviews: A 5★ in Jan (done), B 3★, C 4★ (at 25 %) and D 2★ (at 0 %) in March: 3.5 on average,
  5.0 in Jan and 3.0 in Mar; 1 review before 25 %, 1 at 25–75 %, none after, 2 completed.
"""

from datetime import UTC, datetime, timedelta

from courses.models import Lesson, QuizOption, QuizQuestion
from courses.tests.factories import CourseFactory, LessonFactory, SectionFactory
from learning.models import Enrollment, LessonProgress, QuizAnswer, QuizAttempt, Review
from users.tests.factories import UserFactory

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def day(month, day_of_month, hour=9):
    return datetime(2026, month, day_of_month, hour, 0, tzinfo=UTC)


def quiz_question(lesson, text, order):
    question = QuizQuestion.objects.create(lesson=lesson, text=text, order=order)
    QuizOption.objects.create(question=question, text="Right", is_correct=True, order=0)
    QuizOption.objects.create(question=question, text="Wrong", is_correct=False, order=1)
    return question


def attempt(user, lesson, score, answers):
    """A quiz attempt with its answers: {question: correct?}."""
    import uuid

    made = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        course=lesson.course,
        score=score,
        passed=score >= lesson.pass_mark,
        token=uuid.uuid4(),
    )
    QuizAnswer.objects.bulk_create(
        QuizAnswer(attempt=made, question=question, chosen=[], correct=correct)
        for question, correct in answers.items()
    )
    return made


def enrol(user, course, created, completed_at=None):
    enrollment = Enrollment.objects.create(user=user, course=course)
    # created is auto_now_add: set the past afterwards.
    Enrollment.objects.filter(pk=enrollment.pk).update(created=created, completed_at=completed_at)
    return enrollment


def review(user, course, rating, progress, created):
    made = Review.objects.create(
        user=user, course=course, rating=rating, text="Fine.", progress_percent=progress
    )
    Review.objects.filter(pk=made.pk).update(created=created, updated=created)
    return made


def known_course(*, instructors=None, title="Known numbers"):
    """The course described above; returns a dict of its rows by name."""
    course = CourseFactory(title=title, **({"instructors": instructors} if instructors else {}))
    first, second = SectionFactory(course=course, order=0), SectionFactory(course=course, order=1)
    lessons = {
        "welcome": LessonFactory(section=first, order=0, title="Welcome"),
        "basics": LessonFactory(
            section=first, order=1, title="Basics quiz", kind=Lesson.Kind.QUIZ, pass_mark=60
        ),
        "deep": LessonFactory(section=second, order=0, title="Deep dive"),
        "final": LessonFactory(section=second, order=1, title="Final quiz", kind=Lesson.Kind.QUIZ),
    }
    questions = {
        "sum": quiz_question(lessons["basics"], "What is 2 + 2?", 0),
        "capital": quiz_question(lessons["basics"], "Name the capital of France", 1),
        "prime": quiz_question(lessons["final"], "Which is a prime?", 0),
    }
    a, b, c, d, e = (UserFactory(name=f"Learner {n}") for n in "ABCDE")
    enrol(a, course, day(1, 5), day(1, 7))
    enrol(b, course, day(1, 20), day(1, 25))
    enrol(c, course, day(3, 2))
    enrol(d, course, day(3, 10))
    for user, done in [(a, lessons), (b, lessons), (c, ["welcome"]), (d, ["welcome"]),
                       (e, lessons)]:  # fmt: skip
        for name in done:
            LessonProgress.objects.create(user=user, lesson=lessons[name], course=course)
    sum_q, capital, prime = questions["sum"], questions["capital"], questions["prime"]
    attempt(a, lessons["basics"], 40, {sum_q: False, capital: False})
    attempt(a, lessons["basics"], 80, {sum_q: False, capital: True})
    attempt(b, lessons["basics"], 100, {sum_q: True, capital: True})
    attempt(c, lessons["basics"], 20, {sum_q: False, capital: True})
    attempt(a, lessons["final"], 90, {prime: True})
    attempt(b, lessons["final"], 50, {prime: False})
    review(a, course, 5, 100, day(1, 20))
    review(b, course, 3, 100, day(3, 15))
    review(c, course, 4, 25, day(3, 20))
    review(d, course, 2, 0, day(3, 25))
    return {"course": course, "lessons": lessons, "questions": questions}


def more_learners(course, count, *, start=None):
    """`count` more learners, each completing every lesson, passing every quiz and reviewing:
    more rows everywhere, for query-count tests."""
    start = start or day(2, 1)
    lessons = list(course.lessons.all())
    questions = list(QuizQuestion.objects.filter(lesson__course=course))
    for n in range(count):
        user = UserFactory()
        enrol(user, course, start + timedelta(days=n), start + timedelta(days=n + 3))
        LessonProgress.objects.bulk_create(
            LessonProgress(user=user, lesson=lesson, course=course) for lesson in lessons
        )
        for lesson in lessons:
            if lesson.kind == Lesson.Kind.QUIZ:
                attempt(user, lesson, 100, {q: True for q in questions if q.lesson_id == lesson.pk})
        review(user, course, 4, 100, start + timedelta(days=n + 4))
