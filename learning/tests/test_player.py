"""The lesson player's way forward: "Complete and continue", the finish screen, the certificate."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from courses.tests.factories import add_quiz
from learning import services
from learning.models import LessonProgress, Review
from learning.tests.factories import CertificateFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def complete_url(lesson):
    return reverse("learning:complete", args=[lesson.course.slug, lesson.slug])


def finish_url(course):
    return reverse("learning:finish", args=[course.slug])


def pass_quiz(user, quiz, right=True):
    answers = {q.pk: [q.options.get(is_correct=right).pk] if right else
               [q.options.filter(is_correct=False).first().pk] for q in quiz.quiz_questions.all()}  # fmt: skip
    return services.submit_quiz(user=user, lesson=quiz, answers=answers, token=uuid.uuid4())


# --- Complete and continue ----------------------------------------------------------------------
def test_complete_and_continue_is_the_primary_action(enrolled_client, lessons):
    response = enrolled_client.get(lessons[1].get_absolute_url())
    assert "Complete and continue" in response.text
    assert f'<input type="hidden" name="next" value="{lessons[2].get_absolute_url()}">' in (
        response.text
    )


def test_complete_and_continue_marks_done_and_opens_the_next_lesson(
    enrolled_client, learner, lessons
):
    response = enrolled_client.post(
        complete_url(lessons[1]), {"done": "1", "next": lessons[2].get_absolute_url()}
    )
    assert response.status_code == 302
    assert response.url == lessons[2].get_absolute_url()
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[1]).exists()


def test_the_last_lesson_completes_and_finishes(enrolled_client, course, lessons):
    response = enrolled_client.get(lessons[-1].get_absolute_url())
    assert "Complete and finish" in response.text
    assert f'name="next" value="{finish_url(course)}"' in response.text


def test_a_completed_lesson_can_be_marked_not_done_and_moves_on_with_next(
    enrolled_client, learner, lessons
):
    services.set_lesson_complete(user=learner, lesson=lessons[1], done=True)
    response = enrolled_client.get(lessons[1].get_absolute_url())
    assert "Completed" in response.text
    assert "Mark as not done" in response.text
    assert '<input type="hidden" name="done" value="0">' in response.text
    assert f'href="{lessons[2].get_absolute_url()}" rel="next"' in response.text
    assert "Complete and continue" not in response.text
    enrolled_client.post(complete_url(lessons[1]), {"done": "0"})
    assert not LessonProgress.objects.filter(user=learner, lesson=lessons[1]).exists()


def test_a_skip_link_moves_on_without_completing(enrolled_client, lessons):
    response = enrolled_client.get(lessons[1].get_absolute_url())
    assert "Skip" in response.text
    assert f'href="{lessons[2].get_absolute_url()}">Skip' in response.text


def test_the_free_preview_badge_is_for_visitors_only(enrolled_client, lessons):
    assert "Free preview" in Client().get(lessons[0].get_absolute_url()).text
    assert "Free preview" not in enrolled_client.get(lessons[0].get_absolute_url()).text


def test_a_passed_quiz_offers_the_next_step(enrolled_client, learner, course, lessons):
    quiz = add_quiz(course.sections.first(), order=0, slug="middle-quiz")  # before lessons[1]
    pass_quiz(learner, quiz)
    response = enrolled_client.get(quiz.get_absolute_url())
    assert "Passed" in response.text
    assert f'href="{lessons[1].get_absolute_url()}" rel="next"' in response.text


# --- the finish screen --------------------------------------------------------------------------
def test_completing_the_last_lesson_ends_on_the_finish_screen_with_the_certificate(
    enrolled_client, learner, course, lessons
):
    for lesson in lessons[:-1]:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.post(
        complete_url(lessons[-1]), {"done": "1", "next": finish_url(course)}, follow=True
    )
    assert response.redirect_chain[-1][0] == finish_url(course)
    assert "You finished the course!" in response.text
    assert "Your certificate is ready" in response.text
    certificate = learner.certificates.get()
    assert certificate.get_absolute_url() in response.text


def test_the_finish_screen_prompts_for_a_review(enrolled_client, learner, course, lessons):
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.get(finish_url(course))
    assert "How was the course?" in response.text
    assert 'class="star-rating' in response.text
    assert f'<input type="hidden" name="next" value="{finish_url(course)}#review">' in (
        response.text
    )


def test_a_review_from_the_finish_screen_comes_back_to_it(enrolled_client, learner, course):
    response = enrolled_client.post(
        reverse("learning:review", args=[course.slug]),
        {"rating": "5", "text": "Great course.", "next": finish_url(course) + "#review"},
    )
    assert response.url == finish_url(course) + "#review"
    assert Review.objects.get(user=learner).rating == 5
    assert "Your review" in enrolled_client.get(finish_url(course)).text


def test_the_finish_screen_says_which_quiz_remains(enrolled_client, learner, course, lessons):
    quiz = add_quiz(course.sections.order_by("order").last(), title="Final check")
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    pass_quiz(learner, quiz, right=False)
    response = enrolled_client.get(finish_url(course))
    assert "Almost there" in response.text
    assert "Pass the quiz “Final check”" in response.text
    assert "best 0% · pass mark 70%" in response.text
    assert "View your certificate" not in response.text


def test_the_finish_screen_lists_lessons_left(enrolled_client, learner, course, lessons):
    services.set_lesson_complete(user=learner, lesson=lessons[0], done=True)
    response = enrolled_client.get(finish_url(course))
    assert f"Complete “{lessons[1].title}”" in response.text
    assert f"Complete “{lessons[0].title}”" not in response.text


def test_resume_shows_the_finish_screen_when_all_is_done(enrolled_client, learner, course, lessons):
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)
    response = enrolled_client.get(reverse("learning:resume", args=[course.slug]), follow=True)
    assert response.redirect_chain[-1][0] == finish_url(course)
    assert "You finished the course!" in response.text


def test_the_finish_screen_needs_an_enrolment(learner_client, course):
    assert learner_client.get(finish_url(course)).url == course.get_absolute_url()
    assert Client().get(finish_url(course)).url.startswith(reverse("account_login"))


# --- the certificate page -----------------------------------------------------------------------
def test_the_certificate_says_who_issued_it_to_whom_when_and_for_what(client, settings):
    certificate = CertificateFactory(learner_name="Lena Learner", course_title="Pottery 101")
    response = client.get(certificate.get_absolute_url())
    issued = certificate.issued_at.strftime("%-d %B %Y")
    assert (
        f"<strong>Verified:</strong> issued by {settings.SITE_NAME} to Lena Learner on "
        in response.text
    )
    assert f">{issued}</time> for “Pottery 101”." in response.text


def test_the_certificate_counts_the_quizzes_passed(client, learner, course, lessons):
    first = add_quiz(course.sections.first(), title="Quiz A", questions=2)
    second = add_quiz(course.sections.last(), title="Quiz B", questions=3, pass_mark=60)
    services.enroll(user=learner, course=course)
    for lesson in lessons:
        services.set_lesson_complete(user=learner, lesson=lesson, done=True)

    def right_first(count):
        return {
            q.pk: [q.options.filter(is_correct=n < count).first().pk]
            for n, q in enumerate(second.quiz_questions.all())
        }

    pass_quiz(learner, first)  # 100%
    for count in (1, 2):  # 33%, then 66%: passed
        services.submit_quiz(
            user=learner, lesson=second, answers=right_first(count), token=uuid.uuid4()
        )
    certificate = learner.certificates.get()
    response = client.get(certificate.get_absolute_url())
    assert "passed 2 quizzes, average 83%" in response.text


def test_a_course_without_quizzes_says_nothing_about_them(client):
    response = client.get(CertificateFactory().get_absolute_url())
    assert "quizzes" not in response.text.lower().replace("verification", "")


def test_the_certificate_has_a_link_to_share(client):
    certificate = CertificateFactory()
    response = client.get(certificate.get_absolute_url())
    url = f"http://testserver{certificate.get_absolute_url()}"
    assert f'value="{url}"' in response.text  # the field the copy button reads
    assert f'<a href="{url}"' in response.text  # the plain link, without JavaScript
    assert "data-copy-button" in response.text


def test_print_is_offered_to_the_certificates_owner_only(client):
    certificate = CertificateFactory()
    assert "Print or save as PDF" not in client.get(certificate.get_absolute_url()).text
    client.force_login(UserFactory())
    assert "Print or save as PDF" not in client.get(certificate.get_absolute_url()).text
    client.force_login(certificate.user)
    assert "Print or save as PDF" in client.get(certificate.get_absolute_url()).text
