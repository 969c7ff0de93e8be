"""The studio: authoring courses with nested curriculum, publishing, counters."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses import services
from courses.models import Category, Course, CourseInstructor, Lesson, Section
from courses.tests.admin_helpers import errors_of, form_data
from courses.tests.factories import (
    CourseFactory,
    LessonFactory,
    SectionFactory,
    course_with_lessons,
)
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_instructor():
    return InstructorFactory(email="other.teacher@test.example", name="Olga Other")


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def category():
    return Category.objects.create(name="Programming", slug="programming")


CHANGELIST = reverse("admin:courses_course_changelist")


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def cover(name="cover.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def own_course(instructor):
    return course_with_lessons(instructors=[instructor])


def test_instructor_sees_the_studio_index(instructor_client):
    response = instructor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Courses" in response.text


def test_change_form_shows_nested_curriculum(instructor_client, own_course):
    response = instructor_client.get(change_url(own_course))
    assert response.status_code == 200
    for section in own_course.sections.all():
        assert section.title in response.text
    for lesson in own_course.lessons.all():
        assert lesson.title in response.text
    assert "djn-group" in response.text  # django-nested-admin's sortable groups
    assert "Markdown" in response.text
    assert "View on site" in response.text


def test_saving_the_form_unchanged_keeps_everything(instructor_client, own_course):
    page = instructor_client.get(change_url(own_course))
    response = instructor_client.post(change_url(own_course), form_data(page))
    assert response.status_code == 302, errors_of(response)
    assert own_course.lessons.count() == 4
    assert list(own_course.instructors.all()) == list(own_course.instructors.all())


def test_adding_a_lesson_in_a_nested_inline_refreshes_counters(instructor_client, own_course):
    page = instructor_client.get(change_url(own_course))
    data = form_data(page)
    prefix = "sections-0-lessons"
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(n + 1),
            f"{prefix}-{n}-title": "Brand new lesson",
            f"{prefix}-{n}-slug": "",
            f"{prefix}-{n}-kind": "text",
            f"{prefix}-{n}-duration": "25",
            f"{prefix}-{n}-body": "Hello",
            f"{prefix}-{n}-order": str(n),
            f"{prefix}-{n}-attachments-TOTAL_FORMS": "0",
            f"{prefix}-{n}-attachments-INITIAL_FORMS": "0",
        }
    )
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    lesson = Lesson.objects.get(title="Brand new lesson")
    assert lesson.slug == "brand-new-lesson"
    assert lesson.course == own_course
    own_course.refresh_from_db()
    assert own_course.lesson_count == 5
    assert own_course.total_duration == 4 * 10 + 25


def add_lesson_form(data, section_index, title, slug=""):
    prefix = f"sections-{section_index}-lessons"
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(n + 1),
            f"{prefix}-{n}-title": title,
            f"{prefix}-{n}-slug": slug,
            f"{prefix}-{n}-kind": "text",
            f"{prefix}-{n}-duration": "5",
            f"{prefix}-{n}-order": str(n),
            f"{prefix}-{n}-attachments-TOTAL_FORMS": "0",
            f"{prefix}-{n}-attachments-INITIAL_FORMS": "0",
        }
    )
    return data


def test_lesson_slug_already_used_in_the_course_is_a_form_error(instructor_client, own_course):
    existing = own_course.lessons.first()
    data = add_lesson_form(
        form_data(instructor_client.get(change_url(own_course))), 1, "Same", existing.slug
    )
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 200
    assert "already uses this slug" in errors_of(response)
    assert own_course.lessons.count() == 4


def test_two_new_lessons_with_one_title_get_distinct_slugs(instructor_client, own_course):
    data = form_data(instructor_client.get(change_url(own_course)))
    data = add_lesson_form(add_lesson_form(data, 0, "Recap"), 1, "Recap")
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    slugs = set(own_course.lessons.filter(title="Recap").values_list("slug", flat=True))
    assert slugs == {"recap", "recap-2"}


def test_reordering_sections_by_order_field(instructor_client, own_course):
    first, second = own_course.sections.order_by("order")
    page = instructor_client.get(change_url(own_course))
    data = form_data(page)
    data["sections-0-order"], data["sections-1-order"] = "1", "0"
    response = instructor_client.post(change_url(own_course), data)
    assert response.status_code == 302, errors_of(response)
    assert list(own_course.sections.order_by("order")) == [second, first]


def test_new_course_gets_its_creator_as_first_instructor(instructor_client, instructor, category):
    add = reverse("admin:courses_course_add")
    data = form_data(instructor_client.get(add))
    data.update(
        {
            "title": "My new course",
            "slug": "my-new-course",
            "category": str(category.pk),
            "level": "beginner",
            "language": "en",
            "status": "draft",
        }
    )
    response = instructor_client.post(add, data)
    assert response.status_code == 302, errors_of(response)
    course = Course.objects.get(slug="my-new-course")
    assert list(course.instructors.all()) == [instructor]
    assert course.status == Course.Status.DRAFT


def test_new_course_creator_goes_before_named_coinstructors(
    instructor_client, instructor, other_instructor, category
):
    add = reverse("admin:courses_course_add")
    data = form_data(instructor_client.get(add))
    data.update(
        {
            "title": "Joint course",
            "slug": "joint-course",
            "category": str(category.pk),
            "status": "draft",
            "courseinstructor_set-TOTAL_FORMS": "1",
            "courseinstructor_set-0-user": str(other_instructor.pk),
            "courseinstructor_set-0-order": "0",
        }
    )
    response = instructor_client.post(add, data)
    assert response.status_code == 302, errors_of(response)
    course = Course.objects.get(slug="joint-course")
    rows = CourseInstructor.objects.filter(course=course).order_by("order")
    assert [r.user for r in rows] == [instructor, other_instructor]


def test_instructor_cannot_remove_themselves(instructor_client, instructor, other_instructor):
    course = course_with_lessons(instructors=[instructor, other_instructor])
    data = form_data(instructor_client.get(change_url(course)))
    own_row = next(
        k.removesuffix("-user")
        for k, v in data.items()
        if k.startswith("courseinstructor_set-") and k.endswith("-user") and v == str(instructor.pk)
    )
    data[f"{own_row}-DELETE"] = "on"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 200
    assert "cannot remove yourself" in errors_of(response)
    assert course.is_taught_by(instructor)


def test_coinstructor_choice_is_limited_to_instructors(instructor_client, instructor, learner):
    course = course_with_lessons(instructors=[instructor])
    data = form_data(instructor_client.get(change_url(course)))
    n = int(data["courseinstructor_set-TOTAL_FORMS"])
    data.update(
        {
            "courseinstructor_set-TOTAL_FORMS": str(n + 1),
            f"courseinstructor_set-{n}-user": str(learner.pk),
            f"courseinstructor_set-{n}-order": str(n),
        }
    )
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    assert not course.is_taught_by(learner)


def test_coinstructor_autocomplete_lists_instructors_only(
    instructor_client, other_instructor, learner
):
    response = instructor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "courseinstructor", "field_name": "user"},
    )
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert str(other_instructor.pk) in ids
    assert str(learner.pk) not in ids
    assert learner.email not in response.text


def test_category_autocomplete_works_for_instructors(instructor_client, category):
    response = instructor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "course", "field_name": "category", "term": "Prog"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Programming"]


def test_cover_preview_thumbnail(instructor_client, instructor):
    course = CourseFactory(instructors=[instructor], cover_image=cover())
    response = instructor_client.get(change_url(course))
    assert 'class="studio-cover-preview"' in response.text
    assert course.cover_image.url in response.text


def test_changelist_filters_and_search(instructor_client, instructor):
    CourseFactory(instructors=[instructor], title="Python basics", status=Course.Status.DRAFT)
    CourseFactory(instructors=[instructor], title="Rust deep dive")
    response = instructor_client.get(CHANGELIST, {"q": "python"})
    assert "Python basics" in response.text
    assert "Rust deep dive" not in response.text
    response = instructor_client.get(CHANGELIST, {"status__exact": "draft"})
    assert "Python basics" in response.text
    assert "Rust deep dive" not in response.text


# --- Publishing ---------------------------------------------------------------------------------


def complete_draft(instructor):
    course = course_with_lessons(
        instructors=[instructor], status=Course.Status.DRAFT, cover_image=cover()
    )
    assert course.published_at is None
    return course


def test_publish_action_publishes_a_complete_course(instructor_client, instructor):
    course = complete_draft(instructor)
    response = instructor_client.post(
        CHANGELIST, {"action": "publish_courses", "_selected_action": [course.pk]}, follow=True
    )
    assert "1 course published." in response.text
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"description": ""}, "a description"),
        ({"cover_image": ""}, "a cover image"),
        ({"title": "   "}, "a title"),
    ],
)
def test_publish_action_refuses_an_incomplete_course(
    instructor_client, instructor, change, missing
):
    course = complete_draft(instructor)
    Course.objects.filter(pk=course.pk).update(**change)
    response = instructor_client.post(
        CHANGELIST, {"action": "publish_courses", "_selected_action": [course.pk]}, follow=True
    )
    assert "cannot be published yet" in response.text
    assert missing in response.text
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert course.published_at is None


def test_publish_action_refuses_a_course_without_lessons(instructor_client, instructor):
    course = CourseFactory(
        instructors=[instructor], status=Course.Status.DRAFT, cover_image=cover()
    )
    response = instructor_client.post(
        CHANGELIST, {"action": "publish_courses", "_selected_action": [course.pk]}, follow=True
    )
    assert "at least one lesson" in response.text
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_published_at_is_set_once(instructor):
    course = complete_draft(instructor)
    services.publish(course)
    first = Course.objects.get(pk=course.pk).published_at
    services.unpublish(course)
    draft = Course.objects.get(pk=course.pk)
    assert draft.status == Course.Status.DRAFT
    assert draft.published_at == first
    services.publish(draft)
    assert Course.objects.get(pk=course.pk).published_at == first


def test_move_back_to_draft_action(instructor_client, own_course):
    response = instructor_client.post(
        CHANGELIST,
        {"action": "unpublish_courses", "_selected_action": [own_course.pk]},
        follow=True,
    )
    assert "1 course moved back to draft." in response.text
    own_course.refresh_from_db()
    assert own_course.status == Course.Status.DRAFT


def test_publishing_through_the_status_field_refuses_an_incomplete_course(
    instructor_client, instructor
):
    course = CourseFactory(instructors=[instructor], status=Course.Status.DRAFT)
    data = form_data(instructor_client.get(change_url(course)))
    data["status"] = "published"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 200
    assert "cannot be published yet" in errors_of(response)
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publishing_through_the_status_field_sets_published_at(instructor_client, instructor):
    course = complete_draft(instructor)
    data = form_data(instructor_client.get(change_url(course)))
    data["status"] = "published"
    response = instructor_client.post(change_url(course), data)
    assert response.status_code == 302, errors_of(response)
    course.refresh_from_db()
    assert course.is_published


def test_deleting_every_lesson_moves_a_published_course_to_draft(instructor_client, instructor):
    course = CourseFactory(instructors=[instructor], cover_image=cover())
    LessonFactory(section=SectionFactory(course=course))
    data = form_data(instructor_client.get(change_url(course)))
    data["sections-0-DELETE"] = "on"
    response = instructor_client.post(change_url(course), data, follow=True)
    assert "moved back to draft" in response.text
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert not Section.objects.filter(course=course).exists()


# --- Categories ---------------------------------------------------------------------------------


def test_instructor_can_view_but_not_change_categories(instructor_client, category):
    url = reverse("admin:courses_category_change", args=[category.pk])
    response = instructor_client.get(url)
    assert response.status_code == 200
    assert 'name="name"' not in response.text  # read-only
    response = instructor_client.post(url, {"name": "Hacked", "slug": "hacked"})
    assert response.status_code == 403
    assert instructor_client.get(reverse("admin:courses_category_add")).status_code == 403
    category.refresh_from_db()
    assert category.name == "Programming"


def test_superuser_can_edit_categories(superuser_client, category):
    url = reverse("admin:courses_category_change", args=[category.pk])
    response = superuser_client.post(url, {"name": "Code", "slug": "code", "order": "0"})
    assert response.status_code == 302, errors_of(response)
    category.refresh_from_db()
    assert category.name == "Code"


def test_superuser_changelist_names_the_instructors(
    superuser_client, instructor, django_assert_max_num_queries
):
    for _ in range(5):
        CourseFactory(instructors=[instructor])
    with django_assert_max_num_queries(15):
        response = superuser_client.get(CHANGELIST)
    assert response.text.count(instructor.display_name) >= 5


def test_moving_a_lesson_to_another_own_course_recounts_both(instructor_client, instructor):
    first = course_with_lessons(instructors=[instructor])
    second = course_with_lessons(instructors=[instructor])
    lesson = first.lessons.first()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = form_data(instructor_client.get(url))
    data["section"] = str(second.sections.first().pk)
    response = instructor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.lesson_count, second.lesson_count) == (3, 5)
    lesson.refresh_from_db()
    assert lesson.course == second


def test_view_on_site_leads_to_this_sites_course_page(instructor_client, own_course):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Course)
    response = instructor_client.get(
        reverse("admin:view_on_site", args=[content_type.pk, own_course.pk])
    )
    assert response.status_code == 302
    assert response.url == f"http://testserver{own_course.get_absolute_url()}"


def test_the_studio_home_is_titled_for_who_opens_it(instructor_client, admin_client):
    assert "<h1>Your courses</h1>" in instructor_client.get(reverse("admin:index")).text
    page = admin_client.get(reverse("admin:index")).text
    assert "<h1>Site administration</h1>" in page
    assert "Your courses</h1>" not in page


def test_the_studio_home_has_one_accounts_box(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert page.count('class="section" title="Models in the Accounts application">') == 1


def test_a_persons_email_addresses_are_on_their_page(admin_client, learner):
    page = admin_client.get(reverse("admin:users_user_change", args=[learner.pk])).text
    assert learner.email in page
    assert "emailaddress_set-TOTAL_FORMS" in page


def test_the_course_list_shows_the_rating_in_one_column(admin_client):
    CourseFactory(rating_average="4.25", rating_count=8)
    page = admin_client.get(reverse("admin:courses_course_changelist")).text
    assert "4.2 (8)" in page or "4.3 (8)" in page
    assert "column-rating_average" not in page
