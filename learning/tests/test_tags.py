from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import CourseFactory
from learning import services
from learning.models import Enrollment
from learning.tests.factories import EnrollmentFactory, WishlistItemFactory

pytestmark = pytest.mark.django_db


def render(source, user, **context):
    request = RequestFactory().get("/courses/?page=2")
    request.user = user
    template = Template("{% load learning_tags %}" + source)
    return template.render(Context({"request": request, **context}))


def actions(course, user):
    return render("{% course_actions course %}", user, course=course)


# --- course_actions -----------------------------------------------------------------------------
def test_anonymous_visitor_is_invited_to_log_in_to_enrol(course):
    html = actions(course, AnonymousUser())
    assert "Log in to enrol" in html
    assert f"?next={course.get_absolute_url()}" in html


def test_signed_in_visitor_gets_enrol_form(learner, course):
    html = actions(course, learner)
    assert f'action="{reverse("learning:enroll", kwargs={"slug": course.slug})}"' in html
    assert "Enrol for free" in html


def test_enrolled_learner_sees_progress_and_continue(learner, course, lessons):
    services.enroll(user=learner, course=course)
    services.set_lesson_complete(user=learner, lesson=lessons[0], done=True)
    html = actions(course, learner)
    assert "Continue learning" in html
    assert "25% complete" in html
    assert "Enrol for free" not in html
    assert reverse("learning:unenroll", kwargs={"slug": course.slug}) in html


def test_instructor_sees_player_link_instead_of_enrol(instructor, course):
    html = actions(course, instructor)
    assert "You teach this course" in html
    assert "Enrol for free" not in html


def test_certificate_link_on_course_page(learner, course, lessons):
    services.enroll(user=learner, course=course)
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    assert learner.certificates.get().get_absolute_url() in actions(course, learner)


def _completions(course, days_list):
    for days in days_list:
        enrollment = EnrollmentFactory(course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            completed_at=enrollment.created + timedelta(days=days)
        )


def test_time_to_complete_hidden_below_five_completions(learner, course):
    _completions(course, [2, 3, 4, 5])
    assert "typically finish" not in actions(course, learner)


def test_time_to_complete_shows_median(learner, course):
    _completions(course, [2, 3, 4, 5, 40])
    assert "Learners typically finish in about 4 days" in actions(course, learner)


def test_draft_course_has_no_enrol_button(instructor):
    draft = CourseFactory(status=Course.Status.DRAFT, instructors=[instructor])
    html = actions(draft, instructor)
    assert "Draft" in html
    assert "Enrol for free" not in html


# --- wishlist_toggle ----------------------------------------------------------------------------
def test_wishlist_toggle_posts_with_next_back_to_page(learner, course):
    html = render("{% wishlist_toggle course %}", learner, course=course)
    assert f'action="{reverse("learning:wishlist", kwargs={"slug": course.slug})}"' in html
    assert 'name="next" value="/courses/?page=2"' in html
    assert 'aria-pressed="false"' in html


def test_wishlist_toggle_shows_wishlisted_state(learner, course):
    WishlistItemFactory(user=learner, course=course)
    html = render("{% wishlist_toggle course %}", learner, course=course)
    assert 'aria-pressed="true"' in html
    assert "Remove from wishlist" in html


def test_wishlist_toggle_for_anonymous_links_to_login(course):
    html = render("{% wishlist_toggle course %}", AnonymousUser(), course=course)
    assert reverse("account_login") in html
    assert "<form" not in html


def test_card_tags_cost_constant_queries(learner, django_assert_max_num_queries):
    courses = CourseFactory.create_batch(12)
    for course in courses[:4]:
        WishlistItemFactory(user=learner, course=course)
    EnrollmentFactory(user=learner, course=courses[5])
    source = "{% for course in courses %}{% wishlist_toggle course %}{% endfor %}"
    with django_assert_max_num_queries(2):
        html = render(source, learner, courses=courses)
    assert html.count('aria-pressed="true"') == 4


def test_card_tags_for_anonymous_cost_no_queries(django_assert_num_queries):
    courses = CourseFactory.create_batch(5)
    with django_assert_num_queries(0):
        render(
            "{% for course in courses %}{% wishlist_toggle course %}{% endfor %}",
            AnonymousUser(),
            courses=courses,
        )
