"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Run them with `make e2e` (or `.venv/bin/pytest e2e -p no:randomly`); `make test` never collects
them (pyproject's testpaths leave e2e/ out).
"""

import gzip
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures and
# assertions there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest.importorskip("playwright", reason="install the e2e extra: make e2e")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: run `make e2e`", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}
# Generous for a slow CI machine; a failing locator still fails, just later.
TIMEOUT_MS = 15_000


def pytest_configure(config):
    """A failing test leaves a screenshot in e2e/artifacts/ (pytest-playwright's options)."""
    if config.getoption("--output", default=None) == "test-results":
        config.option.output = str(ROOT / "e2e" / "artifacts")
    if config.getoption("--screenshot", default=None) == "off":
        config.option.screenshot = "only-on-failure"


# --- Browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(live_server):
    return {"base_url": live_server.url, "locale": "en-GB", "timezone_id": "UTC"}


@pytest.fixture
def context(new_context):
    """A desktop browser (1440×900)."""
    ctx = new_context(viewport=DESKTOP)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx


@pytest.fixture
def phone(new_context):
    """A page in a phone-sized browser (375×812, touch)."""
    ctx = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx.new_page()


@pytest.fixture
def nojs_page(new_context):
    """A desktop page with JavaScript switched off: everything must work as plain forms."""
    ctx = new_context(viewport=DESKTOP, java_script_enabled=False)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx.new_page()


# --- Site --------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _e2e_site(settings, live_server):
    """The live server as production runs it (uploads come from the site's own media view)."""
    settings.ALLOWED_HOSTS = ["*"]
    # allauth's per-IP limits would trip: every request of the run comes from 127.0.0.1.
    settings.ACCOUNT_RATE_LIMITS = False
    # The caches of production: pages built from shared fragments, anonymous pages cached.
    settings.CACHE_FRAGMENT_SECONDS = 300
    settings.CACHE_PAGE_SECONDS = 300


@pytest.fixture(autouse=True)
def _instructors_group(transactional_db):
    """Give back the Instructors group its permissions (the migrations' users.roles list).

    live_server tests are transactional: each one ends by flushing the database, which also empties
    rows that migrations made, so a later test would find a bare group and a 403 in the studio.
    """
    from django.contrib.auth.models import Permission

    from users.roles import AUTHORING_PERMISSIONS, instructors_group

    instructors_group().permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in (name.split(".") for name in AUTHORING_PERMISSIONS)
    )


@pytest.fixture
def login(context, live_server):
    """login(user) puts a logged-in session cookie into the desktop browser (or the given one)."""
    from django.conf import settings as dj_settings
    from django.test import Client

    def _login(user, ctx=None):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[dj_settings.SESSION_COOKIE_NAME]
        (ctx or context).add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _login


def cover_file(name="cover.png", color=(37, 99, 235)):
    """A small generated PNG, for cover uploads."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (640, 360), color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def catalog(db, instructor):
    """A published catalog large enough to page through, in two categories and three levels."""
    from courses.models import Course
    from courses.tests.factories import CategoryFactory, course_with_lessons

    python = CategoryFactory(name="Programming", slug="programming")
    design = CategoryFactory(name="Design", slug="design")
    levels = [Course.Level.BEGINNER, Course.Level.INTERMEDIATE, Course.Level.ADVANCED]
    courses = []
    for n in range(26):
        category = python if n % 2 == 0 else design
        courses.append(
            course_with_lessons(
                title=f"{'Python' if category is python else 'Typography'} course {n:02d}",
                slug=f"{category.slug}-course-{n:02d}",
                category=category,
                level=levels[n % 3],
                instructors=[instructor],
                cover_image=cover_file(f"cover-{n}.png", ((n * 40) % 255, 99, 180)),
            )
        )
    return {"programming": python, "design": design, "courses": courses}


@pytest.fixture
def demo(transactional_db):
    """The demo site (`load_demo`: fixtures/demo.json plus its images, copied to MEDIA_ROOT)."""
    from django.core.management import call_command

    from users.models import User

    if not (ROOT / "fixtures" / "demo.json").exists():
        pytest.skip("no demo fixtures")
    call_command("load_demo", verbosity=0)
    return {"learner": User.objects.get(email="learner@example.com")}


# --- Helpers used by the tests -----------------------------------------------------------------
def run_axe(page, *, disable=()):
    """Run axe-core (self-hosted copy) on the page; return serious and critical violations.

    Not on a page with JavaScript switched off: axe's timers never fire there, and it waits forever.
    """
    page.evaluate(_axe_source())  # evaluated through DevTools, so the page's CSP does not block it
    results = page.evaluate(
        """async (disabled) => {
            const rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
            return await axe.run(document, {resultTypes: ["violations"], rules});
        }""",
        list(disable),
    )
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def assert_accessible(page, *, disable=()):
    violations = run_axe(page, disable=disable)
    assert not violations, (
        f"axe: serious/critical problems on {page.url}:\n{axe_report(violations)}"
    )


def axe_report(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:6]:
            why = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {why[:220]}")
    return "\n".join(lines)


_AXE_CACHE = {}


def _axe_source():
    if "src" not in _AXE_CACHE:
        _AXE_CACHE["src"] = AXE_JS.read_text(encoding="utf-8")
    return _AXE_CACHE["src"]


def screenshot(page, name, *, full_page=False):
    """Save docs/screenshots/<name>-<width>.jpg: the viewport, JPEG quality 70 (small to commit)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}.jpg"
    page.screenshot(
        path=str(path), type="jpeg", quality=70, full_page=full_page, animations="disabled"
    )
    return path


def gzipped_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))
