import pytest
from django.urls import reverse

from courses.models import Course
from courses.tests.factories import CategoryFactory, CourseFactory
from users.tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_courses_categories_and_instructors(client):
    teacher = InstructorFactory(username="tessa")
    category = CategoryFactory(slug="design")
    CourseFactory(slug="public-course", category=category, instructors=[teacher])
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    text = response.content.decode()
    assert "/courses/public-course/</loc>" in text
    assert "/categories/design/</loc>" in text
    assert "/instructors/tessa/</loc>" in text
    assert "<lastmod>" in text


def test_sitemap_links_use_the_host_it_was_asked_on(client):
    CourseFactory(slug="hosted-course")
    text = client.get(reverse("sitemap")).content.decode()
    assert "<loc>http://testserver/courses/hosted-course/</loc>" in text
    assert "example.com" not in text


def test_sitemap_leaves_out_drafts_and_their_only_instructors(client):
    teacher = InstructorFactory(username="drafty")
    CourseFactory(slug="draft-course", status=Course.Status.DRAFT, instructors=[teacher])
    text = client.get(reverse("sitemap")).content.decode()
    assert "draft-course" not in text
    assert "/instructors/drafty/" not in text


@pytest.mark.parametrize("size", [5, 50])
def test_sitemap_query_count_is_constant(client, django_assert_max_num_queries, size):
    CourseFactory.create_batch(size)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("sitemap")).status_code == 200


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get(reverse("robots_txt"))
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text
