from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from courses.models import Course
from learning import services
from learning.models import Review
from learning.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def review_url(course):
    return reverse("learning:review", kwargs={"slug": course.slug})


def render_reviews(course, user):
    request = RequestFactory().get(course.get_absolute_url())
    request.user = user
    template = Template("{% load learning_tags %}{% course_reviews course %}")
    return template.render(Context({"request": request, "course": course}))


def test_enrolled_learner_posts_review(enrolled_client, learner, course):
    response = enrolled_client.post(review_url(course), {"rating": "4", "text": "Solid course"})
    assert response.url == course.get_absolute_url() + "#reviews"
    review = Review.objects.get(user=learner, course=course)
    assert (review.rating, review.text) == (4, "Solid course")


def test_review_updates_course_rating(enrolled_client, course):
    enrolled_client.post(review_url(course), {"rating": "3", "text": "Okay"})
    course = Course.objects.get(pk=course.pk)
    assert (course.rating_average, course.rating_count) == (Decimal("3.00"), 1)


def test_second_review_edits_the_first(enrolled_client, learner, course):
    enrolled_client.post(review_url(course), {"rating": "2", "text": "First"})
    enrolled_client.post(review_url(course), {"rating": "5", "text": "Changed my mind"})
    assert Review.objects.filter(user=learner).count() == 1
    assert Review.objects.get(user=learner).text == "Changed my mind"


def test_unenrolled_learner_cannot_review(learner_client, course):
    response = learner_client.post(review_url(course), {"rating": "5", "text": "Great"})
    assert response.status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", ["", "0", "6", "abc", "4.5"])
def test_bad_rating_shows_form_error(enrolled_client, course, rating):
    response = enrolled_client.post(review_url(course), {"rating": rating, "text": "Text"})
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5 stars." in response.text
    assert not Review.objects.exists()


def test_empty_text_shows_form_error(enrolled_client, course):
    response = enrolled_client.post(review_url(course), {"rating": "4", "text": "   "})
    assert response.status_code == 400
    assert "Write a few words about the course." in response.text


def test_too_long_text_shows_form_error(enrolled_client, course):
    response = enrolled_client.post(review_url(course), {"rating": "4", "text": "x" * 5001})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.text


def test_delete_review_recounts_rating(enrolled_client, learner, course):
    services.save_review(user=learner, course=course, rating=1, text="Bad")
    enrolled_client.post(reverse("learning:review_delete", kwargs={"slug": course.slug}))
    course = Course.objects.get(pk=course.pk)
    assert not Review.objects.exists()
    assert course.rating_count == 0


def test_review_text_is_escaped(learner, course):
    ReviewFactory(course=course, text="<script>alert('x')</script>")
    html = render_reviews(course, learner)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_review_shows_completed_the_course(learner, course):
    ReviewFactory(course=course, progress_percent=100)
    assert "completed the course" in render_reviews(course, learner)


def test_review_shows_progress_when_written(learner, course):
    ReviewFactory(course=course, progress_percent=40)
    assert "after 40% of the course" in render_reviews(course, learner)


def test_rating_distribution_counts_each_star(learner, course):
    for rating in (5, 5, 4):
        ReviewFactory(course=course, rating=rating)
    html = render_reviews(course, learner)
    assert 'aria-label="5 stars: 66%"' in html
    assert 'aria-label="4 stars: 33%"' in html
    assert 'aria-label="1 stars: 0%"' in html


def test_enrolled_learner_sees_review_form_prefilled(learner, course):
    services.enroll(user=learner, course=course)
    services.save_review(user=learner, course=course, rating=4, text="My words")
    html = render_reviews(course, learner)
    assert "Update review" in html
    assert "My words</textarea>" in html
    assert "Delete my review" in html


def test_unenrolled_learner_sees_no_review_form(learner, course):
    html = render_reviews(course, learner)
    assert "Post review" not in html
    assert "Enrol in the course to leave a review." in html


def test_instructor_cannot_review_own_course(instructor_client, instructor, course):
    services.enroll(user=instructor, course=course)
    response = instructor_client.post(review_url(course), {"rating": "5", "text": "Mine is great"})
    assert response.status_code == 403
    assert not Review.objects.exists()
