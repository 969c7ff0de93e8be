import re

import pytest
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory
from users.tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db


def sitemap_text(client):
    """The index and every section page it names, as one text."""
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    pages = re.findall(r"<loc>http://testserver(/[^<]+)</loc>", index.content.decode())
    texts = [index.content.decode()]
    for page in pages:
        response = client.get(page.replace("&amp;", "&"))
        assert response.status_code == 200, page
        texts.append(response.content.decode())
    return "\n".join(texts)


def test_sitemap_lists_published_courses_categories_and_instructors(client):
    teacher = InstructorFactory(username="tessa")
    category = CategoryFactory(slug="design")
    CourseFactory(slug="public-course", category=category, instructors=[teacher])
    text = sitemap_text(client)
    assert "/courses/public-course/</loc>" in text
    assert "/categories/design/</loc>" in text
    assert "/instructors/tessa/</loc>" in text
    assert "<lastmod>" in text


def test_the_sitemap_is_an_index_of_sections(client):
    CourseFactory()
    text = client.get(reverse("sitemap")).content.decode()
    assert "<sitemapindex" in text
    assert "http://testserver/sitemap-courses.xml" in text


def test_every_published_course_appears_exactly_once_at_any_size(client, settings):
    settings.SITEMAP_PAGE_SIZE = 4
    courses = CourseFactory.create_batch(11)
    CourseFactory(status=Course.Status.DRAFT, slug="hidden-draft")
    text = sitemap_text(client)
    assert "sitemap-courses.xml?p=3" in text
    for course in courses:
        assert text.count(f"/courses/{course.slug}/</loc>") == 1
    assert "hidden-draft" not in text


def test_sitemap_links_use_the_host_it_was_asked_on(client):
    CourseFactory(slug="hosted-course")
    text = sitemap_text(client)
    assert "<loc>http://testserver/courses/hosted-course/</loc>" in text
    assert "example.com" not in text


def test_sitemap_leaves_out_drafts_and_their_only_instructors(client):
    teacher = InstructorFactory(username="drafty")
    CourseFactory(slug="draft-course", status=Course.Status.DRAFT, instructors=[teacher])
    text = sitemap_text(client)
    assert "draft-course" not in text
    assert "/instructors/drafty/" not in text


def test_a_section_page_past_the_end_is_a_404(client):
    CourseFactory()
    assert client.get(reverse("sitemap-section", args=["courses"]) + "?p=9").status_code == 404


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-courses.xml"])
def test_sitemap_query_count_is_constant(client, django_assert_max_num_queries, size, url):
    CourseFactory.create_batch(size)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get(reverse("robots_txt"))
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text
