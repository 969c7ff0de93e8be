"""What a learner sees, in the browser (issue #18): hearts that toggle in place, a star rating
control usable with the keyboard."""

import re

from playwright.sync_api import expect


def test_the_wishlist_heart_toggles_without_reloading_the_page(context, login, learner, catalog):
    from learning.models import WishlistItem

    login(learner)
    page = context.new_page()
    page.goto("/courses/?per_page=24")
    page.evaluate("window.__marker = 'same page'")
    page.mouse.wheel(0, 900)
    page.wait_for_function("window.scrollY > 300")
    scrolled = page.evaluate("window.scrollY")
    heart = page.locator(".course-card-cell").nth(6).locator("[data-wishlist-form] button")
    expect(heart).to_have_accessible_name(re.compile("add to wishlist", re.IGNORECASE))
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    expect(heart).to_have_accessible_name(re.compile("remove from wishlist", re.IGNORECASE))
    assert page.evaluate("window.__marker") == "same page"  # no navigation
    assert page.evaluate("window.scrollY") == scrolled
    assert WishlistItem.objects.filter(user=learner).count() == 1
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "false")
    assert not WishlistItem.objects.filter(user=learner).exists()


def test_the_star_rating_is_a_radio_group_usable_with_the_keyboard(
    context, login, learner, catalog
):
    from learning.models import Enrollment, Review

    course = catalog["courses"][0]
    Enrollment.objects.create(user=learner, course=course)
    login(learner)
    page = context.new_page()
    page.goto(course.get_absolute_url())
    page.get_by_role("radio", name="3 stars").focus()
    page.keyboard.press("ArrowRight")  # moves to, and picks, 4 stars
    expect(page.get_by_role("radio", name="4 stars")).to_be_checked()
    lit = page.locator(".star").evaluate_all("stars => stars.map(s => getComputedStyle(s).color)")
    assert lit[0] == lit[3] != lit[4]  # four stars lit, the fifth not
    page.get_by_role("textbox", name=re.compile("review", re.IGNORECASE)).fill("Good pace.")
    page.get_by_role("button", name=re.compile("post review", re.IGNORECASE)).click()
    expect(page.locator("p", has_text="Good pace.")).to_be_visible()
    assert Review.objects.get(user=learner, course=course).rating == 4
