"""The numbers of a course's insights (learning.insights.stats) on a course known by heart
(learning/tests/insights_data.py), and their CSV."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.tests.factories import CourseFactory, course_with_lessons
from learning.insights.charts import insights_charts
from learning.insights.export import insights_csv, safe_cell
from learning.insights.stats import course_insights
from learning.tests.insights_data import NOW, day, enrol, known_course, more_learners
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known():
    return known_course()


@pytest.fixture
def insights(known):
    return course_insights(known["course"], now=NOW)


def test_learners_completion_rate_and_median_time_to_complete(insights):
    assert insights.learners == 4
    assert insights.completed == 2
    assert insights.completion_rate == 50.0
    assert insights.median_days == 3.5  # 2 and 5 days


def test_median_of_an_odd_number_of_completions_is_the_middle_one(known):
    enrol(UserFactory(), known["course"], day(4, 1), day(4, 11))  # 10 days
    insights = course_insights(known["course"], now=NOW)
    assert insights.median_days == 5.0  # 2, 5, 10


def test_enrolments_are_counted_per_month_over_an_older_course(insights):
    assert insights.granularity == "month"
    counts = [(period.start, period.count) for period in insights.enrolments]
    assert counts == [
        (date(2026, 1, 1), 2),
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 2),
        *((date(2026, month, 1), 0) for month in range(4, 10)),
    ]


def test_enrolments_are_counted_per_week_over_a_young_course(known):
    insights = course_insights(known["course"], now=day(3, 20))
    assert insights.granularity == "week"
    counts = {period.start: period.count for period in insights.enrolments}
    assert insights.enrolments[0].start == date(2026, 1, 5)  # the Monday of the first enrolment
    assert insights.enrolments[-1].start == date(2026, 3, 16)
    assert counts[date(2026, 1, 5)] == 1
    assert counts[date(2026, 1, 19)] == 1
    assert counts[date(2026, 3, 2)] == 1
    assert counts[date(2026, 3, 9)] == 1
    assert sum(counts.values()) == 4
    assert all(b.start - a.start == timedelta(weeks=1) for a, b in zip(
        insights.enrolments, insights.enrolments[1:], strict=False))  # fmt: skip


def test_funnel_counts_enrolled_learners_per_lesson_in_curriculum_order(insights):
    steps = [(step.title, step.completed, step.percent) for step in insights.funnel]
    # E completed everything, then left the course: not counted.
    assert steps == [
        ("Welcome", 4, 100.0),
        ("Basics quiz", 2, 50.0),
        ("Deep dive", 2, 50.0),
        ("Final quiz", 2, 50.0),
    ]


def test_funnel_names_its_biggest_drop(insights):
    drop = insights.biggest_drop
    assert drop.title == "Basics quiz"
    assert drop.drop == 2
    assert insights.step_before(drop).title == "Welcome"


def test_quiz_pass_rates_count_learners_not_attempts(insights):
    quizzes = {quiz.title: quiz for quiz in insights.quizzes}
    assert list(quizzes) == ["Basics quiz", "Final quiz"]
    basics = quizzes["Basics quiz"]
    assert (basics.attempts, basics.learners, basics.passed) == (4, 3, 2)
    assert basics.pass_rate == 66.7
    assert basics.average_score == 60.0
    assert basics.pass_mark == 60
    assert quizzes["Final quiz"].pass_rate == 50.0


def test_hardest_questions_come_first(insights):
    rows = [(q.text, q.quiz, q.answers, q.correct, q.percent_correct)
            for q in insights.hardest_questions]  # fmt: skip
    assert rows == [
        ("What is 2 + 2?", "Basics quiz", 4, 1, 25.0),
        ("Which is a prime?", "Final quiz", 2, 1, 50.0),
        ("Name the capital of France", "Basics quiz", 4, 3, 75.0),
    ]


def test_ratings_per_month_and_review_progress_bands(insights):
    assert insights.rating_average == 3.5
    assert insights.rating_count == 4
    months = {month.start: (month.average, month.count) for month in insights.ratings}
    assert months[date(2026, 1, 1)] == (5.0, 1)
    assert months[date(2026, 2, 1)] == (None, 0)
    assert months[date(2026, 3, 1)] == (3.0, 3)
    assert insights.ratings[-1].start == date(2026, 9, 1)
    bands = {band.key: band.count for band in insights.review_progress}
    assert bands == {"early": 1, "middle": 1, "late": 0, "completed": 2}


def test_an_empty_course_has_no_rates_and_no_division_by_zero():
    insights = course_insights(course_with_lessons(), now=NOW)
    assert insights.learners == 0
    assert insights.completion_rate is None
    assert insights.median_days is None
    assert insights.enrolments == []
    assert [step.percent for step in insights.funnel] == [None] * 4
    assert insights.biggest_drop is None
    assert insights.quizzes == [] and insights.hardest_questions == []
    assert insights.ratings == [] and insights.rating_average is None
    charts = insights_charts(insights)
    assert set(charts) == {"funnel"}


def test_a_course_without_lessons_has_no_funnel():
    insights = course_insights(CourseFactory(), now=NOW)
    assert insights.funnel == []
    assert insights_charts(insights) == {}


def test_the_same_queries_whatever_the_size_of_the_course(known):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            course_insights(known["course"], now=NOW)
        return len(captured)

    small = queries()
    more_learners(known["course"], 12)
    assert queries() == small
    assert small <= 10


def test_charts_describe_the_biggest_drop_and_each_quiz(insights):
    charts = insights_charts(insights)
    assert set(charts) == {"enrolments", "funnel", "quizzes", "ratings", "review_progress"}
    assert "The biggest drop is at “Basics quiz”" in charts["funnel"].description
    assert "Basics quiz 66.7 % (2 of 3)" in charts["quizzes"].description
    assert [row.highlight for row in charts["funnel"].rows] == [False, True, False, False]
    assert charts["funnel"].rows[0].width == 100.0
    assert charts["funnel"].rows[1].width == 50.0
    heights = [column.height for column in charts["enrolments"].columns]
    assert heights == [160.0, 0.0, 160.0, *[0.0] * 6]  # Jan to Sep, the scale up to 2
    assert charts["enrolments"].title == "Enrolments per month"


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_holds_the_page_numbers(insights):
    rows = read_csv(insights_csv(insights))
    assert rows[0] == ["table", "item", "measure", "value"]
    assert ["summary", "", "completion rate (%)", "50.0"] in rows
    assert ["summary", "", "median days to complete", "3.5"] in rows
    assert ["enrolments", "month of 2026-01-01", "enrolments", "2"] in rows
    assert ["lesson funnel", "2. Basics quiz", "learners who completed", "2"] in rows
    assert ["lesson funnel", "2. Basics quiz", "biggest drop", "yes"] in rows
    assert ["quizzes", "Basics quiz", "pass rate (%)", "66.7"] in rows
    assert ["hardest questions", "Basics quiz: What is 2 + 2?", "correct (%)", "25.0"] in rows
    assert ["ratings", "month of 2026-03-01", "average rating", "3.0"] in rows
    assert ["review progress", "completed the course", "reviews", "2"] in rows


def test_csv_defuses_formulas_in_lesson_titles(known):
    lesson = known["lessons"]["deep"]
    lesson.title = '=HYPERLINK("https://evil.example","click")'
    lesson.save()
    text = insights_csv(course_insights(known["course"], now=NOW))
    items = {row[1] for row in read_csv(text)}
    assert '\'3. =HYPERLINK("https://evil.example","click")' not in items  # numbered: safe
    assert '3. =HYPERLINK("https://evil.example","click")' in items
    lesson.title = "@SUM(1+1)"
    known["lessons"]["final"].title = "-2+3"
    known["lessons"]["final"].save()
    text = insights_csv(course_insights(known["course"], now=NOW))
    items = {row[1] for row in read_csv(text)}
    assert "'-2+3" in items  # the quiz's own row starts with its title
    assert not any(item.startswith(("=", "+", "-", "@")) for item in items)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_safe_cell_defuses_every_formula_start(text):
    assert safe_cell(text) == "'" + text


def test_safe_cell_keeps_numbers_and_plain_text():
    assert safe_cell(-3) == -3
    assert safe_cell(2.5) == 2.5
    assert safe_cell("Welcome") == "Welcome"
    assert safe_cell(None) == ""
