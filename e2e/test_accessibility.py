"""axe-core on every main page, keyboard use, alt text and labelled forms."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, screenshot


@pytest.fixture
def site(db, learner, course_with_lessons):
    """A learner enrolled in a course, halfway through, with a certificate for another one."""
    from learning.tests.factories import (
        CertificateFactory,
        EnrollmentFactory,
        LessonProgressFactory,
        ReviewFactory,
    )

    course = course_with_lessons
    EnrollmentFactory(user=learner, course=course)
    first = course.lessons.order_by("section__order", "order").first()
    LessonProgressFactory(user=learner, lesson=first)
    ReviewFactory(course=course)
    certificate = CertificateFactory(user=learner, course=course)
    return {"course": course, "lesson": first, "certificate": certificate}


def page_url(name, site):
    course, lesson = site["course"], site["lesson"]
    return {
        "home": "/",
        "catalog": "/courses/",
        "course": course.get_absolute_url(),
        "lesson": f"/courses/{course.slug}/lessons/{lesson.slug}/",
        "dashboard": "/dashboard/",
        "signup": "/accounts/signup/",
        "login": "/accounts/login/",
        "profile": "/profile/",
        "certificate": f"/certificates/{site['certificate'].uuid}/",
        "404": "/no-such-page/",
        "course-enrolled": course.get_absolute_url(),
        "category": course.category.get_absolute_url(),
        "instructor": f"/instructors/{course.instructors.first().username}/",
        "search": "/courses/?q=course&level=beginner&sort=title",
        "unenroll": f"/courses/{course.slug}/unenroll/",
        "password-reset": "/accounts/password/reset/",
    }[name]


LOGGED_IN = {"dashboard", "profile", "lesson", "unenroll", "course-enrolled"}
MAIN_PAGES = [
    "home",
    "catalog",
    "course",
    "lesson",
    "dashboard",
    "signup",
    "login",
    "profile",
    "certificate",
    "404",
    "course-enrolled",
    "category",
    "instructor",
    "search",
    "unenroll",
    "password-reset",
]


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_page_has_no_serious_accessibility_problem(page, login, learner, site, name):
    if name in LOGGED_IN:
        login(learner)
    response = page.goto(page_url(name, site))
    assert response.status == (404 if name == "404" else 200)
    assert page.title(), "every page has a <title>"
    assert page.locator("h1").count() >= 1, "every page has a heading"
    assert page.locator("img:not([alt])").count() == 0, "images need an alt attribute"
    assert_accessible(page)
    if name in ("signup", "login", "profile", "404"):  # the others: test_screenshots, demo data
        screenshot(page, name)


@pytest.mark.parametrize("name", ["home", "catalog", "course", "dashboard", "lesson"])
def test_phone_layout_fits_and_passes_axe(phone, login, learner, site, name):
    if name in LOGGED_IN:
        login(learner, phone.context)
    phone.goto(page_url(name, site))
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways on a 375 px phone ({overflow}px too wide)"
    assert_accessible(phone)


@pytest.mark.parametrize("name", ["home", "catalog", "course", "login"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site, name):
    page.goto(page_url(name, site))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(re.compile(r"skip to (main )?content", re.IGNORECASE))
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main" or page.url.endswith("#main")
    # The next Tab goes on from the main content, not back through the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('header')")


# Focus shows on the element, its ::after (stretched links) or a :focus-within ancestor (cards).
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const shows = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || (style.boxShadow && style.boxShadow !== "none");
    let visible = shows(getComputedStyle(el)) || shows(getComputedStyle(el, "::after"));
    for (let node = el.parentElement, depth = 0; node && depth < 4 && !visible; depth++) {
        visible = node.matches(":focus-within") && shows(getComputedStyle(node));
        node = node.parentElement;
    }
    return {tag: el.tagName, text: (el.innerText || el.name || el.id || "").trim().slice(0, 40),
            visible};
}"""


@pytest.mark.parametrize("name", ["home", "catalog", "course"])
def test_every_tab_stop_shows_where_the_focus_is(page, site, name):
    page.goto(page_url(name, site))
    invisible = []
    for _ in range(25):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] == "BODY":
            break
        if not state["visible"]:
            invisible.append(f"{state['tag']} {state['text']!r}")
    assert not invisible, f"no visible focus indicator on {name}: {invisible}"


def assert_errors_tied_to_fields(page):
    """Every field marked invalid names its error message through aria-describedby."""
    invalid = page.locator(
        "main :is(input, textarea, select):is([aria-invalid=true], .is-invalid):not([type=hidden])"
    )
    assert invalid.count() >= 1, f"no field is marked invalid on {page.url}"
    for field in invalid.all():
        described_by = (field.get_attribute("aria-describedby") or "").split()
        texts = [page.locator(f"[id='{ident}']").inner_text() for ident in described_by]
        assert any(text.strip() for text in texts), (
            f"{field.get_attribute('name')}: its error message is not linked by aria-describedby"
        )


def test_signup_errors_are_tied_to_their_fields(page, site):
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill("not-an-email")
    page.locator("input[name=password1]").fill("short")
    page.locator("input[name=password2]").fill("different")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("input[aria-invalid=true]").count() >= 1
    assert_errors_tied_to_fields(page)
    assert_accessible(page)


def test_login_errors_are_announced(page, site):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("nobody@e2e.example")
    page.locator("input[name=password]").fill("wrong-password-123")
    page.locator("main form [type=submit]").last.click()
    alert = page.locator("main [role=alert], main .alert-danger, main .invalid-feedback").first
    expect(alert).to_be_visible()
    assert_accessible(page)


def test_review_errors_are_tied_to_their_fields(page, login, learner, site):
    login(learner)
    page.goto(site["course"].get_absolute_url())
    page.get_by_role("button", name=re.compile(r"post review", re.IGNORECASE)).click()
    page.wait_for_load_state()
    assert_errors_tied_to_fields(page)
    assert_accessible(page)


def tab_to(page, name_pattern, *, limit=80):
    """Press Tab until the focused element's text matches; fail if it never does."""
    pattern = re.compile(name_pattern, re.IGNORECASE)
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if pattern.search(text):
            return text
    raise AssertionError(f"no tab stop matching {name_pattern!r} on {page.url}")


def test_a_learner_enrols_and_completes_a_lesson_with_the_keyboard_alone(
    page, login, learner, course_with_lessons
):
    course = course_with_lessons
    login(learner)
    page.goto("/courses/")
    tab_to(page, rf"^{re.escape(course.title)}$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    tab_to(page, r"^enrol")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lessons/"))
    first = page.url
    tab_to(page, r"complete and continue")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(first)  # on to the next lesson, the first one ticked off
    expect(page.locator(".curriculum-list .visually-hidden", has_text="Completed:")).to_have_count(
        1
    )


def test_the_phone_menu_opens_from_the_toggler(phone, site):
    phone.goto("/")
    courses_link = phone.locator("#main-nav").get_by_role("link", name="Courses", exact=True)
    expect(courses_link).to_be_hidden()
    phone.get_by_role("button", name=re.compile(r"navigation", re.IGNORECASE)).click()
    expect(courses_link).to_be_visible()
    courses_link.click()
    expect(phone).to_have_url(re.compile(r"/courses/$"))
