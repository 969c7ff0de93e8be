"""Row-level security of the studio: instructor A never sees or changes instructor B's courses."""

import pytest
from django.urls import reverse

from courses.models import Attachment, Course, Lesson, Section
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import AttachmentFactory, CourseFactory, course_with_lessons
from learning.tests.factories import CertificateFactory
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor], title="Mine to teach")


@pytest.fixture
def foreign_course():
    other = InstructorFactory(email="b.teacher@test.example")
    course = course_with_lessons(instructors=[other], title="Foreign course of Bea")
    AttachmentFactory(lesson=course.lessons.first(), title="Secret handout")
    return course


def course_url(name, course, *extra):
    return reverse(f"admin:courses_course_{name}", args=[course.pk, *extra])


# --- Listing ------------------------------------------------------------------------------------


def test_changelist_lists_only_own_courses(instructor_client, own_course, foreign_course):
    response = instructor_client.get(reverse("admin:courses_course_changelist"))
    assert own_course.title in response.text
    assert foreign_course.title not in response.text


def test_superuser_sees_every_course(client, own_course, foreign_course):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:courses_course_changelist"))
    assert own_course.title in response.text
    assert foreign_course.title in response.text
    assert client.get(course_url("change", foreign_course)).status_code == 200


def test_lesson_changelist_lists_only_own_lessons(instructor_client, own_course, foreign_course):
    response = instructor_client.get(reverse("admin:courses_lesson_changelist"))
    for lesson in own_course.lessons.all():
        assert lesson.title in response.text
    for lesson in foreign_course.lessons.all():
        assert lesson.title not in response.text
    assert foreign_course.title not in response.text  # not even in the course filter


def test_course_autocomplete_lists_only_own_courses(instructor_client, own_course, foreign_course):
    response = instructor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "section", "field_name": "course", "term": "o"},
    )
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {str(own_course.pk)}


def test_lesson_form_offers_only_own_sections(instructor_client, own_course, foreign_course):
    response = instructor_client.get(reverse("admin:courses_lesson_add"))
    for section in own_course.sections.all():
        assert f'value="{section.pk}"' in response.text
    for section in foreign_course.sections.all():
        assert f'value="{section.pk}"' not in response.text


# --- Opening by URL / popup ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda c: course_url("change", c),
        lambda c: course_url("change", c) + "?_popup=1",
        lambda c: course_url("change", c) + "?_to_field=id&_popup=1",
        lambda c: course_url("delete", c),
        lambda c: course_url("history", c),
        lambda c: reverse("admin:courses_lesson_change", args=[c.lessons.first().pk]),
        lambda c: reverse("admin:courses_lesson_change", args=[c.lessons.first().pk]) + "?_popup=1",
        lambda c: reverse("admin:courses_lesson_delete", args=[c.lessons.first().pk]),
        lambda c: reverse("admin:courses_lesson_history", args=[c.lessons.first().pk]),
    ],
    ids=[
        "change",
        "popup",
        "popup-to-field",
        "delete",
        "history",
        "lesson-change",
        "lesson-popup",
        "lesson-delete",
        "lesson-history",
    ],
)
def test_foreign_pages_are_not_found(instructor_client, foreign_course, url):
    response = instructor_client.get(url(foreign_course))
    assert response.status_code == 404
    assert foreign_course.title not in response.text


def test_unknown_or_malformed_ids_are_not_found(instructor_client):
    for object_id in ["999999", "abc"]:
        url = reverse("admin:courses_course_change", args=[object_id])
        assert instructor_client.get(url).status_code == 404


# --- "View on site" (/admin/r/<content type>/<id>/) ---------------------------------------------


def view_on_site_url(obj):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.mark.parametrize(
    "foreign_object",
    [
        lambda c: c,
        lambda c: CourseFactory(status=Course.Status.DRAFT, instructors=c.instructors.all()),
        lambda c: c.lessons.first(),
        lambda c: Attachment.objects.get(lesson__course=c),
        lambda c: CertificateFactory(course=c),
        lambda c: c.instructors.first(),
        lambda c: UserFactory(),
    ],
    ids=["course", "draft", "lesson", "attachment", "certificate", "instructor", "learner"],
)
def test_view_on_site_does_not_reveal_foreign_objects(
    instructor_client, foreign_course, foreign_object
):
    response = instructor_client.get(view_on_site_url(foreign_object(foreign_course)))
    assert response.status_code == 404
    assert "Location" not in response


def test_view_on_site_leads_to_own_lessons_and_attachments(instructor_client, own_course):
    lesson = own_course.lessons.first()
    attachment = AttachmentFactory(lesson=lesson)
    for obj in (own_course, lesson, attachment):
        response = instructor_client.get(view_on_site_url(obj))
        assert response.status_code == 302
        assert response.url.endswith(obj.get_absolute_url())


def test_view_on_site_of_unknown_or_malformed_ids_is_not_found(instructor_client, own_course):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Course)
    for object_id in ["999999", "abc"]:
        url = reverse("admin:view_on_site", args=[content_type.pk, object_id])
        assert instructor_client.get(url).status_code == 404
    assert instructor_client.get(reverse("admin:view_on_site", args=[99999, 1])).status_code == 404


def test_superuser_keeps_view_on_site_for_everything(client, foreign_course):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    certificate = CertificateFactory(course=foreign_course)
    for obj in (foreign_course, foreign_course.lessons.first(), certificate):
        response = client.get(view_on_site_url(obj))
        assert response.status_code == 302
        assert response.url.endswith(obj.get_absolute_url())


# --- Writing by forged POST ----------------------------------------------------------------------


def test_post_to_a_foreign_change_form_is_refused(instructor_client, own_course, foreign_course):
    data = form_data(instructor_client.get(course_url("change", own_course)))
    data["title"] = "Hijacked"
    response = instructor_client.post(course_url("change", foreign_course), data)
    assert response.status_code == 404
    foreign_course.refresh_from_db()
    assert foreign_course.title == "Foreign course of Bea"


def test_post_to_a_foreign_delete_page_is_refused(instructor_client, foreign_course):
    response = instructor_client.post(course_url("delete", foreign_course), {"post": "yes"})
    assert response.status_code == 404
    assert Course.objects.filter(pk=foreign_course.pk).exists()


@pytest.mark.parametrize("action", ["delete_selected", "publish_courses", "unpublish_courses"])
def test_actions_ignore_foreign_ids(instructor_client, own_course, foreign_course, action):
    instructor_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": action, "_selected_action": [foreign_course.pk], "post": "yes"},
    )
    foreign_course.refresh_from_db()
    assert foreign_course.status == Course.Status.PUBLISHED


def test_forged_lesson_pointing_at_a_foreign_section_is_refused(
    instructor_client, own_course, foreign_course
):
    add = reverse("admin:courses_lesson_add")
    data = form_data(instructor_client.get(add))
    data.update(
        {
            "section": str(foreign_course.sections.first().pk),
            "title": "Injected lesson",
            "slug": "injected",
            "kind": "text",
            "duration": "1",
            "order": "0",
        }
    )
    response = instructor_client.post(add, data)
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    assert not Lesson.objects.filter(title="Injected lesson").exists()


def test_moving_an_own_lesson_to_a_foreign_section_is_refused(
    instructor_client, own_course, foreign_course
):
    lesson = own_course.lessons.first()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url))
    data["section"] = str(foreign_course.sections.first().pk)
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    lesson.refresh_from_db()
    assert lesson.course == own_course


def test_nested_inline_with_a_foreign_lesson_id_is_refused(
    instructor_client, own_course, foreign_course
):
    """django-nested-admin looks posted ids up across the whole table; ours must not."""
    victim = foreign_course.lessons.first()
    data = form_data(instructor_client.get(course_url("change", own_course)))
    data["sections-0-lessons-0-id"] = str(victim.pk)
    data["sections-0-lessons-0-title"] = "Overwritten"
    response = instructor_client.post(course_url("change", own_course), data)
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    victim.refresh_from_db()
    assert victim.title != "Overwritten"
    assert victim.course == foreign_course


def test_nested_inline_cannot_delete_a_foreign_lesson(
    instructor_client, own_course, foreign_course
):
    victim = foreign_course.lessons.first()
    data = form_data(instructor_client.get(course_url("change", own_course)))
    data["sections-0-lessons-0-id"] = str(victim.pk)
    data["sections-0-lessons-0-DELETE"] = "on"
    response = instructor_client.post(course_url("change", own_course), data)
    assert response.status_code == 200
    assert "only delete items of your own courses" in errors_of(response)
    assert Lesson.objects.filter(pk=victim.pk).exists()


def test_nested_inline_with_a_foreign_section_id_is_refused(
    instructor_client, own_course, foreign_course
):
    victim = foreign_course.sections.first()
    data = form_data(instructor_client.get(course_url("change", own_course)))
    data["sections-0-id"] = str(victim.pk)
    data["sections-0-title"] = "Stolen section"
    response = instructor_client.post(course_url("change", own_course), data)
    assert response.status_code == 200
    victim.refresh_from_db()
    assert victim.course == foreign_course
    assert victim.title != "Stolen section"


def test_nested_inline_cannot_delete_a_foreign_section(
    instructor_client, own_course, foreign_course
):
    victim = foreign_course.sections.first()
    data = form_data(instructor_client.get(course_url("change", own_course)))
    data["sections-0-id"] = str(victim.pk)
    data["sections-0-DELETE"] = "on"
    instructor_client.post(course_url("change", own_course), data)
    assert Section.objects.filter(pk=victim.pk).exists()
    assert foreign_course.lessons.count() == 4


def test_nested_inline_cannot_take_a_foreign_attachment(
    instructor_client, own_course, foreign_course
):
    victim = Attachment.objects.get(title="Secret handout")
    data = form_data(instructor_client.get(course_url("change", own_course)))
    prefix = "sections-0-lessons-0-attachments"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(victim.pk),
            f"{prefix}-0-title": "Mine now",
        }
    )
    response = instructor_client.post(course_url("change", own_course), data)
    assert response.status_code == 200
    victim.refresh_from_db()
    assert victim.title == "Secret handout"
    assert victim.lesson.course == foreign_course


def test_cannot_add_oneself_to_a_foreign_course(instructor_client, instructor, foreign_course):
    row = foreign_course.courseinstructor_set.first()
    own = course_with_lessons(instructors=[instructor])
    data = form_data(instructor_client.get(course_url("change", own)))
    data.update(
        {
            "courseinstructor_set-TOTAL_FORMS": "2",
            "courseinstructor_set-INITIAL_FORMS": "2",
            "courseinstructor_set-1-id": str(row.pk),
            "courseinstructor_set-1-user": str(instructor.pk),
            "courseinstructor_set-1-order": "1",
        }
    )
    instructor_client.post(course_url("change", own), data)
    assert not foreign_course.is_taught_by(instructor)


# --- Users, groups and categories ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["users_user_changelist", "users_user_add", "auth_group_changelist", "auth_group_add"]
)
def test_instructor_cannot_manage_users_or_groups(instructor_client, name):
    assert instructor_client.get(reverse(f"admin:{name}")).status_code == 403


def test_user_autocomplete_is_refused_outside_the_coinstructor_field(instructor_client):
    response = instructor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "learning", "model_name": "enrollment", "field_name": "user"},
    )
    assert response.status_code == 403


def test_learner_cannot_open_the_studio(learner_client):
    response = learner_client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_instructor_cannot_delete_a_course_with_learners(instructor_client, own_course, learner):
    from learning.services import enroll

    enroll(user=learner, course=own_course)
    response = instructor_client.post(course_url("delete", own_course), {"post": "yes"})
    assert response.status_code in (200, 403)
    assert Course.objects.filter(pk=own_course.pk).exists()


def test_instructor_can_delete_an_own_empty_draft(instructor_client, instructor):
    draft = course_with_lessons(instructors=[instructor], status=Course.Status.DRAFT)
    response = instructor_client.post(course_url("delete", draft), {"post": "yes"})
    assert response.status_code == 302
    assert not Course.objects.filter(pk=draft.pk).exists()
