"""An instructor builds a course in the studio (the Django admin) and publishes it."""

import re
from io import BytesIO

from playwright.sync_api import expect

I = re.IGNORECASE  # noqa: E741


def png_bytes(size=(1280, 720), color=(79, 70, 229)):
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def lesson_titles(page, section):
    """Lesson titles of one section form, in the order the page shows them."""
    fields = page.locator(f"input[name^='sections-{section}-lessons-'][name$='-title']")
    return [
        field.input_value()
        for field in fields.all()
        if "__prefix__" not in (field.get_attribute("name") or "")
    ]


def settle(page):
    """Wait two animation frames, so layout and scroll position are final."""
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def drag(page, source, target, *, above=True):
    """Drag with real mouse moves (nested_admin's sortable listens to mouse events)."""
    start = source.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    y = end["y"] + (4 if above else end["height"] - 4)
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] - 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, y, steps=20)
    page.mouse.move(end["x"] + end["width"] / 2, y - 2, steps=5)
    page.mouse.up()


def test_instructor_creates_reorders_uploads_a_cover_publishes_and_sees_it_in_the_catalog(
    page, instructor, password
):
    from courses.models import Course
    from courses.tests.factories import CategoryFactory

    CategoryFactory(name="Programming", slug="programming")

    # The studio's login is allauth's.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=login]").fill(instructor.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form [type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/courses/course/add/")
    page.locator("#id_title").fill("Django in a weekend")
    page.locator("#id_subtitle").fill("From an empty folder to a site online")
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("django-in-a-weekend")
    page.locator(".field-category .select2-selection").click()
    page.locator(".select2-search__field").fill("Progr")
    page.locator(".select2-results__option", has_text="Programming").click()
    page.locator("#id_level").select_option("beginner")
    page.locator("#id_cover_image").set_input_files(
        files=[{"name": "cover.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#id_description").fill("Build a **real** site in two days.")

    # Two sections, three lessons.
    add_section = page.locator(".djn-add-handler.djn-model-courses-section").last
    add_section.click()
    add_section.click()
    page.locator("input[name='sections-0-title']").fill("Getting started")
    page.locator("input[name='sections-1-title']").fill("Going live")
    lessons = {0: ["Install Django", "Your first view"], 1: ["Deploy it"]}
    for section, titles in lessons.items():
        add_lesson = page.locator(
            f"[id='sections-{section}'] .djn-add-handler.djn-model-courses-lesson"
        ).last
        for n, title in enumerate(titles):
            add_lesson.click()
            prefix = f"sections-{section}-lessons-{n}"
            page.locator(f"input[name='{prefix}-title']").fill(title)
            page.locator(f"input[name='{prefix}-duration']").fill("12")
            page.locator(f"textarea[name='{prefix}-body']").fill(f"All about {title.lower()}.")
    page.get_by_role("button", name=re.compile(r"save and continue", I)).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    course = Course.objects.get(slug="django-in-a-weekend")
    assert course.lesson_count == 3
    assert course.status == Course.Status.DRAFT
    assert course.cover_image

    # Drag "Your first view" above "Install Django".
    assert lesson_titles(page, 0) == ["Install Django", "Your first view"]
    section = page.locator("[id='sections-0']")
    items = section.locator(".djn-item.djn-inline-form:not(.djn-empty-form)").filter(
        has=page.locator("input[name$='-title']")
    )
    second_handle = items.nth(1).locator(".djn-drag-handler").first
    first_handle = items.nth(0).locator(".djn-drag-handler").first
    # The handle shows itself: a grip before the title and a grab cursor.
    assert first_handle.evaluate("el => getComputedStyle(el).cursor") == "grab"
    assert first_handle.evaluate("el => getComputedStyle(el, '::before').content") == '"⠿"'
    page.set_viewport_size({"width": 1440, "height": 1600})  # both lesson forms on screen
    # An instant scroll (a wheel scroll is animated, so the boxes measured next would be stale)
    # that leaves both handles far from the edges, where the sortable would scroll by itself.
    first_handle.evaluate(
        "(el) => window.scrollBy({top: el.getBoundingClientRect().top - 300, behavior: 'instant'})"
    )
    settle(page)
    drag(page, second_handle, first_handle)
    titles = page.locator(
        "input[name^='sections-0-lessons-'][name$='-title']:not([name*='__prefix__'])"
    )
    expect(titles.first).to_have_value("Your first view")
    assert lesson_titles(page, 0) == ["Your first view", "Install Django"]

    # Publish, with the new order.
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name=re.compile(r"save and continue", I)).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    ordered = course.lessons.order_by("section__order", "order").values_list("title", flat=True)
    assert list(ordered) == ["Your first view", "Install Django", "Deploy it"]

    page.goto("/courses/")
    card = page.locator(".course-card", has_text="Django in a weekend")
    expect(card).to_be_visible()
    cover = card.locator("img")
    cover.scroll_into_view_if_needed()
    expect(cover).to_have_attribute("src", re.compile(r"/media/.*cover"))
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", cover.element_handle())
    card.get_by_role("link", name="Django in a weekend", exact=True).click()
    outline = page.locator("main").get_by_text(re.compile(r"Your first view|Install Django"))
    expect(outline.first).to_have_text("Your first view")
