"""The studio's "Course insights": own courses only, the page, its CSV and its query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.tests.factories import course_with_lessons
from learning.tests.insights_data import known_course, more_learners
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(instructor):
    return known_course(instructors=[instructor])


@pytest.fixture
def foreign_course():
    return course_with_lessons(
        instructors=[InstructorFactory()], title="A course taught by someone else"
    )


def page_url(course):
    return reverse("admin:learning_courseinsights_detail", args=[course.pk])


def csv_url(course):
    return reverse("admin:learning_courseinsights_csv", args=[course.pk])


def test_the_list_shows_own_courses_with_learners_completion_and_rating(
    instructor_client, known, foreign_course
):
    response = instructor_client.get(reverse("admin:learning_courseinsights_changelist"))
    assert response.status_code == 200
    text = response.text
    assert "Known numbers" in text
    assert page_url(known["course"]) in text
    assert foreign_course.title not in text
    row = text[text.index("Known numbers") :]
    row = row[: row.index("</tr>")]
    assert 'field-learners">4<' in row
    assert 'field-completed">2<' in row
    assert "50 %" in row  # 2 of 4 learners completed


def test_the_page_shows_the_numbers_charts_and_tables(instructor_client, known):
    response = instructor_client.get(page_url(known["course"]))
    assert response.status_code == 200
    text = response.text
    assert "Insights: Known numbers" in text
    assert "50 %" in text  # completion rate
    assert "3.5 days" in text  # median time to complete
    assert "“Basics quiz”, completed by 2 fewer learners than “Welcome” before it." in text
    assert text.count('role="img"') == 5
    assert '<title id="chart-funnel-title">Learners who completed each lesson</title>' in text
    assert 'aria-labelledby="chart-funnel-title chart-funnel-desc"' in text
    assert "What is 2 + 2?" in text  # the hardest question
    assert "66.7 %" in text  # the basics quiz's pass rate
    assert "completed the course" in text  # a review progress band
    assert text.count("<table") == 6
    assert csv_url(known["course"]) in text


def test_the_page_of_a_course_nobody_enrolled_in_renders(instructor_client, instructor):
    course = course_with_lessons(instructors=[instructor])
    response = instructor_client.get(page_url(course))
    assert response.status_code == 200
    assert "Nobody has enrolled yet" in response.text
    assert "No reviews yet." in response.text


def test_another_instructors_course_is_a_404(instructor_client, foreign_course):
    assert instructor_client.get(page_url(foreign_course)).status_code == 404
    assert instructor_client.get(csv_url(foreign_course)).status_code == 404


def test_an_unknown_course_is_a_404(instructor_client):
    assert instructor_client.get("/admin/learning/courseinsights/999999/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_learners_and_visitors_are_sent_to_log_in(client, known, who):
    if who == "learner":
        client.force_login(UserFactory())
    for url in (page_url(known["course"]), csv_url(known["course"])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_superuser_sees_any_course(client, known, foreign_course):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(page_url(known["course"])).status_code == 200
    assert client.get(page_url(foreign_course)).status_code == 200
    listing = client.get(reverse("admin:learning_courseinsights_changelist")).text
    assert "Known numbers" in listing and foreign_course.title in listing


def test_the_change_address_leads_to_the_insights(instructor_client, known):
    course = known["course"]
    response = instructor_client.get(
        reverse("admin:learning_courseinsights_change", args=[course.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(course)


def test_nothing_can_be_posted(instructor_client, known):
    response = instructor_client.post(csv_url(known["course"]))
    assert response.status_code == 405


def test_the_csv_downloads_the_numbers_of_own_course(instructor_client, known):
    response = instructor_client.get(csv_url(known["course"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="' in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["table", "item", "measure", "value"]
    assert ["summary", "", "learners", "4"] in rows
    assert ["quizzes", "Final quiz", "pass rate (%)", "50.0"] in rows


def test_the_csv_of_a_course_nobody_enrolled_in(instructor_client, instructor):
    course = course_with_lessons(instructors=[instructor])
    rows = list(csv.reader(io.StringIO(instructor_client.get(csv_url(course)).text)))
    assert ["summary", "", "completion rate (%)", ""] in rows


def test_the_page_costs_the_same_queries_at_any_size(instructor_client, known):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert instructor_client.get(page_url(known["course"])).status_code == 200
        return len(captured)

    small = queries()
    more_learners(known["course"], 15)
    assert queries() == small


def test_the_course_studio_page_links_to_its_insights(instructor_client, known):
    course = known["course"]
    response = instructor_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert response.status_code == 200
    assert page_url(course) in response.text


def test_the_studio_home_links_to_course_insights(instructor_client):
    response = instructor_client.get(reverse("admin:index"))
    assert reverse("admin:learning_courseinsights_changelist") in response.text


def test_the_list_costs_the_same_queries_at_any_size(instructor_client, instructor, known):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            instructor_client.get(reverse("admin:learning_courseinsights_changelist"))
        return len(captured)

    small = queries()
    for _ in range(4):
        more_learners(course_with_lessons(instructors=[instructor]), 2)
    assert queries() == small
