"""The numbers of a course's insights page, read with a fixed number of aggregate queries.

Whatever the number of learners, lessons or answers, `course_insights` runs the same queries
(fewer while nobody has enrolled, finished or reviewed): the database counts (per week or month
with one filtered count per period), groups and sorts; Python only walks the results, which are
bounded by the course's curriculum and age, never by its learners.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    Q,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson, QuizQuestion

from ..models import Enrollment, LessonProgress, QuizAnswer, QuizAttempt, Review

CURRICULUM_ORDER = ("section__order", "section_id", "order", "id")
# Enrolments are counted per week while the course is younger than this, per month after.
WEEKLY_UNTIL = timedelta(weeks=26)
HARDEST_QUESTIONS = 5
# A review's progress when written: the labels learners' reviews show, in four bands.
PROGRESS_BANDS = [
    ("early", _("before 25 %"), Q(progress_percent__lt=25)),
    ("middle", _("25–75 %"), Q(progress_percent__gte=25, progress_percent__lte=75)),
    ("late", _("over 75 %, not finished"), Q(progress_percent__gt=75, progress_percent__lt=100)),
    ("completed", _("completed the course"), Q(progress_percent__gte=100)),
]


def share(part, whole) -> float | None:
    """part / whole in percent, one decimal (None when there is no whole)."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass
class Period:
    start: date
    count: int


@dataclass
class FunnelStep:
    lesson_id: int
    title: str
    section: str
    kind: str
    completed: int
    percent: float | None  # of the enrolled learners
    drop: int  # fewer learners than at the step before (the first: than enrolled)
    pass_mark: int = 0


@dataclass
class QuizResult:
    lesson_id: int
    title: str
    pass_mark: int
    attempts: int
    learners: int
    passed: int
    average_score: float | None

    @property
    def pass_rate(self):
        return share(self.passed, self.learners)


@dataclass
class HardQuestion:
    question_id: int
    text: str
    quiz: str
    answers: int
    correct: int

    @property
    def percent_correct(self):
        return share(self.correct, self.answers)


@dataclass
class RatingMonth:
    start: date
    average: float | None
    count: int


@dataclass
class ProgressBand:
    key: str
    label: str
    count: int


@dataclass
class CourseInsights:
    course: Course
    learners: int = 0
    completed: int = 0
    median_days: float | None = None
    granularity: str = "month"  # of `enrolments`: "week" or "month"
    enrolments: list[Period] = field(default_factory=list)
    funnel: list[FunnelStep] = field(default_factory=list)
    quizzes: list[QuizResult] = field(default_factory=list)
    hardest_questions: list[HardQuestion] = field(default_factory=list)
    ratings: list[RatingMonth] = field(default_factory=list)
    rating_average: float | None = None
    rating_count: int = 0
    review_progress: list[ProgressBand] = field(default_factory=list)

    @property
    def completion_rate(self):
        return share(self.completed, self.learners)

    @property
    def biggest_drop(self) -> FunnelStep | None:
        """The step that loses the most learners (the earliest of equal drops), if any does."""
        steps = [step for step in self.funnel if step.drop > 0]
        return max(steps, key=lambda step: step.drop, default=None)

    def step_before(self, step: FunnelStep) -> FunnelStep | None:
        index = self.funnel.index(step)
        return self.funnel[index - 1] if index else None


def course_insights(course: Course, *, now: datetime | None = None) -> CourseInsights:
    """Everything the insights page shows about `course` (10 queries, whatever its size)."""
    now = now or timezone.now()
    insights = CourseInsights(course=course)
    enrollments = Enrollment.objects.filter(course=course)
    totals = enrollments.aggregate(
        learners=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        first=Min("created"),
    )
    insights.learners, insights.completed = totals["learners"], totals["completed"]
    insights.median_days = median_days_to_complete(enrollments, insights.completed)
    if totals["first"] is not None:
        insights.granularity = "week" if now - totals["first"] <= WEEKLY_UNTIL else "month"
        insights.enrolments = enrolments_over_time(
            enrollments, insights.granularity, totals["first"], now
        )
    insights.funnel = lesson_funnel(course, insights.learners)
    insights.quizzes = quiz_results(course, insights.funnel)
    insights.hardest_questions = hardest_questions(course)
    reviews = Review.objects.filter(course=course)
    review_totals = reviews.aggregate(
        average=Avg("rating"),
        count=Count("pk"),
        first=Min("created"),
        **{key: Count("pk", filter=condition) for key, _label, condition in PROGRESS_BANDS},
    )
    insights.rating_count = review_totals["count"]
    if review_totals["average"] is not None:
        insights.rating_average = round(float(review_totals["average"]), 2)
        insights.ratings = ratings_over_time(reviews, review_totals["first"], now)
    insights.review_progress = [
        ProgressBand(key, str(label), review_totals[key]) for key, label, _c in PROGRESS_BANDS
    ]
    return insights


def median_days_to_complete(enrollments, completed: int) -> float | None:
    """The median of enrolment → completion over every learner who finished, in days.

    The database sorts the durations and hands back the middle one or two rows (no percentile
    function on SQLite, and no Python pass over all the learners)."""
    if not completed:
        return None
    took = ExpressionWrapper(F("completed_at") - F("created"), output_field=DurationField())
    offset = (completed - 1) // 2
    middle = list(
        enrollments.filter(completed_at__isnull=False)
        .annotate(took=took)
        .order_by("took", "pk")
        .values_list("took", flat=True)[offset : offset + (1 if completed % 2 else 2)]
    )
    if not middle:
        return None
    seconds = sum(value.total_seconds() for value in middle) / len(middle)
    return round(seconds / 86400, 1)


def _period_start(moment, granularity: str) -> date:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_period(start: date, granularity: str) -> date:
    if granularity == "week":
        return start + timedelta(weeks=1)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _periods(first, now, granularity: str) -> list[date]:
    """Every period start from the one holding `first` to the one holding `now`."""
    start, last = _period_start(first, granularity), _period_start(now, granularity)
    periods = []
    while start <= last:
        periods.append(start)
        start = _next_period(start, granularity)
    return periods


def _in_period(starts, index, field="created") -> Q:
    """The rows whose `field` falls in the period starting at starts[index] (local time)."""
    begin = timezone.make_aware(datetime.combine(starts[index], time()))
    condition = Q(**{f"{field}__gte": begin}) if index else Q()
    if index + 1 < len(starts):
        end = timezone.make_aware(datetime.combine(starts[index + 1], time()))
        condition &= Q(**{f"{field}__lt": end})
    return condition


def enrolments_over_time(enrollments, granularity: str, first, now) -> list[Period]:
    """Enrolments per period, counted in one pass of plain comparisons (truncating each row's
    date would call a Python function per row on SQLite)."""
    starts = _periods(first, now, granularity)
    if not starts:
        return []
    counts = enrollments.aggregate(
        **{f"p{i}": Count("pk", filter=_in_period(starts, i)) for i in range(len(starts))}
    )
    return [Period(start, counts[f"p{i}"]) for i, start in enumerate(starts)]


def lesson_funnel(course: Course, learners: int) -> list[FunnelStep]:
    """Each lesson, in curriculum order, with the enrolled learners who completed it."""
    # Progress is kept when a learner leaves a course: count only those still enrolled
    # (read from the progress_course_lesson index alone).
    enrolled = Enrollment.objects.filter(course=course).values("user")
    completed = dict(
        LessonProgress.objects.filter(course=course, user__in=enrolled)
        .values("lesson")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("lesson", "n")
    )
    rows = (
        Lesson.objects.filter(course=course)
        .order_by(*CURRICULUM_ORDER)
        .values("id", "title", "kind", "pass_mark", "section__title")
    )
    steps, before = [], learners
    for row in rows:
        done = completed.get(row["id"], 0)
        steps.append(
            FunnelStep(
                lesson_id=row["id"],
                title=row["title"],
                section=row["section__title"],
                kind=row["kind"],
                completed=done,
                percent=share(done, learners),
                drop=max(0, before - done),
                pass_mark=row["pass_mark"],
            )
        )
        before = done
    return steps


def quiz_results(course: Course, funnel: list[FunnelStep]) -> list[QuizResult]:
    """Every quiz of the course in curriculum order: attempts, learners, who passed."""
    totals = {
        row["lesson"]: row
        for row in QuizAttempt.objects.filter(course=course)
        .values("lesson")
        .annotate(
            attempts=Count("pk"),
            learners=Count("user", distinct=True),
            passed=Count("user", distinct=True, filter=Q(passed=True)),
            average=Avg("score"),
        )
        .order_by()
    }
    results = []
    for step in funnel:
        if step.kind != Lesson.Kind.QUIZ and step.lesson_id not in totals:
            continue
        row = totals.get(step.lesson_id, {})
        average = row.get("average")
        results.append(
            QuizResult(
                lesson_id=step.lesson_id,
                title=step.title,
                pass_mark=step.pass_mark,
                attempts=row.get("attempts", 0),
                learners=row.get("learners", 0),
                passed=row.get("passed", 0),
                average_score=None if average is None else round(float(average), 1),
            )
        )
    return results


def hardest_questions(course: Course, limit: int = HARDEST_QUESTIONS) -> list[HardQuestion]:
    """The questions answered right least often (of every answer submitted), hardest first."""
    questions = QuizQuestion.objects.filter(lesson__course=course)
    rows = list(
        # Through the (question, correct) index: the answers' table is never read.
        QuizAnswer.objects.filter(question__in=questions.values("pk"))
        .values("question")
        .annotate(answers=Count("pk"), correct=Count("pk", filter=Q(correct=True)))
        .annotate(
            right=ExpressionWrapper(
                F("correct") * Value(1.0) / F("answers"), output_field=FloatField()
            )
        )
        .order_by("right", "-answers", "question")[:limit]
    )
    if not rows:
        return []
    texts = {
        question["pk"]: question
        for question in questions.filter(pk__in=[row["question"] for row in rows]).values(
            "pk", "text", "lesson__title"
        )
    }
    return [
        HardQuestion(
            question_id=row["question"],
            text=texts[row["question"]]["text"],
            quiz=texts[row["question"]]["lesson__title"],
            answers=row["answers"],
            correct=row["correct"],
        )
        for row in rows
    ]


def ratings_over_time(reviews, first, now) -> list[RatingMonth]:
    """The average rating of the reviews written each month, from the first review on."""
    starts = _periods(first, now, "month")
    if not starts:
        return []
    totals = reviews.aggregate(
        **{f"n{i}": Count("pk", filter=_in_period(starts, i)) for i in range(len(starts))},
        **{f"a{i}": Avg("rating", filter=_in_period(starts, i)) for i in range(len(starts))},
    )
    return [
        RatingMonth(
            start,
            None if totals[f"a{i}"] is None else round(float(totals[f"a{i}"]), 2),
            totals[f"n{i}"],
        )
        for i, start in enumerate(starts)
    ]
