"""The catalog's queries read indexes, never the whole course table: their plans, on the pass's
own database (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans priced out,
so that a plan without a usable index shows as a scan whatever the table's size)."""

import pytest
from django.core.management import call_command
from django.db import connection

from courses import catalog, search
from courses.catalog import Selection
from courses.models import Category, Course
from learning.management.commands.seed_catalog import Command as SeedCommand

pytestmark = pytest.mark.django_db

SORTS = ("popular", "rating", "newest", "title")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A synthetic catalog with planner statistics (seed_catalog runs ANALYZE), big enough for
    PostgreSQL's planner to choose as it does at scale; shared by this module's tests, removed
    after them."""
    with django_db_blocker.unblock():
        call_command("seed_catalog", courses=1000, learners=20, seed=3, no_progress=True)
        yield
        SeedCommand().clear()
        Category.objects.filter(parent__isnull=False).delete()
        Category.objects.all().delete()
        call_command("rebuild_catalog", verbosity=0)


def plan(sql, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def reads_the_whole_course_table(text: str) -> bool:
    if connection.vendor == "postgresql":
        return "Seq Scan on courses_course " in text or text.endswith("Seq Scan on courses_course")
    return any(line.strip() in ("SCAN c", "SCAN courses_course") for line in text.splitlines())


def sorts_in_a_temporary_btree(text: str) -> bool:
    return "USE TEMP B-TREE FOR ORDER BY" in text


SELECTIONS = {
    "everything": Selection(),
    "one level": Selection(levels=["beginner"]),
    "a rare length": Selection(durations=[3]),
    "rating and language": Selection(rating=3, language="en"),
}


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("name", SELECTIONS)
def test_a_page_of_the_catalog_is_read_from_a_sort_index(seeded, name, sort):
    text = plan(*SELECTIONS[name].page_sql(sort, 0, 12))
    assert not reads_the_whole_course_table(text), text
    assert not sorts_in_a_temporary_btree(text), text


def test_a_category_page_reads_its_category_in_order(seeded):
    category = Category.objects.filter(parent__isnull=False).first()
    text = plan(*Selection(scope=[category.pk]).page_sql("popular", 0, 12))
    assert not reads_the_whole_course_table(text), text
    assert not sorts_in_a_temporary_btree(text), text


@pytest.mark.parametrize("sort", ["relevance", "popular"])
def test_a_search_starts_from_the_full_text_index(seeded, sort):
    text = plan(*Selection(q="python", levels=["beginner"]).page_sql(sort, 0, 12))
    assert not reads_the_whole_course_table(text), text
    if connection.vendor == "sqlite":
        assert text.splitlines()[0].startswith("SCAN courses_course_fts VIRTUAL TABLE"), text


def test_the_full_text_index_answers_the_match(seeded):
    """The match alone comes from the full-text index (PostgreSQL picks its GIN index for the
    whole query once the word is rarer than published courses are, as at 100,000 courses:
    bench/explain.py)."""
    matches = search.matches("python")
    text = plan(f"SELECT c.id FROM {matches.from_sql} WHERE {matches.where_sql}", matches.params)
    if connection.vendor == "postgresql":
        assert "Bitmap Index Scan on course_search_vector_gin" in text, text
    else:
        assert text.splitlines()[0].startswith("SCAN courses_course_fts VIRTUAL TABLE"), text


@pytest.mark.parametrize("name", SELECTIONS)
def test_facet_counts_and_the_total_never_read_the_course_table(seeded, name):
    text = plan(*SELECTIONS[name].counts_sql())
    assert "courses_course " not in text.replace("courses_course_fts", ""), text
    assert not reads_the_whole_course_table(text), text


def test_a_searchs_facet_counts_read_only_its_matches(seeded):
    text = plan(*Selection(q="python").counts_sql())
    assert not reads_the_whole_course_table(text), text


def test_related_courses_are_read_from_the_category_index(seeded):
    course = Course.objects.published().select_related("category").first()
    text = plan(*catalog.related_sql(course, 4))
    assert not reads_the_whole_course_table(text), text
    assert "course_category_popular" in text, text
