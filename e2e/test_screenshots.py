"""Screenshots of the main pages on a phone (375 px) and a desktop (1440 px), with the demo data.

Saved to docs/screenshots/<page>-<width>.png on every run; the README shows a few of them.
"""

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, TIMEOUT_MS, screenshot


def main_pages(learner):
    from courses.models import Course
    from learning.models import Certificate, Enrollment

    course = Course.objects.published().order_by("-rating_count", "-enrollment_count").first()
    enrollment = (
        Enrollment.objects.filter(user=learner, completed_at__isnull=True).select_related("course")
    ).first()
    # A text lesson: video frames cannot reach their host from a test machine.
    lesson = enrollment.course.lessons.filter(kind="text").order_by("section__order", "order")[0]
    certificate = Certificate.objects.order_by("pk").first()
    return {
        "home": "/",
        "catalog": "/courses/",
        "course": course.get_absolute_url(),
        "lesson": f"/courses/{enrollment.course.slug}/lessons/{lesson.slug}/",
        "dashboard": "/dashboard/",
        "certificate": certificate.get_absolute_url(),
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1440"])
def test_main_pages_look_right_on_phone_and_desktop(new_context, login, demo, viewport):
    context = new_context(
        viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE
    )
    context.set_default_timeout(TIMEOUT_MS)
    login(demo["learner"], context)
    page = context.new_page()
    for name, url in main_pages(demo["learner"]).items():
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, f"{name}: {response.status}"
        # Covers below the fold are lazy: make sure the ones on screen have loaded.
        for img in page.locator("main img:visible").all()[:4]:
            if img.is_visible() and img.bounding_box()["y"] < viewport["height"]:
                expect(img).to_have_js_property("complete", True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {viewport['width']} px"
        screenshot(page, name)
