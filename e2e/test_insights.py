"""An instructor opens the studio, finds a course's insights and reads its charts and tables."""

import random
import re
from datetime import timedelta

from playwright.sync_api import expect

from e2e.conftest import PHONE, TIMEOUT_MS, assert_accessible, screenshot

DEMO_PASSWORD = "demo-pass-2026"
SLUG = "django-from-zero-to-deploy"


def busy_course(slug=SLUG, learners=36):
    """The demo course with a quiz and `learners` more learners over the past year, so that
    every chart has something to draw (deterministic)."""
    from django.utils import timezone

    from courses.models import Course, Lesson
    from courses.tests.factories import LessonFactory
    from learning.models import LessonProgress
    from learning.tests.insights_data import attempt, enrol, quiz_question, review
    from users.tests.factories import UserFactory

    rng = random.Random(19)
    course = Course.objects.get(slug=slug)
    first_section = course.sections.order_by("order", "id").first()
    quiz = LessonFactory(
        section=first_section, title="Checkpoint quiz", kind=Lesson.Kind.QUIZ, order=50
    )
    questions = [
        quiz_question(quiz, "Which command starts a new Django project?", 0),
        quiz_question(quiz, "Where do you register an app?", 1),
        quiz_question(quiz, "What does `migrate` do with unapplied migrations?", 2),
    ]
    lessons = list(course.lessons.order_by("section__order", "section_id", "order", "id"))
    now = timezone.now()
    for n in range(learners):
        user = UserFactory(name=f"Busy learner {n}")
        enrolled = now - timedelta(days=rng.uniform(5, 330))
        done = len(lessons) if rng.random() < 0.3 else rng.choice([0, 1, 2, 2, 3, 3, 4, 5])
        finished = enrolled + timedelta(days=rng.uniform(2, 30)) if done == len(lessons) else None
        enrol(user, course, enrolled, finished)
        LessonProgress.objects.bulk_create(
            LessonProgress(user=user, lesson=lesson, course=course) for lesson in lessons[:done]
        )
        if quiz in lessons[:done]:
            right = {
                q: rng.random() < chance
                for q, chance in zip(questions, (0.4, 0.8, 0.6), strict=True)
            }
            attempt(user, quiz, 100 * sum(right.values()) // 3, right)
        if rng.random() < 0.4:
            written = min(now, enrolled + timedelta(days=rng.uniform(1, 40)))
            progress = 100 * done // len(lessons)
            review(user, course, rng.choice([3, 4, 4, 5, 5]), progress, written)
    return course


def log_in_to_the_studio(page, email):
    from users.models import User

    # The tests hash with MD5 (conftest): give the demo account its password in that hash.
    user = User.objects.get(email=email)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form [type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_instructor_reads_a_course_s_insights_in_the_studio(page, demo):
    course = busy_course()
    log_in_to_the_studio(page, "instructor@example.com")

    page.get_by_role("link", name="Course insights").first.click()
    expect(page.locator("h1")).to_contain_text("course insights", ignore_case=True)
    listing = page.locator("#result_list")
    expect(listing).to_contain_text(course.title)
    expect(listing).not_to_contain_text("Data Analysis with Python")  # not one of theirs
    listing.get_by_role("link", name=course.title).click()

    expect(page.locator("h1")).to_have_text(f"Insights: {course.title}")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(5)
    for chart in charts.all():
        labelled_by = chart.get_attribute("aria-labelledby").split()
        assert all(page.locator(f"#{ident}").count() == 1 for ident in labelled_by)
    expect(page.locator(".insights-callout")).to_contain_text("Biggest drop")
    expect(page.locator(".insights-hardest")).to_contain_text("?")

    funnel = page.locator("section", has=page.get_by_role("heading", name="Lesson funnel"))
    table = funnel.locator("table")
    expect(table).to_be_hidden()
    funnel.get_by_text("Show the numbers").click()
    expect(table).to_be_visible()
    expect(table).to_contain_text("Checkpoint quiz")
    assert_accessible(page)
    screenshot(page, "insights", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"{course.slug}-insights.csv"

    # The course's own studio page links to its insights.
    page.goto(f"/admin/courses/course/{course.pk}/change/")
    page.get_by_role("link", name="Insights").click()
    expect(page.locator("h1")).to_have_text(f"Insights: {course.title}")


def test_insights_fit_a_phone(new_context, login, demo):
    from users.models import User

    course = busy_course()
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    login(User.objects.get(email="instructor@example.com"), context)
    page = context.new_page()
    response = page.goto(f"/admin/learning/courseinsights/{course.pk}/")
    assert response.status == 200
    expect(page.locator("svg[role=img]")).to_have_count(5)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    assert_accessible(page)
    screenshot(page, "insights", full_page=True)


def test_a_co_instructor_of_another_course_gets_a_404(page, demo):
    from courses.models import Course

    # Maria teaches "Django from Zero to Deploy" with Alex, not Alex's CSS course.
    course = Course.objects.get(slug="modern-css-layouts")
    log_in_to_the_studio(page, "maria@example.com")
    response = page.goto(f"/admin/learning/courseinsights/{course.pk}/")
    assert response.status == 404
