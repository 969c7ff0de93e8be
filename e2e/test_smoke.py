"""The basics every other journey relies on: pages render in Chromium and pass axe."""

from e2e.conftest import assert_accessible


def test_home_renders_in_chromium(page):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)
