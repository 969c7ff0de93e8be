"""The same search behaviour on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from courses.catalog import Selection
from courses.models import Course, CourseInstructor
from courses.search import fts_query, pg_tsquery, suggest, update_search_vector
from courses.tests.factories import CategoryFactory, CourseFactory
from users.tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("courses:list")


def search(q):
    """Titles of the published courses q finds, best match first."""
    ids = Selection(q=q).page_ids("relevance", 0, 100)
    by_id = Course.objects.in_bulk(ids)
    return [by_id[pk].title for pk in ids]


def titles(response):
    return [course.title for course in response.context["courses"]]


def test_finds_by_title_word(client):
    CourseFactory(title="Practical Python", description="Snakes.")
    CourseFactory(title="Watercolour basics", description="Paint.")
    assert titles(client.get(LIST, {"q": "python"})) == ["Practical Python"]


def test_stemming_matches_word_forms():
    CourseFactory(title="Learning statistics")
    assert search("learn statistic") == ["Learning statistics"]


def test_finds_by_instructor_name():
    teacher = InstructorFactory(name="Grace Hopperworth")
    CourseFactory(title="Compilers", instructors=[teacher])
    CourseFactory(title="Other")
    assert search("hopperworth") == ["Compilers"]


def test_finds_by_category_name():
    CourseFactory(title="Some course", category=CategoryFactory(name="Photography"))
    CourseFactory(title="Other course")
    assert search("photography") == ["Some course"]


def test_finds_by_subtitle_and_description():
    CourseFactory(title="One", subtitle="Kubernetes from zero")
    CourseFactory(title="Two", description="We will also touch kubernetes briefly.")
    assert sorted(search("kubernetes")) == ["One", "Two"]


def test_title_match_ranks_first(client):
    CourseFactory(title="Cooking for busy people", description="Some django mentioned here.")
    CourseFactory(title="Django for beginners", description="Web apps.")
    Course.objects.filter(title__startswith="Cooking").update(enrollment_count=999)
    response = client.get(LIST, {"q": "django"})
    assert titles(response) == ["Django for beginners", "Cooking for busy people"]
    assert response.context["filters"].sort == "relevance"


def test_all_words_must_match():
    CourseFactory(title="Python for data")
    CourseFactory(title="Python for the web")
    assert search("python web") == ["Python for the web"]


def test_or_finds_either_word():
    CourseFactory(title="Rust systems")
    CourseFactory(title="Go services")
    CourseFactory(title="Painting")
    assert sorted(search("rust or go")) == ["Go services", "Rust systems"]


def test_search_hides_drafts():
    CourseFactory(title="Draft python", status=Course.Status.DRAFT)
    assert search("python") == []


def test_renamed_course_is_found_by_its_new_title():
    course = CourseFactory(title="Old name")
    course.title = "Brand new haskell"
    course.save()
    assert search("haskell") == ["Brand new haskell"]
    assert search("old") == []


def test_instructor_added_later_is_searchable():
    course = CourseFactory(title="Thing", instructors=[])
    teacher = InstructorFactory(name="Ada Lovelacey")
    CourseInstructor.objects.create(course=course, user=teacher)
    assert search("lovelacey") == ["Thing"]
    CourseInstructor.objects.filter(course=course).delete()
    assert search("lovelacey") == []


def test_instructor_m2m_add_is_searchable():
    course = CourseFactory(title="Thing", instructors=[])
    course.instructors.add(InstructorFactory(name="Linus Torvaldsen"))
    assert search("torvaldsen") == ["Thing"]


def test_instructor_rename_reindexes_their_courses():
    teacher = InstructorFactory(name="Alan Turingfield")
    CourseFactory(title="Computability", instructors=[teacher])
    teacher.name = "Alan Mathison"
    teacher.save()
    assert search("mathison") == ["Computability"]
    assert search("turingfield") == []


def test_category_rename_reindexes_its_courses():
    category = CategoryFactory(name="Gardening")
    CourseFactory(title="Roses", category=category)
    category.name = "Horticulture"
    category.save()
    assert search("horticulture") == ["Roses"]


def test_deleted_course_leaves_the_index():
    course = CourseFactory(title="Ephemeral")
    course.delete()
    assert search("ephemeral") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM courses_course_fts WHERE rowid = %s", [course.pk])
            assert cursor.fetchone()[0] == 0


def test_rebuild_catalog_command(capsys):
    CourseFactory(title="Elixir")
    Course.objects.update(title="Erlang")  # a bulk update bypasses signals
    assert search("erlang") == []
    call_command("rebuild_catalog")
    assert search("erlang") == ["Erlang"]
    assert "Indexed 1 course" in capsys.readouterr().out


def test_update_with_no_ids_is_a_no_op(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_search_vector([])


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "AND OR NOT",
        "title:python",
        "NEAR(a b)",
        "-",
        "***",
        "a" * 200,
        "ünïcödé",
        "x\x00y",
    ],
)
def test_odd_queries_never_fail(client, q):
    CourseFactory(title="Python")
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200


def test_fts_query_quotes_words_and_keeps_or():
    assert fts_query('python" OR (django') == '"python"* OR "django"*'
    assert fts_query("go or c++") == '"go" OR "c"'
    assert fts_query("the") == ""


def test_pg_tsquery_is_operator_free():
    assert pg_tsquery("python & !web | (x") == "(python:* & web:* & x)"
    assert pg_tsquery("rust or go") == "(rust:*) | (go)"


def test_the_start_of_a_word_finds_it():
    CourseFactory(title="Practical Python")
    CourseFactory(title="Watercolour basics")
    assert search("pyth") == ["Practical Python"]
    assert search("prac pyth") == ["Practical Python"]


def test_only_stop_words_find_nothing(client):
    CourseFactory(title="The course")
    assert search("the and of") == []
    assert client.get(LIST, {"q": "the"}).status_code == 200


def test_filters_combine_with_search(client):
    CourseFactory(title="Python beginners", level=Course.Level.BEGINNER)
    CourseFactory(title="Python experts", level=Course.Level.ADVANCED)
    response = client.get(LIST, {"q": "python", "level": "advanced"})
    assert titles(response) == ["Python experts"]
    level_counts = {value: count for value, _l, count, _s in response.context["facets"]["level"]}
    assert level_counts["beginner"] == 1


def test_a_search_says_what_it_searched_for_in_its_heading(client):
    CourseFactory(title="Practical Python")
    response = client.get(LIST, {"q": "python"})
    assert "Results for “python”" in response.text


def test_a_typo_that_finds_nothing_is_offered_the_closest_title_word(client):
    CourseFactory(title="Python for Data")
    response = client.get(LIST, {"q": "pyton"})
    assert response.context["result_count"] == 0
    assert "Did you mean" in response.text
    assert f'href="{LIST}?q=python"' in response.text


def test_only_unknown_words_are_corrected():
    CourseFactory(title="Statistics with Python")
    assert suggest("statistics pyton") == "statistics python"
    assert suggest("statistics python") is None
    assert suggest("zzzzzz") is None


def test_draft_titles_are_never_suggested():
    CourseFactory(title="Secret Kubernetes", status=Course.Status.DRAFT, published_at=None)
    assert suggest("kubernetis") is None


def test_rebuild_catalog_forgets_words_no_title_has_any_more():
    course = CourseFactory(title="Haskell Basics")
    Course.objects.filter(pk=course.pk).update(title="Elm Basics")
    call_command("rebuild_catalog")
    assert suggest("haskel") is None
    assert suggest("elmm") == "elm"
