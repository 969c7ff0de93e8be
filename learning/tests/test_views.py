from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from courses.tests.factories import CourseFactory, course_with_lessons
from learning import services
from learning.models import Enrollment, LessonProgress, WishlistItem
from learning.tests.factories import WishlistItemFactory

pytestmark = pytest.mark.django_db


def lesson_url(lesson, name="learning:lesson"):
    return reverse(name, kwargs={"slug": lesson.course.slug, "lesson_slug": lesson.slug})


# --- access to lessons --------------------------------------------------------------------------
def test_preview_lesson_is_open_to_anonymous_visitors(client, lessons):
    response = client.get(lesson_url(lessons[0]))
    assert response.status_code == 200
    assert lessons[0].title in response.text


def test_preview_lesson_describes_itself_and_stays_out_of_search_engines(client, lessons, settings):
    response = client.get(lesson_url(lessons[0]))
    course = lessons[0].course
    description = f"{lessons[0].title}: a lesson of {course.title} on {settings.SITE_NAME}."
    assert f'<meta name="description" content="{description}">' in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_anonymous_visitor_is_sent_to_login_with_next(client, lessons):
    url = lesson_url(lessons[1])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_unenrolled_learner_is_sent_to_course_page_with_message(learner_client, course, lessons):
    response = learner_client.get(lesson_url(lessons[1]), follow=True)
    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert "Enrol in the course to open this lesson." in response.text


def test_enrolled_learner_sees_lesson(enrolled_client, lessons):
    response = enrolled_client.get(lesson_url(lessons[1]))
    assert response.status_code == 200
    assert "Complete and continue" in response.text


def test_instructor_sees_lessons_without_enrolling(instructor_client, lessons):
    response = instructor_client.get(lesson_url(lessons[2]))
    assert response.status_code == 200


def test_draft_course_lesson_is_404_for_learners(learner_client):
    draft = course_with_lessons(status=Course.Status.DRAFT)
    lesson = draft.lessons.first()
    assert learner_client.get(lesson_url(lesson)).status_code == 404


def test_draft_course_lesson_is_visible_to_its_instructor(instructor_client, instructor):
    draft = course_with_lessons(status=Course.Status.DRAFT, instructors=[instructor])
    lesson = draft.lessons.order_by("order").last()
    assert instructor_client.get(lesson_url(lesson)).status_code == 200


def test_unknown_lesson_is_404(enrolled_client, course):
    url = reverse("learning:lesson", kwargs={"slug": course.slug, "lesson_slug": "nope"})
    assert enrolled_client.get(url).status_code == 404


# --- lesson player ------------------------------------------------------------------------------
def test_lesson_body_markdown_is_sanitised(enrolled_client, lessons):
    lesson = lessons[1]
    lesson.body = "**bold** <script>alert(1)</script> [x](javascript:alert(2))"
    lesson.save()
    response = enrolled_client.get(lesson_url(lesson))
    assert "<strong>bold</strong>" in response.text
    assert "<script>alert(1)" not in response.text
    assert "javascript:alert" not in response.text


def test_a_linked_video_loads_the_hosts_privacy_friendly_player_only_on_play(
    enrolled_client, lessons
):
    lesson = lessons[1]
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    lesson.save()
    response = enrolled_client.get(lesson_url(lesson))
    assert 'data-video-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in response.text
    assert f'data-video-title="Video: {lesson.title}"' in response.text
    assert "<iframe" not in response.text


def test_a_linked_video_can_be_opened_on_its_host_when_it_does_not_play(enrolled_client, lessons):
    lesson = lessons[1]
    lesson.video_url = "https://vimeo.com/76979871"
    lesson.save()
    response = enrolled_client.get(lesson_url(lesson))
    assert (
        '<a href="https://vimeo.com/76979871" target="_blank" rel="noopener">Open it on Vimeo</a>'
        in (response.text)
    )


def test_an_uploaded_video_shows_the_course_cover_before_playing(enrolled_client, lessons):
    lesson = lessons[1]
    lesson.course.cover_image = "covers/python.jpg"
    lesson.course.save()
    lesson.video_file = "videos/intro.mp4"
    lesson.save()
    response = enrolled_client.get(lesson_url(lesson))
    assert 'poster="/media/covers/python.w960.webp"' in response.text
    assert reverse("learning:lesson_video", args=[lesson.course.slug, lesson.slug]) in response.text


def test_lesson_shows_previous_and_next_links(enrolled_client, lessons):
    response = enrolled_client.get(lesson_url(lessons[1]))
    assert f'href="{lesson_url(lessons[0])}"' in response.text
    assert 'rel="prev"' in response.text
    assert 'rel="next"' in response.text
    assert f'href="{lesson_url(lessons[2])}"' in response.text


def test_sidebar_marks_done_lessons(enrolled_client, learner, lessons):
    services.set_lesson_complete(user=learner, lesson=lessons[0], done=True)
    response = enrolled_client.get(lesson_url(lessons[1]))
    assert response.text.count("Completed:") == 1
    assert "25% complete" in response.text


def test_lesson_lists_attachments(enrolled_client, lessons):
    from courses.tests.factories import AttachmentFactory

    item = AttachmentFactory(lesson=lessons[1], title="Cheat sheet")
    response = enrolled_client.get(lesson_url(lessons[1]))
    expected = reverse(
        "learning:attachment",
        kwargs={"slug": lessons[1].course.slug, "lesson_slug": lessons[1].slug, "pk": item.pk},
    )
    assert "Cheat sheet" in response.text
    assert expected in response.text


def test_viewing_a_lesson_updates_last_activity(enrolled_client, learner, lessons):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Enrollment.objects.filter(user=learner).update(last_activity_at=an_hour_ago)
    enrolled_client.get(lesson_url(lessons[1]))
    assert Enrollment.objects.get(user=learner).last_activity_at > an_hour_ago


def test_lesson_views_within_a_minute_write_nothing(enrolled_client, learner, lessons):
    enrolled_client.get(lesson_url(lessons[1]))
    stamp = Enrollment.objects.get(user=learner).last_activity_at
    with CaptureQueriesContext(connection) as queries:
        enrolled_client.get(lesson_url(lessons[0]))
    assert Enrollment.objects.get(user=learner).last_activity_at == stamp
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_a_lesson_page_reads_the_learners_enrolment_once(enrolled_client, lessons):
    enrolled_client.get(lesson_url(lessons[1]))
    with CaptureQueriesContext(connection) as queries:
        response = enrolled_client.get(lesson_url(lessons[1]))
    assert response.status_code == 200
    reads = [
        q
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "learning_enrollment"' in q["sql"]
    ]
    assert len(reads) == 1, reads


# --- complete -----------------------------------------------------------------------------------
def test_complete_marks_lesson_done_and_redirects_back(enrolled_client, learner, lessons):
    response = enrolled_client.post(lesson_url(lessons[1], "learning:complete"))
    assert response.status_code == 302
    assert response.url == lesson_url(lessons[1])
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[1]).exists()


def test_complete_again_marks_not_done(enrolled_client, learner, lessons):
    enrolled_client.post(lesson_url(lessons[1], "learning:complete"))
    enrolled_client.post(lesson_url(lessons[1], "learning:complete"))
    assert not LessonProgress.objects.filter(user=learner, lesson=lessons[1]).exists()


def test_complete_with_explicit_done_is_idempotent(enrolled_client, learner, lessons):
    for _ in range(2):
        enrolled_client.post(lesson_url(lessons[1], "learning:complete"), {"done": "1"})
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[1]).count() == 1


def test_complete_answers_json_for_scripts(enrolled_client, lessons):
    response = enrolled_client.post(
        lesson_url(lessons[1], "learning:complete"), HTTP_ACCEPT="application/json"
    )
    assert response.json()["done"] is True
    assert response.json()["percent"] == 25


def test_finishing_from_the_script_leaves_the_congratulations_for_the_reload(
    enrolled_client, lessons
):
    for lesson in lessons:
        answer = enrolled_client.post(
            lesson_url(lesson, "learning:complete"), HTTP_ACCEPT="application/json"
        ).json()
    assert answer["certificate_issued"] is True
    reloaded = enrolled_client.get(lesson_url(lessons[-1]))
    assert "Congratulations, you completed the course!" in reloaded.text
    assert answer["certificate_url"] in reloaded.text  # the lesson page links the certificate


def test_unenrolled_learner_cannot_complete_lesson(learner_client, learner, lessons):
    response = learner_client.post(lesson_url(lessons[1], "learning:complete"))
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_unenrolled_learner_cannot_complete_preview_lesson(learner_client, lessons):
    response = learner_client.post(lesson_url(lessons[0], "learning:complete"))
    assert response.status_code == 403


def test_completing_last_lesson_announces_certificate(enrolled_client, learner, lessons):
    for lesson in lessons[:-1]:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.post(lesson_url(lessons[-1], "learning:complete"), follow=True)
    assert "Your certificate is ready" in response.text
    assert learner.certificates.count() == 1


# --- resume -------------------------------------------------------------------------------------
def test_resume_goes_to_first_lesson_when_nothing_done(enrolled_client, course, lessons):
    response = enrolled_client.get(reverse("learning:resume", kwargs={"slug": course.slug}))
    assert response.url == lesson_url(lessons[0])


def test_resume_goes_to_first_unfinished_lesson(enrolled_client, learner, course, lessons):
    for lesson in (lessons[0], lessons[1], lessons[3]):
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.get(reverse("learning:resume", kwargs={"slug": course.slug}))
    assert response.url == lesson_url(lessons[2])


def test_resume_goes_to_the_finish_screen_when_all_done(enrolled_client, learner, course, lessons):
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.get(reverse("learning:resume", kwargs={"slug": course.slug}))
    assert response.url == reverse("learning:finish", kwargs={"slug": course.slug})


def test_resume_sends_unenrolled_learner_to_course_page(learner_client, course):
    response = learner_client.get(reverse("learning:resume", kwargs={"slug": course.slug}))
    assert response.url == course.get_absolute_url()


def test_resume_of_course_without_lessons_goes_to_course_page(learner_client, learner):
    empty = CourseFactory()
    services.enroll(user=learner, course=empty)
    response = learner_client.get(reverse("learning:resume", kwargs={"slug": empty.slug}))
    assert response.url == empty.get_absolute_url()


# --- enrol / unenrol ----------------------------------------------------------------------------
def test_enroll_creates_enrolment_and_goes_to_first_lesson(learner_client, learner, course):
    response = learner_client.post(reverse("learning:enroll", kwargs={"slug": course.slug}))
    assert response.url == reverse("learning:resume", kwargs={"slug": course.slug})
    assert Enrollment.objects.filter(user=learner, course=course).exists()


def test_double_enroll_request_leaves_one_row_and_one_count(learner_client, course):
    url = reverse("learning:enroll", kwargs={"slug": course.slug})
    learner_client.post(url)
    learner_client.post(url)
    assert Enrollment.objects.filter(course=course).count() == 1
    assert Course.objects.get(pk=course.pk).enrollment_count == 1


def test_enroll_in_draft_is_404(learner_client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    response = learner_client.post(reverse("learning:enroll", kwargs={"slug": draft.slug}))
    assert response.status_code == 404


def test_anonymous_enroll_goes_to_login(client, course):
    response = client.post(reverse("learning:enroll", kwargs={"slug": course.slug}))
    assert response.url.startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


def test_unenroll_get_shows_confirmation(enrolled_client, course):
    response = enrolled_client.get(reverse("learning:unenroll", kwargs={"slug": course.slug}))
    assert response.status_code == 200
    assert "Leave the course" in response.text
    assert Enrollment.objects.exists()


def test_unenroll_post_removes_enrolment(enrolled_client, course):
    response = enrolled_client.post(reverse("learning:unenroll", kwargs={"slug": course.slug}))
    assert response.url == reverse("learning:dashboard")
    assert not Enrollment.objects.exists()
    assert Course.objects.get(pk=course.pk).enrollment_count == 0


# --- wishlist -----------------------------------------------------------------------------------
def test_wishlist_toggle_adds_and_redirects_to_safe_next(learner_client, learner, course):
    url = reverse("learning:wishlist", kwargs={"slug": course.slug})
    response = learner_client.post(url, {"next": "/courses/?q=python"})
    assert response.url == "/courses/?q=python"
    assert WishlistItem.objects.filter(user=learner, course=course).exists()


def test_wishlist_toggle_removes(learner_client, learner, course):
    WishlistItemFactory(user=learner, course=course)
    learner_client.post(reverse("learning:wishlist", kwargs={"slug": course.slug}))
    assert not WishlistItem.objects.exists()


def test_wishlist_ignores_offsite_next(learner_client, course):
    url = reverse("learning:wishlist", kwargs={"slug": course.slug})
    response = learner_client.post(url, {"next": "https://evil.example/"})
    assert response.url == course.get_absolute_url()


def test_anonymous_wishlist_goes_to_login(client, course):
    response = client.post(reverse("learning:wishlist", kwargs={"slug": course.slug}))
    assert response.url.startswith(reverse("account_login"))


# --- POST-only and CSRF -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["enroll", "review", "review_delete", "wishlist"])
def test_post_only_course_urls_reject_get(enrolled_client, course, name):
    response = enrolled_client.get(reverse(f"learning:{name}", kwargs={"slug": course.slug}))
    assert response.status_code == 405


def test_complete_rejects_get(enrolled_client, lessons):
    assert enrolled_client.get(lesson_url(lessons[1], "learning:complete")).status_code == 405


def test_enroll_enforces_csrf(learner, course):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("learning:enroll", kwargs={"slug": course.slug}))
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_complete_enforces_csrf(learner, lessons):
    from django.test import Client

    services.enroll(user=learner, course=lessons[0].course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(lesson_url(lessons[1], "learning:complete")).status_code == 403
    assert not LessonProgress.objects.exists()


def test_signed_in_visitor_on_preview_can_enrol(learner_client, course, lessons):
    response = learner_client.get(lesson_url(lessons[0]))
    assert f'action="{reverse("learning:enroll", kwargs={"slug": course.slug})}"' in response.text
