"""Races run by real threads against a real database (each thread has its own connection).

Each scenario sets up its data, fires its workers at once (a barrier) and returns what the
database holds afterwards, as plain values, so the same code serves the in-process PostgreSQL
tests and the file-based SQLite subprocess (tests/reliability/test_concurrency.py).
"""

import threading
from decimal import Decimal

from django.db import close_old_connections, connection
from django.test import Client

THREADS = 8
SIGNUP_PASSWORD = "a-long-passphrase-42"


def run_in_threads(work, count=THREADS):
    """Call work(i) in `count` threads started together; return [(result | None, error | None)]."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def runner(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = (work(i), None)
        except Exception as exc:  # reported to the test, which shows it
            outcomes[i] = (None, f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return outcomes


def _errors(outcomes):
    return [error for _result, error in outcomes if error]


def _client_for(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def same_learner_enrols_in_parallel():
    from courses.models import Course
    from courses.tests.factories import course_with_lessons
    from learning.models import Enrollment
    from learning.services import enroll
    from users.tests.factories import UserFactory

    course, learner = course_with_lessons(), UserFactory()
    outcomes = run_in_threads(lambda i: enroll(user=learner, course=course)[1])
    return {
        "errors": _errors(outcomes),
        "created": sum(1 for created, _e in outcomes if created),
        "rows": Enrollment.objects.filter(user=learner, course=course).count(),
        "counter": Course.objects.get(pk=course.pk).enrollment_count,
    }


def many_learners_enrol_through_the_site():
    from courses.models import Course
    from courses.tests.factories import course_with_lessons
    from learning.models import Enrollment
    from users.tests.factories import UserFactory

    course = course_with_lessons()
    learners = [UserFactory() for _ in range(THREADS)]
    clients = [_client_for(user) for user in learners]
    url = f"/courses/{course.slug}/enroll/"
    outcomes = run_in_threads(lambda i: clients[i].post(url).status_code)
    return {
        "errors": _errors(outcomes),
        "statuses": sorted({status for status, _e in outcomes if status}),
        "rows": Enrollment.objects.filter(course=course).count(),
        "counter": Course.objects.get(pk=course.pk).enrollment_count,
    }


def same_learner_double_posts_enrol():
    from courses.models import Course
    from courses.tests.factories import course_with_lessons
    from learning.models import Enrollment
    from users.tests.factories import UserFactory

    course, learner = course_with_lessons(), UserFactory()
    clients = [_client_for(learner) for _ in range(THREADS)]
    url = f"/courses/{course.slug}/enroll/"
    outcomes = run_in_threads(lambda i: clients[i].post(url).status_code)
    return {
        "errors": _errors(outcomes),
        "statuses": sorted({status for status, _e in outcomes if status}),
        "rows": Enrollment.objects.filter(user=learner, course=course).count(),
        "counter": Course.objects.get(pk=course.pk).enrollment_count,
    }


def learner_completes_every_lesson_at_once():
    """One click per lesson, all at the same moment: every lesson done, one certificate."""
    from courses.tests.factories import course_with_lessons
    from learning.models import Certificate, Enrollment, LessonProgress
    from learning.services import enroll, set_lesson_complete
    from users.tests.factories import UserFactory

    course = course_with_lessons(sections=2, lessons_per_section=4)
    learner = UserFactory()
    enroll(user=learner, course=course)
    lessons = list(course.lessons.all())
    outcomes = run_in_threads(
        lambda i: (
            set_lesson_complete(user=learner, lesson=lessons[i], done=True).certificate_issued
        ),
        count=len(lessons),
    )
    enrollment = Enrollment.objects.get(user=learner, course=course)
    return {
        "errors": _errors(outcomes),
        "lessons": len(lessons),
        "progress_rows": LessonProgress.objects.filter(user=learner, course=course).count(),
        "certificates": Certificate.objects.filter(user=learner, course=course).count(),
        "issued_flags": sum(1 for issued, _e in outcomes if issued),
        "completed": enrollment.completed_at is not None,
    }


def learner_completes_one_lesson_many_times():
    from courses.tests.factories import course_with_lessons
    from learning.models import LessonProgress
    from learning.services import enroll
    from users.tests.factories import UserFactory

    course, learner = course_with_lessons(), UserFactory()
    enroll(user=learner, course=course)
    lesson = course.lessons.order_by("id").last()
    clients = [_client_for(learner) for _ in range(THREADS)]
    url = f"/courses/{course.slug}/lessons/{lesson.slug}/complete/"
    outcomes = run_in_threads(lambda i: clients[i].post(url, {"done": "1"}).status_code)
    return {
        "errors": _errors(outcomes),
        "statuses": sorted({status for status, _e in outcomes if status}),
        "progress_rows": LessonProgress.objects.filter(user=learner, lesson=lesson).count(),
    }


def same_learner_reviews_in_parallel():
    from courses.models import Course
    from courses.tests.factories import course_with_lessons
    from learning.models import Review
    from learning.services import enroll, save_review
    from users.tests.factories import UserFactory

    course, learner = course_with_lessons(), UserFactory()
    enroll(user=learner, course=course)
    outcomes = run_in_threads(
        lambda i: save_review(user=learner, course=course, rating=1 + i % 5, text=f"Take {i}")[1]
    )
    course = Course.objects.get(pk=course.pk)
    review = Review.objects.filter(user=learner, course=course).first()
    return {
        "errors": _errors(outcomes),
        "rows": Review.objects.filter(user=learner, course=course).count(),
        "rating_count": course.rating_count,
        "rating_average": str(course.rating_average),
        "row_rating": str(Decimal(review.rating)) if review else None,
    }


def many_learners_review_in_parallel():
    from courses.models import Course
    from courses.tests.factories import course_with_lessons
    from learning.models import Review
    from learning.services import enroll, save_review
    from users.tests.factories import UserFactory

    course = course_with_lessons()
    learners = [UserFactory() for _ in range(THREADS)]
    for learner in learners:
        enroll(user=learner, course=course)
    ratings = [5, 4, 4, 3, 5, 2, 1, 5][:THREADS]
    outcomes = run_in_threads(
        lambda i: save_review(user=learners[i], course=course, rating=ratings[i], text="ok")[1]
    )
    course = Course.objects.get(pk=course.pk)
    return {
        "errors": _errors(outcomes),
        "rows": Review.objects.filter(course=course).count(),
        "rating_count": course.rating_count,
        "rating_average": str(course.rating_average),
        "expected_average": str(round(Decimal(sum(ratings)) / len(ratings), 2)),
    }


def learner_toggles_wishlist_in_parallel():
    """An even number of toggles: a serial history ends where it started (not wishlisted)."""
    from courses.tests.factories import CourseFactory
    from learning.models import WishlistItem
    from learning.services import toggle_wishlist
    from users.tests.factories import UserFactory

    course, learner = CourseFactory(), UserFactory()
    outcomes = run_in_threads(lambda i: toggle_wishlist(user=learner, course=course))
    added = sum(1 for result, _e in outcomes if result is True)
    removed = sum(1 for result, _e in outcomes if result is False)
    return {
        "errors": _errors(outcomes),
        "added": added,
        "removed": removed,
        "rows": WishlistItem.objects.filter(user=learner, course=course).count(),
    }


def same_email_signs_up_in_parallel():
    from users.models import User

    email = "race@example.com"
    clients = [Client(raise_request_exception=False) for _ in range(THREADS)]
    data = {"email": email, "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD}
    outcomes = run_in_threads(
        lambda i: clients[i].post("/accounts/signup/", {**data, "name": f"Racer {i}"}).status_code
    )
    return {
        "errors": _errors(outcomes),
        "statuses": sorted({status for status, _e in outcomes if status}),
        "accounts": User.objects.filter(email__iexact=email).count(),
    }


def namesakes_sign_up_in_parallel():
    """Different addresses with the same local part: every one gets an account (own username)."""
    from users.models import User

    clients = [Client(raise_request_exception=False) for _ in range(THREADS)]
    data = {"password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD}
    outcomes = run_in_threads(
        lambda i: (
            clients[i]
            .post("/accounts/signup/", {**data, "email": f"anna@host{i}.example"})
            .status_code
        )
    )
    accounts = User.objects.filter(email__startswith="anna@host")
    return {
        "errors": _errors(outcomes),
        "statuses": sorted({status for status, _e in outcomes if status}),
        "accounts": accounts.count(),
        "usernames": len(set(accounts.values_list("username", flat=True))),
    }


def parallel_writers_through_the_site():
    """Many learners enrol, complete and wishlist at once: no request fails (no 'locked' 500)."""
    from courses.tests.factories import CourseFactory, course_with_lessons
    from users.tests.factories import UserFactory

    course, other = course_with_lessons(), CourseFactory()
    learners = [UserFactory() for _ in range(THREADS)]
    clients = [_client_for(user) for user in learners]
    lessons = list(course.lessons.order_by("id"))

    def work(i):
        client, statuses = clients[i], []
        statuses.append(client.post(f"/courses/{course.slug}/enroll/").status_code)
        for lesson in lessons:
            url = f"/courses/{course.slug}/lessons/{lesson.slug}/complete/"
            statuses.append(client.post(url, {"done": "1"}).status_code)
        statuses.append(client.post(f"/courses/{other.slug}/wishlist/").status_code)
        statuses.append(
            client.post(
                f"/courses/{course.slug}/review/", {"rating": "4", "text": "Good course."}
            ).status_code
        )
        return statuses

    outcomes = run_in_threads(work)
    statuses = sorted({s for result, _e in outcomes if result for s in result})
    from learning.models import Certificate, Enrollment, Review, WishlistItem

    return {
        "errors": _errors(outcomes),
        "statuses": statuses,
        "enrollments": Enrollment.objects.filter(course=course).count(),
        "certificates": Certificate.objects.filter(course=course).count(),
        "wishlist": WishlistItem.objects.filter(course=other).count(),
        "reviews": Review.objects.filter(course=course).count(),
    }


SCENARIOS = {
    name: function
    for name, function in list(globals().items())
    if callable(function)
    and getattr(function, "__module__", None) == __name__
    and not name.startswith("_")
    and name not in {"run_in_threads"}
}
