"""Catalog full-text search: PostgreSQL tsvector + GIN, SQLite FTS5, one interface.

- `update_search_vector(course_ids)` re-indexes courses (title A, subtitle B, category and
  instructor names C, description D); signals and services call it after a write that changes
  those texts, `manage.py rebuild_catalog` redoes everything.
- `matches(q)` gives the SQL that finds what q matches (used by courses.catalog).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from .models import Category, Course, CourseInstructor, TitleWord

SEARCH_CONFIG = "english"
FTS_TABLE = "courses_course_fts"
# bm25 column weights, in the FTS5 table's column order: title, subtitle, names, description.
FTS_WEIGHTS = "10.0, 4.0, 2.0, 1.0"
FTS_MAX_TERMS = 12
PREFIX_MIN_LENGTH = 3
# PostgreSQL's english configuration drops these; FTS5 would require them in every match.
STOPWORDS = {"a", "an", "and", "the", "of", "to", "in", "for", "on", "with", "is", "at", "by"}
CHUNK = 500


def _vendor():
    return connection.vendor


# --- indexing ------------------------------------------------------------------------------


def update_search_vector(course_ids=None):
    """Re-index the given courses (every course when None); deleted ids leave the index."""
    if course_ids is not None:
        course_ids = sorted({int(pk) for pk in course_ids})
        if not course_ids:
            return
    if _vendor() == "postgresql":
        _update_postgres(course_ids)
    elif _vendor() == "sqlite":
        _update_sqlite(course_ids)


def _update_postgres(course_ids):
    category_names = (
        Category.objects.filter(pk=OuterRef("category_id"))
        .annotate(
            names=Concat(
                "name", Value(" "), Coalesce("parent__name", Value("")), output_field=TextField()
            )
        )
        .values("names")[:1]
    )
    instructor_names = (
        CourseInstructor.objects.filter(course_id=OuterRef("pk"))
        .order_by()
        .values("course_id")
        .annotate(
            names=StringAgg(
                Concat("user__name", Value(" "), "user__username", output_field=TextField()), " "
            )
        )
        .values("names")
    )
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("subtitle", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            Subquery(category_names, output_field=TextField()),
            Subquery(instructor_names, output_field=TextField()),
            weight="C",
            config=SEARCH_CONFIG,
        )
        + SearchVector("description", weight="D", config=SEARCH_CONFIG)
    )
    courses = (
        Course.objects.all() if course_ids is None else Course.objects.filter(pk__in=course_ids)
    )
    courses.update(search_vector=vector)


def _names(course):
    parts = []
    if course.category_id and course.category:
        parts.append(course.category.name)
        if course.category.parent:
            parts.append(course.category.parent.name)
    for instructor in course.instructors.all():
        parts += [instructor.name, instructor.username]
    return " ".join(part for part in parts if part)


@transaction.atomic
def _update_sqlite(course_ids):
    courses = Course.objects.select_related("category__parent").with_instructors().order_by("pk")
    with connection.cursor() as cursor:
        if course_ids is None:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - constant table name
            batches = [courses]
        else:
            batches = []
            for start in range(0, len(course_ids), CHUNK):
                chunk = course_ids[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608
                batches.append(courses.filter(pk__in=chunk))
        for batch in batches:
            rows = [
                (c.pk, c.title, c.subtitle, _names(c), c.description)
                for c in batch.iterator(chunk_size=CHUNK)
            ]
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, subtitle, names, description) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                rows,
            )


# --- "did you mean" ------------------------------------------------------------------------

TITLE_WORD = re.compile(r"[^\W\d_]{3,60}")
LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüñß"


def title_words(titles) -> set[str]:
    """The lowercase words (three letters or more) of these titles."""
    return {word.lower() for title in titles for word in TITLE_WORD.findall(title or "")}


def add_title_words(titles) -> None:
    TitleWord.objects.bulk_create(
        [TitleWord(word=word) for word in sorted(title_words(titles))], ignore_conflicts=True
    )


@transaction.atomic
def rebuild_title_words() -> None:
    TitleWord.objects.all().delete()
    titles = Course.objects.published().values_list("title", flat=True).iterator(chunk_size=CHUNK)
    add_title_words(titles)


def _one_edit_away(word) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return deletes | transposes | replaces | inserts


def suggest(q) -> str | None:
    """A query like q whose unknown words are replaced by title words one typo away ("pyton" →
    "python"), or None when there is nothing to offer."""
    words = [word for group in query_groups(q) for word in group][:FTS_MAX_TERMS]
    known = set(TitleWord.objects.filter(word__in=words).values_list("word", flat=True))
    corrected, changed = [], False
    for word in words:
        if word in known or len(word) < PREFIX_MIN_LENGTH:
            corrected.append(word)
            continue
        candidates = _one_edit_away(word)
        found = sorted(TitleWord.objects.filter(word__in=candidates).values_list("word", flat=True))
        if found:
            corrected.append(found[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


# --- querying ------------------------------------------------------------------------------


def query_groups(q) -> list[list[str]]:
    """The words of q as alternatives of word groups: every word of a group must match, the bare
    word "or" separates groups (as in web search). Only letters and digits survive, so nothing the
    user types is ever an operator."""
    groups, current, terms = [], [], 0
    for word in re.findall(r"\w+", q.lower()):
        if word == "or":
            if current:
                groups.append(current)
            current = []
            continue
        if word in STOPWORDS or terms >= FTS_MAX_TERMS:
            continue
        current.append(word)
        terms += 1
    if current:
        groups.append(current)
    return groups


def _is_prefix(word) -> bool:
    # "pyth" finds Python: words of three letters or more also match as the start of a word.
    return len(word) >= PREFIX_MIN_LENGTH


def fts_query(q):
    """A safe FTS5 MATCH expression: each word quoted (a prefix when long enough), ANDed."""
    return " OR ".join(
        " ".join(f'"{word}"*' if _is_prefix(word) else f'"{word}"' for word in group)
        for group in query_groups(q)
    )


def pg_tsquery(q):
    """The same query as PostgreSQL tsquery text (`python:* & web:* | rust:*`)."""
    return " | ".join(
        "(" + " & ".join(f"{word}:*" if _is_prefix(word) else word for word in group) + ")"
        for group in query_groups(q)
    )


@dataclass(frozen=True)
class Matches:
    """The courses a search matches, as SQL for courses.catalog: `from_sql` names the course
    table `c` and starts from the full-text index, `where_sql` (with `params`) keeps the
    matches, `rank_order` orders them best first (a title match outranks a description one)."""

    from_sql: str
    where_sql: str
    params: list
    rank_order: str


def matches(q) -> Matches | None:
    """The SQL of what q matches; None when it can match nothing (only stop words or symbols)."""
    if not query_groups(q):
        return None
    table = Course._meta.db_table
    if _vendor() == "postgresql":
        # The GIN index on search_vector finds the matches (migration 0003).
        return Matches(
            from_sql=f"to_tsquery(%s::regconfig, %s) query CROSS JOIN {table} c",
            where_sql="c.search_vector @@ query",
            params=[SEARCH_CONFIG, pg_tsquery(q)],
            rank_order="ts_rank(c.search_vector, query) DESC",
        )
    # SQLite: FTS5 finds the matches and the join visits only those (CROSS JOIN keeps that
    # order); bm25 runs once per match that passes the filters.
    return Matches(
        from_sql=f"{FTS_TABLE} CROSS JOIN {table} c ON c.id = {FTS_TABLE}.rowid",
        where_sql=f"{FTS_TABLE} MATCH %s",
        params=[fts_query(q)],
        rank_order=f"bm25({FTS_TABLE}, {FTS_WEIGHTS})",
    )
