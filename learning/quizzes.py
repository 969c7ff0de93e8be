"""What learner pages show of quizzes: the lesson page's quiz (its form, the learner's standing,
one attempt reviewed), and the best scores course, dashboard and certificate pages list.

Every function reads a fixed number of queries, whatever the number of questions or attempts.
"""

from dataclasses import dataclass

from courses.models import Lesson

from .forms import QuizForm
from .models import QuizAttempt, QuizResult


@dataclass
class ReviewedOption:
    text: str
    chosen: bool
    correct: bool


@dataclass
class ReviewedQuestion:
    number: int
    question: object
    options: list[ReviewedOption]
    answered: bool  # False: the question was added after this attempt
    right: bool


@dataclass
class LessonQuiz:
    questions: list
    result: QuizResult | None  # the learner's standing (None: no attempt yet)
    form: QuizForm | None  # None while an attempt is reviewed
    attempt: QuizAttempt | None = None
    review: list[ReviewedQuestion] | None = None

    @property
    def right(self) -> int:
        """Questions the reviewed attempt answered right."""
        return sum(item.right for item in self.review or [])


def questions_of(lesson: Lesson) -> list:
    """The quiz's questions with their options (two queries)."""
    return list(lesson.quiz_questions.prefetch_related("options"))


def attempt_of(user, lesson: Lesson, attempt_id) -> QuizAttempt | None:
    """The user's own attempt at this quiz with that id (None for anyone else's, or a bad id)."""
    try:
        attempt_id = int(attempt_id)
    except (TypeError, ValueError):
        return None
    if not user.is_authenticated or not 0 < attempt_id < 2**63:
        return None
    return (
        QuizAttempt.objects.filter(pk=attempt_id, user=user, lesson=lesson)
        .prefetch_related("answers")
        .first()
    )


def review(attempt: QuizAttempt, questions) -> list[ReviewedQuestion]:
    """Each current question of the quiz as this attempt answered it."""
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    reviewed = []
    for number, question in enumerate(questions, 1):
        answer = answers.get(question.pk)
        chosen = set(answer.chosen) if answer else set()
        options = [
            ReviewedOption(option.text, option.pk in chosen, option.is_correct)
            for option in question.options.all()
        ]
        reviewed.append(
            ReviewedQuestion(
                number, question, options, answer is not None, bool(answer and answer.correct)
            )
        )
    return reviewed


def lesson_quiz(user, lesson: Lesson, *, enrolled: bool, form=None, attempt=None) -> LessonQuiz:
    """The quiz of a lesson page: a new form (or the one posted), or `attempt` reviewed."""
    questions = questions_of(lesson)
    result = None
    if enrolled:
        result = (
            QuizAttempt.objects.filter(user=user, lesson=lesson).results_by_lesson().get(lesson.pk)
        )
    if attempt is not None:
        return LessonQuiz(questions, result, None, attempt, review(attempt, questions))
    return LessonQuiz(questions, result, form if form is not None else QuizForm(questions))


def results_in_courses(user, course_ids) -> dict[int, QuizResult]:
    """{quiz lesson id: the user's standing} in these courses (one query)."""
    if not user.is_authenticated:
        return {}
    return QuizAttempt.objects.filter(user=user, course__in=course_ids).results_by_lesson()


def quizzes_by_course(user, course_ids) -> dict[int, list[tuple[Lesson, QuizResult | None]]]:
    """{course id: [(quiz lesson, the user's standing or None)]} in curriculum order (two
    queries), for the dashboard."""
    results = results_in_courses(user, course_ids)
    quizzes = {}
    for lesson in (
        Lesson.objects.filter(course__in=course_ids, kind=Lesson.Kind.QUIZ)
        .only("id", "title", "slug", "course_id")
        .order_by("course_id", "section__order", "section_id", "order", "id")
    ):
        quizzes.setdefault(lesson.course_id, []).append((lesson, results.get(lesson.pk)))
    return quizzes


@dataclass
class QuizSummary:
    quizzes: int  # quiz lessons in the course
    passed: int
    average: int  # of the best scores of the quizzes passed


def summary(user, course) -> QuizSummary:
    """How the user did on the course's quizzes (two queries), for the certificate."""
    total = Lesson.objects.filter(course=course, kind=Lesson.Kind.QUIZ).count()
    if not total:
        return QuizSummary(0, 0, 0)
    passed = [r for r in results_in_courses(user, [course.pk]).values() if r.passed]
    average = round(sum(r.best for r in passed) / len(passed)) if passed else 0
    return QuizSummary(total, len(passed), average)
