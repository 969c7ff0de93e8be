"""Runs inside the bench environment (same settings and database as the served site).

Picks the pages to load (a deep page, a search word, a busy course, an enrolled learner's
lesson), signs that learner in (a session in the configured session store) and counts each page's
SQL queries and body bytes with Django's test client. Prints one JSON object.

    python bench/probe.py
"""

import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning_platform.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from courses.models import Category, Course, Lesson  # noqa: E402
from learning.models import Enrollment  # noqa: E402

PER_PAGE = 12


def search_word(courses) -> str:
    """A word that appears in many course titles (a realistic, non-trivial search)."""
    words = Counter()
    for title in courses.values_list("title", flat=True)[:500]:
        words.update(w.lower() for w in title.split() if len(w) > 3 and w.isalpha())
    return words.most_common(1)[0][0] if words else "course"


def enrolled_learner_and_lesson():
    enrollments = Enrollment.objects.filter(course__in=Course.objects.published()).select_related(
        "user", "course"
    )
    synthetic = enrollments.filter(user__email__endswith="@synthetic.example")
    for candidates in (synthetic, enrollments):
        for enrollment in candidates.order_by("id")[:50]:
            lesson = (
                Lesson.objects.filter(course=enrollment.course)
                .order_by("is_preview", "section__order", "order", "id")
                .first()
            )
            if lesson is not None:
                return enrollment.user, enrollment.course, lesson
    raise SystemExit("probe: no enrolled learner with a lesson: seed with --learners > 0")


def pick_targets() -> tuple[list[dict], str]:
    published = Course.objects.published()
    total = published.count()
    if total == 0:
        raise SystemExit("probe: the bench database has no published course")
    deep_page = max(1, (total + PER_PAGE - 1) // PER_PAGE // 2)
    word = search_word(published.order_by("id"))
    category = (
        Category.objects.filter(parent__isnull=True, courses__in=published).order_by("id").first()
        or Category.objects.filter(courses__in=published).order_by("id").first()
    )
    level = published.values_list("level", flat=True).order_by("level").distinct().first() or "all"
    busy_course = (
        published.filter(lesson_count__gt=0).order_by("-enrollment_count", "id").first()
        or published.first()
    )
    learner, _course, lesson = enrolled_learner_and_lesson()

    client = Client()
    client.force_login(learner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    catalog = reverse("courses:list")
    targets = [
        ("home", reverse("home"), False),
        ("catalog", catalog, False),
        ("deep page", f"{catalog}?page={deep_page}", False),
        ("search", f"{catalog}?q={word}", False),
        (
            "filtered + sorted",
            f"{catalog}?category={category.slug}&level={level}&sort=rating"
            if category
            else f"{catalog}?level={level}&sort=rating",
            False,
        ),
        ("course", reverse("courses:detail", kwargs={"slug": busy_course.slug}), False),
        (
            "lesson (enrolled)",
            reverse(
                "learning:lesson", kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug}
            ),
            True,
        ),
        ("dashboard", reverse("learning:dashboard"), True),
        ("sitemap", reverse("sitemap"), False),
    ]
    return [{"name": n, "path": p, "signed_in": s} for n, p, s in targets], cookie


def measure(targets, cookie):
    anonymous = Client()
    signed_in = Client(headers={"cookie": cookie})
    for target in targets:
        client = signed_in if target["signed_in"] else anonymous
        client.get(target["path"])  # warm caches that live for the process (templates, urls)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target["path"])
        target["status"] = response.status_code
        target["sql_queries"] = len(queries)
        target["bytes"] = len(response.content)
        # server time without the network or queueing: median of a few in-process requests
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(target["path"])
            timings.append((time.perf_counter() - started) * 1000)
        target["server_ms"] = round(statistics.median(timings), 1)


def main():
    targets, cookie = pick_targets()
    measure(targets, cookie)
    print(
        json.dumps(
            {
                "targets": targets,
                "cookie": cookie,
                "courses_published": Course.objects.published().count(),
                "database": connection.vendor,
                "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
                if connection.vendor == "sqlite"
                else "{}.{}".format(
                    *divmod(connection.cursor().connection.info.server_version, 10000)
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
