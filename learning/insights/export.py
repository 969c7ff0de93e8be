"""The insights page's numbers as CSV: one row per number (table, item, measure, value), the
long format a spreadsheet pivots. Text that a spreadsheet would run as a formula is defused."""

import csv
import io

HEADER = ["table", "item", "measure", "value"]
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Numbers as they are; text that could start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(insights):
    course = insights.course
    yield "course", course.title, "slug", course.slug
    yield "summary", "", "learners", insights.learners
    yield "summary", "", "completed", insights.completed
    yield "summary", "", "completion rate (%)", insights.completion_rate
    yield "summary", "", "median days to complete", insights.median_days
    yield "summary", "", "average rating", insights.rating_average
    yield "summary", "", "reviews", insights.rating_count
    for period in insights.enrolments:
        label = f"{insights.granularity} of {period.start.isoformat()}"
        yield "enrolments", label, "enrolments", period.count
    drop = insights.biggest_drop
    for number, step in enumerate(insights.funnel, start=1):
        item = f"{number}. {step.title}"
        yield "lesson funnel", item, "learners who completed", step.completed
        yield "lesson funnel", item, "share of learners (%)", step.percent
        yield "lesson funnel", item, "fewer than the step before", step.drop
        if step is drop:
            yield "lesson funnel", item, "biggest drop", "yes"
    for quiz in insights.quizzes:
        yield "quizzes", quiz.title, "pass mark (%)", quiz.pass_mark
        yield "quizzes", quiz.title, "attempts", quiz.attempts
        yield "quizzes", quiz.title, "learners who attempted", quiz.learners
        yield "quizzes", quiz.title, "learners who passed", quiz.passed
        yield "quizzes", quiz.title, "pass rate (%)", quiz.pass_rate
        yield "quizzes", quiz.title, "average score (%)", quiz.average_score
    for question in insights.hardest_questions:
        item = f"{question.quiz}: {question.text}"
        yield "hardest questions", item, "answers", question.answers
        yield "hardest questions", item, "correct answers", question.correct
        yield "hardest questions", item, "correct (%)", question.percent_correct
    for month in insights.ratings:
        label = f"month of {month.start.isoformat()}"
        yield "ratings", label, "reviews written", month.count
        yield "ratings", label, "average rating", month.average
    for band in insights.review_progress:
        yield "review progress", band.label, "reviews", band.count


def insights_csv(insights) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows(insights):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
