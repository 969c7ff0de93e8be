"""What a visitor sees of the catalog and the home page, in the browser (issue #18)."""

import re

from playwright.sync_api import expect

from e2e.conftest import PHONE


def test_ticking_a_filter_applies_it_at_once(context, catalog):
    page = context.new_page()
    page.goto("/courses/")
    # By role: after the reload a "Remove filter Beginner" chip carries the same label.
    page.get_by_role("checkbox", name="Beginner").check()
    page.wait_for_url(re.compile(r"level=beginner"))
    assert "q=" not in page.url  # an empty search box stays out of the URL
    expect(page.locator("#result-count")).to_contain_text("9 courses")


def test_a_search_keeps_only_the_parameters_it_has(context, catalog):
    page = context.new_page()
    page.goto("/courses/?level=advanced")
    page.locator("#catalog-q").fill("python")
    page.locator("#catalog-q").press("Enter")
    page.wait_for_url(re.compile(r"q=python"))
    assert "rating=" not in page.url and "language=" not in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results for “python”")


def test_phone_filters_start_folded_and_do_not_move_the_results(phone, catalog):
    phone.goto("/courses/")
    results = phone.locator("#result-count")
    first = results.bounding_box()["y"]
    expect(phone.locator("#catalog-filters")).to_be_hidden()
    phone.wait_for_timeout(300)  # any script that would fold the panel has run by now
    assert results.bounding_box()["y"] == first
    phone.get_by_role("button", name=re.compile("Filters")).click()
    expect(phone.locator("#catalog-filters")).to_be_visible()


def test_a_typo_offers_the_title_word(context, catalog):
    page = context.new_page()
    page.goto("/courses/?q=pyhton")
    page.get_by_role("link", name="python").click()
    expect(page.locator("#result-count")).to_contain_text("13 courses")


def test_home_on_a_phone_scrolls_cards_sideways(new_context, catalog):
    ctx = new_context(viewport=PHONE, is_mobile=True)
    page = ctx.new_page()
    page.goto("/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    scroller = page.locator(".card-scroller").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")


def test_markdown_headings_stay_under_the_pages_own(context, catalog):
    from courses.models import Course

    course = catalog["courses"][0]
    Course.objects.filter(pk=course.pk).update(description="## Big heading\n\nText.")
    page = context.new_page()
    page.goto(course.get_absolute_url())

    def size(selector):
        return page.locator(selector).first.evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )

    assert size(".course-description h2") < size("#curriculum-heading")
