"""With JavaScript switched off every feature still works as a plain HTML form."""

import re

from playwright.sync_api import expect

from e2e.test_journeys import course_titles

I = re.IGNORECASE  # noqa: E741


def test_catalog_enrol_complete_review_and_wishlist_work_without_javascript(
    nojs_page, login, learner, catalog
):
    from learning.models import Enrollment, LessonProgress, Review, WishlistItem

    page = nojs_page
    assert page.evaluate("1 + 1") == 2  # Playwright itself still runs; the page's scripts don't
    login(learner, page.context)

    # Catalog filters and sort: the form's own submit buttons.
    page.goto("/courses/")
    page.get_by_role("checkbox", name=re.compile(r"^\s*Programming")).check()
    page.get_by_role("checkbox", name=re.compile(r"^\s*Beginner")).check()
    page.get_by_label(re.compile(r"sort", I)).select_option("title")
    page.get_by_role("button", name=re.compile(r"^\s*apply", I)).first.click()
    expect(page).to_have_url(re.compile(r"category=programming"))
    expect(page).to_have_url(re.compile(r"level=beginner"))
    expect(page).to_have_url(re.compile(r"sort=title"))
    assert course_titles(page) == [f"Python course {n:02d}" for n in (0, 6, 12, 18, 24)]

    # Enrol, complete a lesson, review.
    course = catalog["courses"][0]
    page.get_by_role("link", name=course.title, exact=True).click()
    page.get_by_role("button", name=re.compile(r"^\s*enrol", I)).click()
    expect(page).to_have_url(re.compile(r"/lessons/"))
    assert Enrollment.objects.filter(user=learner, course=course).exists()
    first = page.url
    page.get_by_role("button", name=re.compile(r"complete and continue", I)).click()
    expect(page).not_to_have_url(first)  # the next lesson
    assert LessonProgress.objects.filter(user=learner, course=course).count() == 1

    page.goto(course.get_absolute_url())
    page.get_by_label(re.compile(r"^\s*4")).first.check()
    page.get_by_role("textbox", name=re.compile(r"review", I)).fill(
        "Works fine without any JavaScript."
    )
    page.get_by_role("button", name=re.compile(r"post review", I)).click()
    expect(page.locator("p", has_text="Works fine without any JavaScript.")).to_be_visible()
    assert Review.objects.get(user=learner, course=course).rating == 4

    # Wishlist: toggled on a course the learner has not enrolled in.
    other = catalog["courses"][1]
    page.goto(other.get_absolute_url())
    page.get_by_role("button", name=re.compile(r"add to wishlist", I)).first.click()
    expect(
        page.get_by_role("button", name=re.compile(r"remove from wishlist", I)).first
    ).to_be_visible()
    assert WishlistItem.objects.filter(user=learner, course=other).exists()
    page.goto("/dashboard/")
    expect(page.get_by_role("link", name=other.title, exact=True).first).to_be_visible()


def test_wishlist_hearts_on_catalog_cards_post_without_javascript(
    nojs_page, login, learner, catalog
):
    from learning.models import WishlistItem

    page = nojs_page
    login(learner, page.context)
    page.goto("/courses/")
    first_card = page.locator(".course-card-cell").first
    title = first_card.locator(".card-title").inner_text().strip()
    first_card.get_by_role("button", name=re.compile(r"add to wishlist", I)).click()
    expect(page).not_to_have_url(re.compile(r"csrfmiddlewaretoken"))
    assert WishlistItem.objects.filter(user=learner, course__title=title).exists()


def test_account_menu_and_log_out_work_without_javascript(nojs_page, login, learner):
    page = nojs_page
    login(learner, page.context)
    page.goto("/courses/")
    page.locator("#account-menu").click()  # focus opens the menu (nojs.css)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/logout/|/$"))
    if "/accounts/logout/" in page.url:  # allauth asks to confirm a logout that came by GET
        page.get_by_role("button", name=re.compile(r"sign out|log out", I)).click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_phone_navigation_is_open_without_javascript(new_context, catalog):
    from e2e.conftest import PHONE, TIMEOUT_MS

    context = new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Courses", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search courses")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
