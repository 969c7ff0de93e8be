"""What people do on the site, end to end in Chromium: one journey per test."""

import re

from django.core import mail
from playwright.sync_api import expect

I = re.IGNORECASE  # noqa: E741


def submit_filters(page):
    """Apply the catalog's filter form with its visible submit button."""
    page.locator("form:has([name=level])").get_by_role(
        "button", name=re.compile("apply", I)
    ).first.click()
    page.wait_for_load_state()


def course_titles(page):
    return page.locator(".course-card .card-title").all_inner_texts()


# --- Visitor: find a course and watch its free preview ------------------------------------------
def test_visitor_searches_filters_sorts_pages_and_watches_a_preview(page, catalog):
    page.goto("/")
    page.get_by_role("searchbox", name="What do you want to learn?").fill("python")
    page.get_by_role("searchbox", name="What do you want to learn?").press("Enter")
    expect(page).to_have_url(re.compile(r"/courses/\?q=python"))
    titles = course_titles(page)
    assert titles, "the search for 'python' found nothing"
    assert all("Python" in title for title in titles)

    # Filter by category and level, from the catalog without a query.
    page.goto("/courses/")
    page.get_by_role("checkbox", name=re.compile(r"^\s*Programming")).check()
    page.get_by_role("checkbox", name=re.compile(r"^\s*Beginner")).check()
    submit_filters(page)
    expect(page).to_have_url(re.compile(r"category=programming"))
    expect(page).to_have_url(re.compile(r"level=beginner"))
    titles = course_titles(page)
    # Programming courses are the even numbers; beginner ones are multiples of 3: 0, 6, 12, 18, 24.
    assert sorted(titles) == [f"Python course {n:02d}" for n in (0, 6, 12, 18, 24)]

    # Sort by title, then page through.
    page.goto("/courses/")
    page.get_by_label(re.compile(r"sort", I)).select_option("title")  # submits itself with JS
    expect(page).to_have_url(re.compile(r"sort=title"))
    page.wait_for_load_state()
    first_page = course_titles(page)
    assert first_page == sorted(first_page)
    assert first_page[0] == "Python course 00"
    page.get_by_role("link", name=re.compile(r"next", I)).first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    second_page = course_titles(page)
    assert second_page and not set(second_page) & set(first_page)
    assert second_page == sorted(second_page) and second_page[0] > first_page[-1]

    # Open a course and watch its free preview lesson.
    page.get_by_role("link", name=second_page[0], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second_page[0])
    preview = page.get_by_role("listitem").filter(has_text="Preview").get_by_role("link").first
    preview.click()
    expect(page).to_have_url(re.compile(r"/lessons/"))
    expect(page.get_by_text("Some Markdown text.")).to_be_visible()


# --- Learner: from signing up to a certificate --------------------------------------------------
def test_visitor_signs_up_confirms_enrols_completes_reviews_and_gets_a_certificate(
    page, new_context, course_with_lessons
):
    course = course_with_lessons
    page.goto("/accounts/signup/")
    page.get_by_label("Display name").fill("Ada Newcomer")
    page.locator("input[name=email]").fill("ada@e2e.example")
    page.locator("input[name=password1]").fill("a-long-e2e-passphrase-42")
    page.locator("input[name=password2]").fill("a-long-e2e-passphrase-42")
    page.get_by_role("button", name=re.compile(r"sign up", I)).click()
    expect(page.get_by_text(re.compile(r"verif|confirm", I)).first).to_be_visible()

    (message,) = [m for m in mail.outbox if "ada@e2e.example" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name=re.compile(r"confirm", I)).click()
    expect(page.get_by_text("Ada Newcomer").first).to_be_visible()  # logged in

    page.goto(course.get_absolute_url())
    page.get_by_role("button", name=re.compile(r"^\s*enrol", I)).first.click()
    expect(page).to_have_url(re.compile(r"/lessons/"))

    lessons = list(course.lessons.order_by("section__order", "order"))
    for lesson in lessons:
        # "Complete and continue" opens the next lesson; the last one ends on the finish screen.
        expect(page.get_by_role("heading", name=lesson.title).first).to_be_visible()
        page.get_by_role("button", name=re.compile(r"complete and (continue|finish)", I)).click()
    expect(page.get_by_role("heading", name="You finished the course!")).to_be_visible()
    page.goto(course.get_absolute_url())
    expect(page.get_by_text(re.compile(r"100\s*%|completed", I)).first).to_be_visible()

    page.get_by_label(re.compile(r"^\s*5")).first.check()
    page.get_by_role("textbox", name=re.compile(r"review", I)).fill(
        "Clear and practical: I finished it in an evening."
    )
    page.get_by_role("button", name=re.compile(r"review", I)).first.click()
    expect(
        page.locator("p", has_text="Clear and practical: I finished it in an evening.")
    ).to_be_visible()

    page.goto("/dashboard/")
    page.get_by_role("link", name=re.compile(r"certificate", I)).first.click()
    expect(page).to_have_url(re.compile(r"/certificates/[0-9a-f-]{36}/"))
    expect(page.get_by_text("Ada Newcomer").first).to_be_visible()
    expect(page.get_by_text(course.title).first).to_be_visible()

    # Anyone holding the link can verify it.
    stranger = new_context().new_page()
    stranger.goto(page.url)
    expect(stranger.get_by_text("Ada Newcomer").first).to_be_visible()
    expect(stranger.get_by_text(course.title).first).to_be_visible()


# --- Learner: wishlist -------------------------------------------------------------------------
def test_learner_toggles_the_wishlist_and_finds_it_on_the_dashboard(
    page, login, learner, course_with_lessons
):
    course = course_with_lessons
    login(learner)
    page.goto(course.get_absolute_url())
    heart = page.locator("[data-wishlist-form] button").first
    heart.click()  # toggled in place
    expect(heart).to_have_attribute("aria-pressed", "true")
    page.goto("/dashboard/")
    wishlist = page.locator("section", has=page.get_by_role("heading", name=re.compile("wish", I)))
    expect(wishlist.get_by_role("link", name=course.title).first).to_be_visible()

    page.goto(course.get_absolute_url())
    heart = page.locator("[data-wishlist-form] button").first
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "false")
    page.goto("/dashboard/")
    expect(page.get_by_role("link", name=course.title)).to_have_count(0)
