"""Access-control matrix: every URL of the URL map × every kind of visitor → the expected answer.

The world (see `world`): instructor teaches the published course P (a free preview lesson and a
locked lesson with an attachment and an uploaded video) and the draft D; other_instructor
teaches Q; enrolled is enrolled in P (review + certificate there); other is enrolled in Q
(review there); learner has nothing; staff is is_staff without any permission; superuser.

Cells: a status code, or "login" for a redirect to the login page (302 to /accounts/login/).
Staff without permissions gets 404 (not 403) for studio objects: the studio's querysets hide
courses a user does not teach before the permission check, so existence is not revealed.
Each row runs in a fresh database with a fresh client per role and reports the whole row on
failure, so removing any check in a view shows up as a changed cell.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from courses.tests.factories import AttachmentFactory, add_quiz, course_with_lessons
from learning import services
from learning.conversation import services as conversation
from learning.models import Answer
from learning.tests.factories import CertificateFactory, ReviewFactory
from users import emails
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anon", "learner", "enrolled", "other", "instructor", "other_instr", "staff", "superuser"]
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64


def _locked_lesson(course):
    return course.lessons.filter(is_preview=False).order_by("section__order", "order").first()


@pytest.fixture
def world():
    instructor = InstructorFactory(username="teacher-i")
    other_instr = InstructorFactory(username="teacher-o")
    P = course_with_lessons(instructors=[instructor], slug="course-p")
    D = course_with_lessons(instructors=[instructor], slug="course-d", status=Course.Status.DRAFT)
    Q = course_with_lessons(instructors=[other_instr], slug="course-q")
    locked = _locked_lesson(P)
    locked.video_file.save("clip.mp4", ContentFile(MP4), save=True)
    attachment = AttachmentFactory(lesson=locked)
    q_attachment = AttachmentFactory(lesson=_locked_lesson(Q))
    enrolled, other, learner = UserFactory(), UserFactory(), UserFactory()
    services.enroll(user=enrolled, course=P)
    services.enroll(user=other, course=Q)
    review = ReviewFactory(user=enrolled, course=P)
    other_review = ReviewFactory(user=other, course=Q)
    certificate = CertificateFactory(user=enrolled, course=P)
    other_certificate = CertificateFactory(user=other, course=Q)
    staff = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    # The conversation: enrolled asked on P (an instructor answered; enrolled answered too, long
    # ago), other asked on Q.
    question = conversation.ask(user=enrolled, lesson=locked, title="Why?", body="")
    answer = conversation.answer(user=instructor, question=question, body="Because.")
    old_answer = conversation.answer(user=enrolled, question=question, body="Thanks.")
    Answer.objects.filter(pk=old_answer.pk).update(created=timezone.now() - timedelta(hours=1))
    q_question = conversation.ask(user=other, lesson=_locked_lesson(Q), title="Q?", body="")
    quiz = add_quiz(P.sections.order_by("order").last(), title="P quiz")
    draft_quiz = add_quiz(D.sections.order_by("order").last(), title="D quiz")
    return {
        "users": {
            "learner": learner,
            "enrolled": enrolled,
            "other": other,
            "instructor": instructor,
            "other_instr": other_instr,
            "staff": staff,
            "superuser": superuser,
        },
        "P": P,
        "D": D,
        "Q": Q,
        "preview": P.lessons.get(is_preview=True),
        "locked": locked,
        "draft_lesson": _locked_lesson(D),
        "attachment": attachment,
        "q_attachment": q_attachment,
        "review": review,
        "other_review": other_review,
        "certificate": certificate,
        "other_certificate": other_certificate,
        "question": question,
        "answer": answer,
        "old_answer": old_answer,
        "q_question": q_question,
        "quiz": quiz,
        "draft_quiz": draft_quiz,
    }


def _lesson_url(name, lesson, **extra):
    return reverse(name, kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug, **extra})


def _on_p(name, key=None):
    """A URL of course P's conversation (of the world's `key` object when given)."""
    return lambda w: reverse(f"learning:{name}", args=["course-p"] + ([w[key].pk] if key else []))


MEMBERS_OF_P = ["login", 404, 200, 404, 200, 404, 404, 200]


def _admin(name, *args):
    return lambda w: reverse(f"admin:{name}", args=[a(w) if callable(a) else a for a in args])


ALL = "all"
# name: (method, url(world), expected per role in ROLES order, or {ALL: code})
MATRIX = {
    "home": ("get", lambda w: reverse("home"), {ALL: 200}),
    "healthz": ("get", lambda w: reverse("healthz"), {ALL: 200}),
    "robots": ("get", lambda w: reverse("robots_txt"), {ALL: 200}),
    "sitemap": ("get", lambda w: reverse("sitemap"), {ALL: 200}),
    "sitemap-section": (
        "get",
        lambda w: reverse("sitemap-section", args=["courses"]),
        {ALL: 200},
    ),
    "profile": ("get", lambda w: reverse("users:profile"), ["login"] + [200] * 7),
    "catalog": ("get", lambda w: reverse("courses:list"), {ALL: 200}),
    "category": (
        "get",
        lambda w: reverse("courses:category", args=[w["P"].category.slug]),
        {ALL: 200},
    ),
    "course-published": ("get", lambda w: w["P"].get_absolute_url(), {ALL: 200}),
    "course-draft": (
        "get",
        lambda w: w["D"].get_absolute_url(),
        [404, 404, 404, 404, 200, 404, 404, 200],
    ),
    "instructor-page": (
        "get",
        lambda w: reverse("courses:instructor", args=["teacher-i"]),
        {ALL: 200},
    ),
    "learner-is-no-instructor-page": (
        "get",
        lambda w: reverse("courses:instructor", args=[w["users"]["learner"].username]),
        {ALL: 404},
    ),
    "dashboard": ("get", lambda w: reverse("learning:dashboard"), ["login"] + [200] * 7),
    "enroll-get": ("get", lambda w: reverse("learning:enroll", args=["course-p"]), {ALL: 405}),
    "enroll": (
        "post",
        lambda w: reverse("learning:enroll", args=["course-p"]),
        ["login"] + [302] * 7,
    ),
    "enroll-draft": ("post", lambda w: reverse("learning:enroll", args=["course-d"]), {ALL: 404}),
    "unenroll-page": (
        "get",
        lambda w: reverse("learning:unenroll", args=["course-p"]),
        ["login", 302, 200, 302, 302, 302, 302, 302],
    ),
    "resume": (
        "get",
        lambda w: reverse("learning:resume", args=["course-p"]),
        ["login"] + [302] * 7,
    ),
    "resume-draft": (
        "get",
        lambda w: reverse("learning:resume", args=["course-d"]),
        [404, 404, 404, 404, 302, 404, 404, 302],
    ),
    "lesson-preview": ("get", lambda w: _lesson_url("learning:lesson", w["preview"]), {ALL: 200}),
    "lesson-locked": (
        "get",
        lambda w: _lesson_url("learning:lesson", w["locked"]),
        ["login", 302, 200, 302, 200, 302, 302, 200],
    ),
    "lesson-draft": (
        "get",
        lambda w: _lesson_url("learning:lesson", w["draft_lesson"]),
        [404, 404, 404, 404, 200, 404, 404, 200],
    ),
    "lesson-of-Q-under-P": (
        "get",
        lambda w: reverse(
            "learning:lesson",
            kwargs={"slug": "course-p", "lesson_slug": _locked_lesson(w["Q"]).slug},
        ),
        {ALL: 404},
    ),
    "complete-get": ("get", lambda w: _lesson_url("learning:complete", w["locked"]), {ALL: 405}),
    "complete": (
        "post",
        lambda w: _lesson_url("learning:complete", w["locked"]),
        ["login", 403, 302, 403, 403, 403, 403, 403],
    ),
    "complete-draft": (
        "post",
        lambda w: _lesson_url("learning:complete", w["draft_lesson"]),
        [404, 404, 404, 404, 403, 404, 404, 403],
    ),
    "quiz-get": ("get", lambda w: _lesson_url("learning:quiz", w["quiz"]), {ALL: 405}),
    "quiz": (
        "post",
        lambda w: _lesson_url("learning:quiz", w["quiz"]),
        ["login", 403, 302, 403, 403, 403, 403, 403],
    ),
    "quiz-draft": (
        "post",
        lambda w: _lesson_url("learning:quiz", w["draft_quiz"]),
        [404, 404, 404, 404, 403, 404, 404, 403],
    ),
    "quiz-of-a-lesson-that-is-not-one": (
        "post",
        lambda w: _lesson_url("learning:quiz", w["locked"]),
        {ALL: 404},
    ),
    "finish": (
        "get",
        lambda w: reverse("learning:finish", args=["course-p"]),
        ["login", 302, 200, 302, 302, 302, 302, 302],
    ),
    "finish-draft": (
        "get",
        lambda w: reverse("learning:finish", args=["course-d"]),
        ["login", 404, 404, 404, 302, 404, 404, 302],
    ),
    "review": (
        "post",
        lambda w: reverse("learning:review", args=["course-p"]),
        ["login", 403, 302, 403, 403, 403, 403, 403],
    ),
    "review-get": ("get", lambda w: reverse("learning:review", args=["course-p"]), {ALL: 405}),
    "review-delete": (
        "post",
        lambda w: reverse("learning:review_delete", args=["course-p"]),
        ["login"] + [302] * 7,
    ),
    "wishlist": (
        "post",
        lambda w: reverse("learning:wishlist", args=["course-p"]),
        ["login"] + [302] * 7,
    ),
    "wishlist-draft": (
        "post",
        lambda w: reverse("learning:wishlist", args=["course-d"]),
        {ALL: 404},
    ),
    "certificate": ("get", lambda w: w["certificate"].get_absolute_url(), {ALL: 200}),
    "certificate-unknown": (
        "get",
        lambda w: reverse("learning:certificate", args=["00000000-0000-4000-8000-000000000000"]),
        {ALL: 404},
    ),
    "attachment": (
        "get",
        lambda w: _lesson_url("learning:attachment", w["locked"], pk=w["attachment"].pk),
        ["login", 302, 200, 302, 200, 302, 302, 200],
    ),
    "attachment-of-Q-under-P": (
        "get",
        lambda w: _lesson_url("learning:attachment", w["locked"], pk=w["q_attachment"].pk),
        ["login", 302, 404, 302, 404, 302, 302, 404],
    ),
    "video": (
        "get",
        lambda w: _lesson_url("learning:lesson_video", w["locked"]),
        ["login", 302, 200, 302, 200, 302, 302, 200],
    ),
    "video-draft": (
        "get",
        lambda w: _lesson_url("learning:lesson_video", w["draft_lesson"]),
        [404, 404, 404, 404, 404, 404, 404, 404],
    ),
    "account-login": ("get", lambda w: reverse("account_login"), [200] + [302] * 7),
    "account-signup": ("get", lambda w: reverse("account_signup"), [200] + [302] * 7),
    "account-email": ("get", lambda w: reverse("account_email"), ["login"] + [200] * 7),
    "account-password-change": (
        "get",
        lambda w: reverse("account_change_password"),
        ["login"] + [200] * 7,
    ),
    # --- the course conversation: members of P only (others: 404, not even a hint) ---
    "questions": ("get", _on_p("questions"), MEMBERS_OF_P),
    "questions-draft": (
        "get",
        lambda w: reverse("learning:questions", args=["course-d"]),
        ["login", 404, 404, 404, 200, 404, 404, 200],
    ),
    "ask-page": ("get", _on_p("ask"), MEMBERS_OF_P),
    "ask": ("post", _on_p("ask"), ["login", 404, 302, 404, 302, 404, 404, 302]),
    "question": ("get", _on_p("question", "question"), MEMBERS_OF_P),
    "question-of-Q-under-P": ("get", _on_p("question", "q_question"), ["login"] + [404] * 7),
    "question-edit": (
        "get",
        _on_p("question_edit", "question"),
        ["login", 404, 200, 404, 403, 404, 404, 403],
    ),
    # Answered by the instructor: its author may no longer delete it (a message says why).
    "question-delete": (
        "post",
        _on_p("question_delete", "question"),
        ["login", 404, 302, 404, 403, 404, 404, 403],
    ),
    "question-moderate": (
        "post",
        _on_p("question_moderate", "question"),
        ["login", 404, 403, 404, 302, 404, 404, 302],
    ),
    "answer": (
        "post",
        _on_p("answer", "question"),
        ["login", 404, 302, 404, 302, 404, 404, 302],
    ),
    "answer-edit": (
        "get",
        _on_p("answer_edit", "answer"),
        ["login", 404, 403, 404, 200, 404, 404, 403],
    ),
    # Its author's window has passed (a message says so); nobody else may.
    "answer-delete": (
        "post",
        _on_p("answer_delete", "old_answer"),
        ["login", 404, 302, 404, 403, 404, 404, 403],
    ),
    "answer-accept": (
        "post",
        _on_p("answer_accept", "answer"),
        ["login", 404, 302, 404, 302, 404, 404, 302],
    ),
    "answer-moderate": (
        "post",
        _on_p("answer_moderate", "answer"),
        ["login", 404, 403, 404, 302, 404, 404, 302],
    ),
    "announcements": ("get", _on_p("announcements"), MEMBERS_OF_P),
    # --- emails ---
    "email-preferences": (
        "post",
        lambda w: reverse("users:email_preferences"),
        ["login"] + [302] * 7,
    ),
    "unsubscribe": (
        "get",
        lambda w: reverse(
            "users:unsubscribe",
            args=[emails.unsubscribe_token(w["users"]["enrolled"], emails.Kind.ANSWERS)],
        ),
        {ALL: 200},
    ),
    "unsubscribe-forged": (
        "post",
        lambda w: reverse("users:unsubscribe", args=[f"{w['users']['enrolled'].pk}:answers"]),
        {ALL: 404},
    ),
    # --- the studio (admin) ---
    "admin-index": ("get", _admin("index"), [302, 302, 302, 302, 200, 200, 200, 200]),
    "admin-courses": (
        "get",
        _admin("courses_course_changelist"),
        [302, 302, 302, 302, 200, 200, 403, 200],
    ),
    "admin-course-P": (
        "get",
        _admin("courses_course_change", lambda w: w["P"].pk),
        [302, 302, 302, 302, 200, 404, 404, 200],
    ),
    "admin-course-D-delete": (
        "get",
        _admin("courses_course_delete", lambda w: w["D"].pk),
        [302, 302, 302, 302, 200, 404, 404, 200],
    ),
    "admin-course-add": (
        "get",
        _admin("courses_course_add"),
        [302, 302, 302, 302, 200, 200, 403, 200],
    ),
    "admin-lesson-of-P": (
        "get",
        _admin("courses_lesson_change", lambda w: w["locked"].pk),
        [302, 302, 302, 302, 200, 404, 404, 200],
    ),
    "admin-users": (
        "get",
        _admin("users_user_changelist"),
        [302, 302, 302, 302, 403, 403, 403, 200],
    ),
    "admin-user-change": (
        "get",
        _admin("users_user_change", lambda w: w["users"]["enrolled"].pk),
        [302, 302, 302, 302, 403, 403, 403, 200],
    ),
    "admin-outbox": (
        "get",
        _admin("users_emaildelivery_changelist"),
        [302, 302, 302, 302, 403, 403, 403, 200],
    ),
    "admin-groups": (
        "get",
        _admin("auth_group_changelist"),
        [302, 302, 302, 302, 403, 403, 403, 200],
    ),
    "admin-review-on-P": (
        "get",
        _admin("learning_review_change", lambda w: w["review"].pk),
        [302, 302, 302, 302, 200, 404, 404, 200],
    ),
    "admin-review-on-Q": (
        "get",
        _admin("learning_review_change", lambda w: w["other_review"].pk),
        [302, 302, 302, 302, 404, 200, 404, 200],
    ),
    "admin-needs-an-answer": (
        "get",
        _admin("learning_unansweredquestion_changelist"),
        [302, 302, 302, 302, 200, 200, 403, 200],
    ),
    "admin-question-on-P": (
        "get",
        _admin("learning_question_change", lambda w: w["question"].pk),
        [302, 302, 302, 302, 200, 404, 404, 200],
    ),
    "admin-question-on-Q": (
        "get",
        _admin("learning_unansweredquestion_change", lambda w: w["q_question"].pk),
        [302, 302, 302, 302, 404, 200, 404, 200],
    ),
    "admin-announcement-add": (
        "get",
        _admin("learning_announcement_add"),
        [302, 302, 302, 302, 200, 200, 403, 200],
    ),
    "admin-certificate-on-Q": (
        "get",
        _admin("learning_certificate_change", lambda w: w["other_certificate"].pk),
        [302, 302, 302, 302, 404, 200, 404, 200],
    ),
}


# What a row POSTs (a valid form: the cell then shows the permission check, not a form error).
ROW_DATA = {
    "review": lambda w: {"rating": "5", "text": "Worth it."},
    "ask": lambda w: {"lesson": w["locked"].slug, "title": "How?"},
    "answer": lambda w: {"body": "Like this."},
    "question-moderate": lambda w: {"action": "pin"},
    "quiz": lambda w: _right_answers(w["quiz"]),
    "quiz-draft": lambda w: _right_answers(w["draft_quiz"]),
    "answer-moderate": lambda w: {"action": "hide"},
}


def _right_answers(quiz):
    answers = {f"q{q.pk}": q.options.get(is_correct=True).pk for q in quiz.quiz_questions.all()}
    return {"token": "0b6a5f2e-2f7e-4d62-9a34-5c1e9b1f0a11", **answers}


def _expected(spec):
    if isinstance(spec, dict):
        return [spec[ALL]] * len(ROLES)
    assert len(spec) == len(ROLES)
    return list(spec)


def _as(client, role, world):
    """The same client (its middleware chain loads once) signed in as `role`."""
    client.logout()
    client.cookies.clear()
    if role != "anon":
        client.force_login(world["users"][role])
    return client


def _observed(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    return response.status_code


def _mismatches(row, world, client_class):
    client = client_class(raise_request_exception=False)
    method, url_of, spec = MATRIX[row]
    url = url_of(world)
    data = ROW_DATA.get(row, lambda w: {})(world)
    observed = [_observed(getattr(_as(client, role, world), method)(url, data)) for role in ROLES]
    return {
        role: f"expected {want}, got {got}"
        for role, want, got in zip(ROLES, _expected(spec), observed, strict=True)
        if want != got
    }


@pytest.mark.parametrize("row", MATRIX.keys())
def test_access_matrix(row, world, client_class):
    method, url_of, _spec = MATRIX[row]
    mismatches = _mismatches(row, world, client_class)
    assert not mismatches, f"{row} {method.upper()} {url_of(world)}: {mismatches}"


def _allow_every_lesson(request, course, lesson):
    return None


def _everyone_may_review(user, course, *, enrolled=None):
    return True


def _every_course_is_visible(self, user):
    return self.all()


def _sees_everything(user):
    return True


def _sees_everything_of(user, course, **kwargs):
    return True


# A check removed from the code → the rows that must notice it.
REMOVED_CHECKS = {
    "enrolment-check-on-lessons-and-files": (
        "learning.views._deny_lesson",
        _allow_every_lesson,
        ["lesson-locked", "attachment", "video"],
    ),
    "enrolment-check-on-reviews": (
        "learning.services.may_review",
        _everyone_may_review,
        ["review"],
    ),
    "draft-visibility": (
        "courses.models.CourseQuerySet.visible_to",
        _every_course_is_visible,
        ["course-draft", "lesson-draft", "resume-draft", "quiz-draft", "finish-draft"],
    ),
    "membership-of-the-conversation": (
        "learning.conversation.services.is_member",
        _sees_everything_of,
        ["questions", "question", "ask", "announcements"],
    ),
    "studio-row-level-security": (
        "courses.admin_security.sees_everything",
        _sees_everything,
        ["admin-course-P", "admin-lesson-of-P", "admin-review-on-Q"],
    ),
}


@pytest.mark.parametrize("check", REMOVED_CHECKS.keys())
def test_the_matrix_notices_a_removed_check(check, world, client_class, monkeypatch):
    target, replacement, rows = REMOVED_CHECKS[check]
    monkeypatch.setattr(target, replacement)
    unnoticed = [row for row in rows if not _mismatches(row, world, client_class)]
    assert unnoticed == [], f"removing {check} went unnoticed by {unnoticed}"


@pytest.fixture
def client_class():
    from django.test import Client

    return Client


def test_every_named_url_is_in_the_matrix():
    """A new URL in the URL map must get a row here."""
    from django.urls import get_resolver

    covered = {
        "home", "healthz", "robots_txt", "sitemap", "sitemap-section", "users:profile",
        "courses:list",
        "courses:category", "courses:detail", "courses:instructor", "learning:dashboard",
        "learning:enroll", "learning:unenroll", "learning:resume", "learning:lesson",
        "learning:complete", "learning:review", "learning:review_delete", "learning:wishlist",
        "learning:certificate", "learning:attachment", "learning:lesson_video",
        "learning:questions", "learning:ask", "learning:question", "learning:question_edit",
        "learning:question_delete", "learning:question_moderate", "learning:answer",
        "learning:answer_edit", "learning:answer_delete", "learning:answer_accept",
        "learning:answer_moderate", "learning:announcements", "users:email_preferences",
        "users:unsubscribe", "learning:quiz", "learning:finish",
    }  # fmt: skip
    names = set()
    resolver = get_resolver()
    for namespace in ("", "users", "courses", "learning"):
        for key in (resolver.namespace_dict[namespace][1] if namespace else resolver).reverse_dict:
            if isinstance(key, str):
                names.add(f"{namespace}:{key}" if namespace else key)
    site_names = {
        n for n in names if n.split(":")[0] in {"users", "courses", "learning"} or ":" not in n
    }
    # allauth's pages have their own rows above; nested_admin's is the studio's AJAX helper.
    site_names = {
        n
        for n in site_names
        if not n.startswith(("account_", "django.", "socialaccount")) and n != "nesting_server_data"
    }
    assert site_names - covered == set()


# --- IDOR: acting on other people's objects ------------------------------------------------------


def test_review_post_only_ever_touches_the_posters_own_review(world, client):
    enrolled = world["users"]["enrolled"]
    other_review = world["other_review"]
    services.enroll(user=world["users"]["other"], course=world["P"])
    client.force_login(enrolled)
    client.post(
        reverse("learning:review", args=["course-p"]),
        {"rating": "1", "text": "hijack", "user": other_review.user_id, "id": other_review.pk},
    )
    other_review.refresh_from_db()
    assert other_review.text != "hijack"
    assert other_review.user == world["users"]["other"]


def test_review_delete_removes_only_the_posters_review(world, client):
    from learning.models import Review

    client.force_login(world["users"]["learner"])
    client.post(reverse("learning:review_delete", args=["course-p"]), {"id": world["review"].pk})
    assert Review.objects.filter(pk=world["review"].pk).exists()


def test_completing_a_lesson_records_progress_for_the_poster_only(world, client):
    from learning.models import LessonProgress

    other = world["users"]["other"]
    client.force_login(other)
    response = client.post(
        _lesson_url("learning:complete", world["locked"]),
        {"done": "1", "user": world["users"]["enrolled"].pk},
    )
    assert response.status_code == 403
    assert not LessonProgress.objects.filter(lesson=world["locked"]).exists()


def test_wishlist_toggle_cannot_target_another_user(world, client):
    from learning.models import WishlistItem

    client.force_login(world["users"]["learner"])
    client.post(
        reverse("learning:wishlist", args=["course-p"]), {"user": world["users"]["other"].pk}
    )
    assert not WishlistItem.objects.filter(user=world["users"]["other"]).exists()
    assert WishlistItem.objects.filter(user=world["users"]["learner"]).exists()


def test_certificate_page_shows_no_private_data(world, client):
    response = client.get(world["certificate"].get_absolute_url())
    assert world["users"]["enrolled"].email not in response.text


def test_certificate_ids_are_not_guessable(world):
    assert world["certificate"].uuid.version == 4


def test_profile_edit_changes_only_the_signed_in_user(world, client):
    learner, other = world["users"]["learner"], world["users"]["other"]
    client.force_login(learner)
    client.post(
        reverse("users:profile"),
        {"name": "Hijacked", "username": learner.username, "pk": other.pk, "id": other.pk,
         "email": other.email, "is_staff": "on", "is_superuser": "on"},
    )  # fmt: skip
    other.refresh_from_db()
    learner.refresh_from_db()
    assert other.name != "Hijacked"
    assert not learner.is_staff and not learner.is_superuser
    assert learner.email != other.email


def test_attachment_is_served_as_a_download_never_inline_html(world, client):
    client.force_login(world["users"]["enrolled"])
    response = client.get(
        _lesson_url("learning:attachment", world["locked"], pk=world["attachment"].pk)
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_private_files_are_not_under_the_public_media_url(world, client, settings):
    name = world["attachment"].file.name
    assert not (settings.MEDIA_ROOT / name).exists()
    assert client.get(settings.MEDIA_URL + name).status_code == 404


def test_instructor_cannot_move_a_lesson_into_another_instructors_course(world, client):
    """Forged admin POST: the studio must refuse a section that belongs to someone else."""
    client.force_login(world["users"]["instructor"])
    foreign_section = world["Q"].sections.first()
    lesson = world["locked"]
    response = client.post(
        reverse("admin:courses_lesson_change", args=[lesson.pk]),
        {
            "section": foreign_section.pk,
            "title": "moved",
            "slug": lesson.slug,
            "kind": "text",
            "order": 0,
            "duration": 1,
            "attachments-TOTAL_FORMS": 0,
            "attachments-INITIAL_FORMS": 0,
        },
    )
    lesson.refresh_from_db()
    assert lesson.section.course_id == world["P"].pk
    assert response.status_code in {200, 403, 404}


def test_instructor_cannot_grant_themselves_permissions(world, client):
    instructor = world["users"]["instructor"]
    client.force_login(instructor)
    client.post(
        reverse("admin:users_user_change", args=[instructor.pk]),
        {"is_superuser": "on", "email": instructor.email, "username": instructor.username},
    )
    instructor.refresh_from_db()
    assert not instructor.is_superuser
    assert not instructor.user_permissions.exists()


def test_staff_without_permissions_sees_no_courses(world, client):
    client.force_login(world["users"]["staff"])
    assert client.get(reverse("admin:courses_course_changelist")).status_code == 403


def test_instructors_group_cannot_touch_users_or_groups():
    group = Group.objects.get(name="Instructors")  # made by a data migration
    codenames = set(group.permissions.values_list("codename", flat=True))
    forbidden = Permission.objects.filter(content_type__app_label__in=["users", "auth"])
    assert not codenames & set(forbidden.values_list("codename", flat=True))


def test_draft_course_is_invisible_in_every_public_listing(world, client):
    draft = world["D"]
    for url in [reverse("home"), reverse("courses:list"), reverse("sitemap"),
                reverse("courses:instructor", args=["teacher-i"]),
                reverse("courses:category", args=[draft.category.slug]),
                reverse("courses:list") + "?q=" + draft.title.split()[0]]:  # fmt: skip
        assert draft.slug not in client.get(url).content.decode(), url


def test_a_new_lesson_in_someone_elses_course_cannot_be_added_by_url(world, client):
    client.force_login(world["users"]["other_instr"])
    response = client.get(reverse("admin:courses_course_change", args=[world["D"].pk]))
    assert response.status_code in {302, 404}
    assert world["D"].title not in response.content.decode()


def test_an_answer_is_always_by_the_poster(world, client):
    client.force_login(world["users"]["enrolled"])
    client.post(
        reverse("learning:answer", args=["course-p", world["question"].pk]),
        {"body": "Mine", "author": world["users"]["instructor"].pk, "by_instructor": "on"},
    )
    answer = Answer.objects.get(body="Mine")
    assert answer.author == world["users"]["enrolled"] and not answer.by_instructor


def test_a_question_cannot_be_posted_on_a_lesson_of_another_course(world, client):
    from learning.models import Question

    client.force_login(world["users"]["enrolled"])
    response = client.post(
        reverse("learning:ask", args=["course-p"]),
        {"lesson": _locked_lesson(world["Q"]).slug, "title": "Sneaky"},
    )
    assert response.status_code == 400
    assert not Question.objects.filter(title="Sneaky").exists()
