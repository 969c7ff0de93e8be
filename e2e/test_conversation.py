"""The course conversation in Chromium: ask on a lesson, get an answer from the studio, read the
email, mark the answer; and axe-core on the new pages."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.conftest import assert_accessible


@pytest.fixture
def conversation(db, learner, course_with_lessons):
    from learning import services
    from learning.conversation import services as conversation
    from learning.tests.factories import AnnouncementFactory

    course = course_with_lessons
    services.enroll(user=learner, course=course)
    lessons = list(course.lessons.order_by("section__order", "order"))
    question = conversation.ask(
        user=learner, lesson=lessons[1], title="Which **version** do I need?", body="`python -V`"
    )
    AnnouncementFactory(course=course, title="Welcome to the course", body="Say **hello**.")
    return {"course": course, "lesson": lessons[1], "question": question}


def test_learner_asks_instructor_answers_from_the_studio_and_the_email_arrives(
    page, new_context, login, learner, instructor, course_with_lessons
):
    from learning import services

    course = course_with_lessons
    services.enroll(user=learner, course=course)
    lesson = course.lessons.order_by("section__order", "order")[1]

    # The learner asks on the lesson page.
    login(learner)
    page.goto(lesson.get_absolute_url())
    ask = page.locator("details.ask-details")
    if ask.get_attribute("open") is None:  # open already while the lesson has no questions
        ask.locator("summary").click()
    page.get_by_label("Your question in one line").fill("Where do I put the settings file?")
    page.get_by_label("Details (optional)").fill("Next to `manage.py`?")
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where do I put the settings file?")
    expect(page.get_by_text("You can edit or delete your question for 30 minutes")).to_be_visible()

    # The instructor finds it under "Needs an answer" in the studio and answers there.
    studio = new_context(viewport={"width": 1440, "height": 900})
    login(instructor, studio)
    admin = studio.new_page()
    admin.goto("/admin/learning/unansweredquestion/")
    admin.get_by_role("link", name="Where do I put the settings file?").click()
    admin.get_by_label("Your answer").fill("In the **project package**, beside `urls.py`.")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("Your answer is posted.")).to_be_visible()
    admin.goto("/admin/learning/unansweredquestion/")
    expect(admin.get_by_text("Where do I put the settings file?")).to_have_count(0)

    # Nothing was sent in the request; the worker sends the email once.
    assert not [m for m in mail.outbox if m.to == [learner.email]]
    call_command("send_queued_emails", verbosity=0)
    call_command("send_queued_emails", verbosity=0)
    (email,) = [m for m in mail.outbox if m.to == [learner.email]]
    assert "Where do I put the settings file?" in email.subject
    link = re.search(r"https?://\S+/questions/\d+/", email.body).group(0)

    # The link in the email opens the thread; the learner marks the answer that helped.
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator(".answer-body strong")).to_have_text("project package")
    expect(page.get_by_text("Course team")).to_be_visible()
    page.get_by_role("button", name="This answer helped").click()
    expect(page.get_by_text("The answer that helped")).to_be_visible()


def test_unsubscribe_link_from_an_email_turns_that_kind_off(page, learner, conversation):
    from users import emails

    url = f"/unsubscribe/{emails.unsubscribe_token(learner, emails.Kind.ANNOUNCEMENTS)}/"
    page.goto(url)
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    learner.refresh_from_db()
    assert not learner.email_announcements and learner.email_answers


CONVERSATION_PAGES = ["questions", "thread", "ask", "announcements", "lesson", "dashboard"]


def _url(name, data):
    course, question = data["course"], data["question"]
    return {
        "questions": f"/courses/{course.slug}/questions/",
        "thread": question.get_absolute_url(),
        "ask": f"/courses/{course.slug}/questions/ask/",
        "announcements": f"/courses/{course.slug}/announcements/",
        "lesson": data["lesson"].get_absolute_url(),
        "dashboard": "/dashboard/",
    }[name]


@pytest.mark.parametrize("name", CONVERSATION_PAGES)
def test_conversation_pages_pass_axe(page, login, learner, conversation, name):
    login(learner)
    response = page.goto(_url(name, conversation))
    assert response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("name", ["questions", "thread", "lesson"])
def test_conversation_pages_fit_a_phone(phone, login, learner, conversation, name):
    login(learner, phone.context)
    phone.goto(_url(name, conversation))
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways on a 375 px phone ({overflow}px too wide)"
    assert_accessible(phone)


def test_instructor_thread_page_with_moderation_passes_axe(page, login, instructor, conversation):
    login(instructor)
    page.goto(conversation["question"].get_absolute_url())
    expect(page.get_by_role("heading", name="Moderation")).to_be_visible()
    assert_accessible(page)
