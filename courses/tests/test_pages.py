"""Category, course, instructor and home pages: content, access, SEO and query counts."""

import json
import re

import pytest
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    SectionFactory,
    course_with_lessons,
)
from users.tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


def json_ld(response):
    match = re.search(
        r'<script type="application/ld\+json" id="course-json-ld">(.*?)</script>',
        response.text,
        re.S,
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


# --- category page ----------------------------------------------------------------------------


def test_category_page_lists_its_and_its_childrens_courses(client):
    parent = CategoryFactory(name="Development", slug="dev", description="Build software.")
    child = CategoryFactory(name="Web", slug="web", parent=parent)
    CourseFactory(title="Parent course", category=parent)
    CourseFactory(title="Child course", category=child)
    CourseFactory(title="Elsewhere")
    response = client.get(reverse("courses:category", args=["dev"]))
    assert sorted(c.title for c in response.context["courses"]) == ["Child course", "Parent course"]
    assert "Build software." in response.text
    assert 'href="/categories/web/"' in response.text  # subcategory link


def test_category_page_filters_by_subcategory(client):
    parent = CategoryFactory(slug="dev")
    child = CategoryFactory(slug="web", parent=parent)
    CourseFactory(title="Parent course", category=parent)
    CourseFactory(title="Child course", category=child)
    response = client.get(reverse("courses:category", args=["dev"]), {"category": "web"})
    assert [c.title for c in response.context["courses"]] == ["Child course"]


def test_subcategory_page_has_breadcrumbs(client):
    parent = CategoryFactory(name="Development", slug="dev")
    CategoryFactory(name="Web", slug="web", parent=parent)
    text = client.get(reverse("courses:category", args=["web"])).text
    assert 'aria-label="Breadcrumb"' in text
    assert 'href="/categories/dev/"' in text


def test_unknown_category_is_404(client):
    assert client.get(reverse("courses:category", args=["nope"])).status_code == 404


def test_category_page_hides_drafts(client):
    category = CategoryFactory(slug="c")
    CourseFactory(title="Visible", category=category)
    CourseFactory(title="Hidden draft", category=category, status=Course.Status.DRAFT)
    text = client.get(reverse("courses:category", args=["c"])).text
    assert "Visible" in text
    assert "Hidden draft" not in text


# --- course page ------------------------------------------------------------------------------


def test_course_page_shows_the_course(client, course_with_lessons, instructor):
    course = course_with_lessons
    Course.objects.filter(pk=course.pk).update(
        learning_outcomes=["Write tests first"], requirements=["Curiosity"]
    )
    response = client.get(course.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    assert course.title in text
    assert course.subtitle in text
    assert f'href="{instructor.get_absolute_url()}"' in text
    assert "Write tests first" in text
    assert "Curiosity" in text
    assert "<strong>useful</strong>" in text  # Markdown rendered
    assert "4 lessons" in text
    assert "Beginner" in text
    assert "English" in text


def test_curriculum_marks_and_links_preview_lessons(client, course_with_lessons):
    course = course_with_lessons
    preview = course.lessons.get(is_preview=True)
    other = course.lessons.filter(is_preview=False).first()
    text = client.get(course.get_absolute_url()).text
    assert reverse("learning:lesson", args=[course.slug, preview.slug]) in text
    assert reverse("learning:lesson", args=[course.slug, other.slug]) not in text
    assert "Preview" in text
    assert other.title in text


def test_curriculum_shows_section_durations(client):
    course = CourseFactory()
    section = SectionFactory(course=course, title="Getting started")
    LessonFactory(section=section, duration=50)
    LessonFactory(section=section, duration=25)
    text = client.get(course.get_absolute_url()).text
    assert "Getting started" in text
    assert "1 h 15 min" in text


def test_description_markdown_is_sanitised(client):
    course = CourseFactory(
        description="Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    text = client.get(course.get_absolute_url()).text
    assert "<script>alert(1)" not in text
    assert "javascript:alert" not in text
    assert "onerror" not in text


def test_draft_is_404_for_visitors_and_learners(client, learner_client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert learner_client.get(draft.get_absolute_url()).status_code == 404


def test_draft_is_404_for_other_instructors(client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    client.force_login(InstructorFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_is_visible_to_its_instructor_and_superusers(client, instructor):
    draft = CourseFactory(status=Course.Status.DRAFT, instructors=[instructor], title="My draft")
    client.force_login(instructor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft" in response.text
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_unknown_course_is_404(client):
    assert client.get(reverse("courses:detail", args=["nope"])).status_code == 404


def test_json_ld_is_a_course_with_provider_and_rating(client):
    course = CourseFactory(
        title='Quotes " and </script> tags', rating_average="4.50", rating_count=12
    )
    data = json_ld(client.get(course.get_absolute_url()))
    assert data["@type"] == "Course"
    assert data["name"] == 'Quotes " and </script> tags'
    assert data["provider"]["@type"] == "Organization"
    assert data["aggregateRating"]["ratingValue"] == "4.50"
    assert data["aggregateRating"]["ratingCount"] == 12


def test_json_ld_has_no_rating_without_ratings(client):
    course = CourseFactory()
    assert "aggregateRating" not in json_ld(client.get(course.get_absolute_url()))


def test_course_page_seo_tags(client):
    course = CourseFactory(subtitle="The short pitch")
    text = client.get(course.get_absolute_url()).text
    assert f'<link rel="canonical" href="http://testserver{course.get_absolute_url()}">' in text
    assert '<meta name="description" content="The short pitch">' in text
    assert '<meta property="og:title"' in text
    assert '<meta property="og:url"' in text


def test_related_courses_come_from_the_same_category(client):
    category = CategoryFactory()
    course = CourseFactory(category=category)
    CourseFactory(title="Sibling", category=category)
    CourseFactory(title="Stranger")
    text = client.get(course.get_absolute_url()).text
    assert "Sibling" in text
    assert "Stranger" not in text


# --- instructor page --------------------------------------------------------------------------


def test_instructor_page_lists_published_courses_only(client):
    teacher = InstructorFactory(name="Tess Teacher", headline="Teaches things", bio="Long bio.")
    CourseFactory(title="Public one", instructors=[teacher])
    CourseFactory(title="Secret one", instructors=[teacher], status=Course.Status.DRAFT)
    response = client.get(teacher.get_absolute_url())
    assert response.status_code == 200
    assert "Tess Teacher" in response.text
    assert "Teaches things" in response.text
    assert "Long bio." in response.text
    assert "Public one" in response.text
    assert "Secret one" not in response.text


def test_instructor_page_pages_through_many_courses(client):
    teacher = InstructorFactory()
    for n in range(26):
        CourseFactory(title=f"Workshop {n:02d}", instructors=[teacher], enrollment_count=100 - n)
    first = client.get(teacher.get_absolute_url()).text
    assert "<strong>26</strong> courses" in first
    assert "Workshop 00" in first
    assert "Workshop 24" not in first
    second = client.get(teacher.get_absolute_url() + "?page=2").text
    assert "Workshop 24" in second
    assert "Workshop 25" in second
    assert "Workshop 00" not in second


def test_instructor_page_totals_cover_every_course(client):
    teacher = InstructorFactory()
    CourseFactory(instructors=[teacher], enrollment_count=3, rating_average=4, rating_count=1)
    CourseFactory(instructors=[teacher], enrollment_count=2, rating_average=2, rating_count=3)
    page = client.get(teacher.get_absolute_url()).text
    assert "<strong>5</strong> learners" in page
    assert "2.5" in page  # (4×1 + 2×3) / 4 ratings


def test_learner_profile_is_not_an_instructor_page(client, learner):
    assert client.get(reverse("courses:instructor", args=[learner.username])).status_code == 404


def test_unknown_instructor_is_404(client):
    assert client.get(reverse("courses:instructor", args=["ghost"])).status_code == 404


# --- home -------------------------------------------------------------------------------------


def test_home_shows_search_categories_featured_and_newest(client):
    CategoryFactory(name="Design")
    CourseFactory(title="Best rated", rating_average="4.9", rating_count=10)
    CourseFactory(title="Fresh course")
    CourseFactory(title="Draft course", status=Course.Status.DRAFT)
    response = client.get(reverse("home"))
    text = response.text
    assert 'action="/courses/"' in text and 'name="q"' in text
    assert "Design" in text
    assert [c.title for c in response.context["featured_courses"]] == ["Best rated"]
    assert "Fresh course" in text
    assert "Draft course" not in text


# --- constant queries -------------------------------------------------------------------------


def _grow_catalog(count, instructor, co_teacher):
    parent = CategoryFactory(slug="parent")
    child = CategoryFactory(slug="child", parent=parent)
    for number in range(count):
        CourseFactory(
            category=child if number % 2 else parent,
            instructors=[instructor, co_teacher],
            rating_average="4.2",
            rating_count=3,
        )


QUERY_BUDGET = {"home": 12, "list": 12, "category": 12, "detail": 20, "instructor": 12}


@pytest.mark.parametrize("page_name", list(QUERY_BUDGET))
def test_pages_use_a_constant_number_of_queries(
    client, learner, instructor, django_assert_max_num_queries, page_name
):
    """Measured with 5 and with 50 courses: the same number of queries, within budget."""
    co_teacher = InstructorFactory()
    course = course_with_lessons(
        category=CategoryFactory(slug="parent"), instructors=[instructor], sections=3
    )
    urls = {
        "home": reverse("home"),
        "list": reverse("courses:list") + "?per_page=24&level=beginner",
        "category": reverse("courses:category", args=["parent"]),
        "detail": course.get_absolute_url(),
        "instructor": instructor.get_absolute_url(),
    }
    client.force_login(learner)
    counts = []
    for size in (4, 45):  # 5 courses, then 50
        _grow_catalog(size, instructor, co_teacher)
        client.get(urls[page_name])  # warm per-process caches (site, content types, …)
        with django_assert_max_num_queries(QUERY_BUDGET[page_name]) as captured:
            response = client.get(urls[page_name])
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_related_courses_include_the_category_family_same_category_first(client):
    parent = CategoryFactory(slug="dev")
    web = CategoryFactory(slug="web", parent=parent)
    data = CategoryFactory(slug="data", parent=parent)
    course = CourseFactory(category=web)
    CourseFactory(title="Cousin", category=data, enrollment_count=5)
    sibling = CourseFactory(title="Sibling", category=web)
    response = client.get(course.get_absolute_url())
    assert [c.title for c in response.context["related_courses"]] == [sibling.title, "Cousin"]


def test_home_categories_count_published_courses_with_children(client):
    parent = CategoryFactory(name="Development", slug="dev")
    child = CategoryFactory(slug="web", parent=parent)
    CourseFactory(category=parent)
    CourseFactory(category=child)
    CourseFactory(category=child, status=Course.Status.DRAFT)
    response = client.get(reverse("home"))
    counts = {c.slug: c.course_count for c in response.context["categories"]}
    assert counts["dev"] == 2


@pytest.mark.parametrize("username", ["a%00b", "%3Cscript%3E", "x" * 300, "Ünï"])
def test_odd_instructor_usernames_are_404(client, username):
    assert client.get(f"/instructors/{username}/").status_code == 404


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"q": "a\x00b"}, {"category": "<b>x</b>"}, {"sort": "-1"}]
)
def test_category_page_survives_bad_input(client, params):
    CourseFactory(category=CategoryFactory(slug="c"))
    response = client.get(reverse("courses:category", args=["c"]), params)
    assert response.status_code == 200
    assert "<b>x</b>" not in response.text


def test_home_never_shows_a_course_in_both_sections(client):
    for number in range(5):
        CourseFactory(title=f"Rated {number}", rating_average="4.5", rating_count=2)
    CourseFactory(title="Unrated newcomer")
    response = client.get(reverse("home"))
    featured = {card.pk for card in response.context["featured_courses"]}
    newest = {card.pk for card in response.context["newest_courses"]}
    assert len(featured) == 5
    assert not featured & newest
    assert [card.title for card in response.context["newest_courses"]] == ["Unrated newcomer"]


def test_home_hero_says_how_many_courses_and_instructors_there_are(client, instructor):
    CourseFactory.create_batch(3, instructors=[instructor])
    CourseFactory(status=Course.Status.DRAFT, published_at=None, instructors=[instructor])
    text = client.get(reverse("home")).text
    assert "<strong>3</strong> courses" in text
    assert "<strong>1</strong> instructor" in text


def test_home_sections_scroll_sideways_on_phones(client):
    CourseFactory(rating_average="4.5", rating_count=2)
    assert "card-scroller" in client.get(reverse("home")).text


def test_the_course_page_offers_its_instructors_to_edit_it_in_the_studio(
    client, course_with_lessons, instructor, learner
):
    edit = reverse("admin:courses_course_change", args=[course_with_lessons.pk])
    assert edit not in client.get(course_with_lessons.get_absolute_url()).text
    client.force_login(learner)
    assert edit not in client.get(course_with_lessons.get_absolute_url()).text
    client.force_login(instructor)
    assert f'href="{edit}"' in client.get(course_with_lessons.get_absolute_url()).text
