"""Runs inside the bench environment (same settings and database as the served site).

Picks the pages to load (a deep page, a search word, a busy course, an enrolled learner's
lesson), signs that learner in (a session in the configured session store) and counts each page's
SQL queries and body bytes with Django's test client. Prints one JSON object.

    python bench/probe.py                      # the pages of bench/run.py
    python bench/probe.py --soak-plan 20       # learners (signed in) and courses for bench/soak.py
    python bench/probe.py --soak-verify < state.json   # the database matches what the soak did
"""

import argparse
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

sys.path.insert(0, str(ROOT / "bench"))

django.setup()

import longtail  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Avg, Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from courses.catalog import Selection  # noqa: E402
from courses.models import Category, Course, Lesson  # noqa: E402
from learning.models import (  # noqa: E402
    Certificate,
    Enrollment,
    LessonProgress,
    Review,
    WishlistItem,
)
from users.models import User  # noqa: E402

PER_PAGE = 12


def search_word(courses) -> str:
    """A word that appears in many course titles and that search finds (not a stop word such as
    "from", which PostgreSQL drops): a realistic, non-trivial search."""
    words = Counter()
    for title in courses.values_list("title", flat=True)[:500]:
        words.update(w.lower() for w in title.split() if len(w) > 3 and w.isalpha())
    for word, _count in words.most_common(20):
        if Selection(q=word).page_ids("relevance", 0, 1):
            return word
    return "course"


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


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


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
    cookie = session_cookie(learner)

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


def timed(client, path, times) -> float:
    """Median milliseconds of `times` in-process requests (no network, no queueing)."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def measure(targets, cookie):
    """Each page's SQL queries and render time with the shared fragments off (cold: what a
    page costs the first time after a catalog change) and warm (as the site serves it)."""
    anonymous = Client()
    signed_in = Client(headers={"cookie": cookie})
    for target in targets:
        client = signed_in if target["signed_in"] else anonymous
        with override_settings(CACHE_FRAGMENT_SECONDS=0):
            client.get(target["path"])  # warm what lives for the process (templates, urls)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(target["path"])
            # read now: the next request clears the connection's query log
            target["sql_queries"] = len(queries)
            target["cold_ms"] = timed(client, target["path"], 3)
        target["status"] = response.status_code
        target["bytes"] = len(response.content)
        client.get(target["path"])  # fills the shared fragments
        target["server_ms"] = timed(client, target["path"], 5)


def soak_plan(learners: int, shared: int, own: int) -> dict:
    """Signed-in learners and their courses: `shared` courses that every learner takes (all
    writing the same counters at once) and `own` courses each. With each course, the lessons the
    learner had already done, so that the soak knows the state it starts from."""
    courses = list(
        Course.objects.published()
        .filter(lesson_count__gt=0, lesson_count__lte=20)
        .order_by("id")
        .only("id", "slug")[: shared + learners * own]
    )
    users = list(
        User.objects.filter(email__endswith="@synthetic.example", is_staff=False).order_by("id")[
            :learners
        ]
    )
    if len(courses) < shared + learners * own or len(users) < learners:
        raise SystemExit("probe: the bench database is too small for this soak")
    lessons: dict[int, list[str]] = {}
    # A quiz is completed by passing it, not by the "complete" button the learners press.
    for course_id, slug in (
        Lesson.objects.filter(course__in=courses)
        .exclude(kind=Lesson.Kind.QUIZ)
        .values_list("course_id", "slug")
    ):
        lessons.setdefault(course_id, []).append(slug)
    plan = []
    for index, user in enumerate(users):
        start = shared + index * own
        mine = courses[:shared] + courses[start : start + own]
        done = set(
            LessonProgress.objects.filter(user=user, lesson__course__in=mine).values_list(
                "lesson__course_id", "lesson__slug"
            )
        )
        plan.append(
            {
                "email": user.email,
                "cookie": session_cookie(user),
                "courses": [
                    {
                        "slug": course.slug,
                        "lessons": lessons[course.id],
                        "done": [slug for slug in lessons[course.id] if (course.id, slug) in done],
                    }
                    for course in mine
                ],
            }
        )
    catalog = reverse("courses:list")
    word = search_word(Course.objects.published().order_by("id"))
    anonymous_pages = [
        reverse("home"),
        catalog,
        f"{catalog}?page=2",
        f"{catalog}?q={word}",
        f"{catalog}?sort=rating&level=beginner",
        *(reverse("courses:detail", kwargs={"slug": c.slug}) for c in courses[: shared + 5]),
    ]
    return {"learners": plan, "anonymous_pages": anonymous_pages}


def soak_verify(state: dict) -> dict:
    """Compare the database with what the soak's learners were told: every enrolment, every
    completed lesson, every review; and every counter of the courses they touched."""
    problems = []
    slugs = set()
    for learner in state["learners"]:
        user = User.objects.get(email=learner["email"])
        for slug, course_state in learner["courses"].items():
            slugs.add(slug)
            course = Course.objects.get(slug=slug)
            enrolments = Enrollment.objects.filter(user=user, course=course).count()
            if enrolments != 1:
                problems.append(f"{user.email} has {enrolments} enrolments in {slug}")
            done = set(
                LessonProgress.objects.filter(user=user, lesson__course=course)
                .exclude(lesson__kind=Lesson.Kind.QUIZ)
                .values_list("lesson__slug", flat=True)
            )
            if done != set(course_state["done"]):
                problems.append(f"{user.email} in {slug}: {len(done)} lessons done in the database, "
                                f"{len(course_state['done'])} acknowledged")  # fmt: skip
            if course_state["reviewed"] and not Review.objects.filter(user=user, course=course):
                problems.append(f"{user.email}: acknowledged review of {slug} is missing")
            if course_state["certificate"] and not Certificate.objects.filter(
                user=user, course=course
            ):
                problems.append(f"{user.email}: acknowledged certificate for {slug} is missing")
            wishlisted = WishlistItem.objects.filter(user=user, course=course).exists()
            if course_state["wishlisted"] is not None and wishlisted != course_state["wishlisted"]:
                problems.append(f"{user.email}: wishlist of {slug} is not what was acknowledged")
    for course in Course.objects.filter(slug__in=slugs):
        reviews = Review.objects.filter(course=course).aggregate(n=Count("id"), avg=Avg("rating"))
        counted = {
            "enrollment_count": Enrollment.objects.filter(course=course).count(),
            "rating_count": reviews["n"],
        }
        for field, rows in counted.items():
            if getattr(course, field) != rows:
                problems.append(f"{course.slug}.{field} = {getattr(course, field)}, rows: {rows}")
        if abs(float(course.rating_average) - (reviews["avg"] or 0)) > 0.005:
            problems.append(f"{course.slug}.rating_average = {course.rating_average}, "
                            f"reviews: {reviews['avg']:.2f}")  # fmt: skip
    return {"courses_checked": len(slugs), "problems": problems}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soak-plan", type=int, metavar="LEARNERS")
    parser.add_argument("--shared", type=int, default=3, help="courses every soak learner takes")
    parser.add_argument("--own", type=int, default=6, help="courses of each soak learner's own")
    parser.add_argument("--soak-verify", action="store_true", help="read the state from stdin")
    parser.add_argument(
        "--long-tail",
        type=int,
        nargs=3,
        metavar=("SEARCHES", "COURSES", "CATALOG"),
        default=(1500, 5000, 3000),
        help="distinct URLs of each long-tail row",
    )
    args = parser.parse_args()
    if args.soak_plan:
        print(json.dumps(soak_plan(args.soak_plan, args.shared, args.own)))
        return
    if args.soak_verify:
        print(json.dumps(soak_verify(json.load(sys.stdin))))
        return
    targets, cookie = pick_targets()
    measure(targets, cookie)
    searches, courses, combinations = args.long_tail
    print(
        json.dumps(
            {
                "targets": targets,
                "long_tail": {
                    "search": longtail.sample("search", searches),
                    "course": longtail.sample("course", courses),
                    "catalog": longtail.sample("catalog", combinations),
                },
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
