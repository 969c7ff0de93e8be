"""The catalog's reads: a page of results, the total and the facet counts of one set of filters.

Each is one SQL statement, written out here so that its plan can be read (`bench/explain.py`)
and checked (`courses/tests/test_plans.py`):

- **A page of results** reads the course table in the order of the sort, from an index that
  also carries every filtered column (Course.Meta.indexes): the page is found without sorting
  and without reading a course row. A search starts from the full-text index instead (FTS5 on
  SQLite, the GIN-indexed tsvector on PostgreSQL), so its cost follows the number of matches,
  not the size of the catalog.
- **The total and the facet counts** are sums over CatalogCell rows (a few thousand at most,
  see courses/facets.py); a search groups its matches into the same cells first.

Only the cards of the page are then loaded through the ORM (`Course.objects.for_cards()`).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from . import search
from .models import DURATION_BANDS, RATING_BANDS, Category, Course

PUBLISHED = Course.Status.PUBLISHED.value
FACET_GROUPS = ("category", "level", "language", "duration", "rating")
# Sorts: the columns of their ORDER BY (each matches one of Course.Meta.indexes).
ORDERINGS = {
    "popular": "c.enrollment_count DESC, c.rating_average DESC, c.id DESC",
    "rating": "c.rating_average DESC, c.rating_count DESC, c.id DESC",
    "newest": "c.published_at DESC, c.id DESC",
    "title": "c.title, c.id",
}


def _band_case(column, lows):
    """SQL giving the index of the band a column's value falls in (lows ascending)."""
    whens = " ".join(
        f"WHEN {column} >= {low} THEN {i}" for i, low in reversed(list(enumerate(lows)))
    )
    return f"CASE {whens} ELSE 0 END"


DURATION_BAND_SQL = _band_case("c.total_duration", [low for low, _high in DURATION_BANDS])
RATING_BAND_SQL = _band_case("c.rating_average", [str(low) for low in RATING_BANDS])


def _in(column, values):
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


@dataclass
class Selection:
    """What a catalog page asks for, as values the SQL below understands.

    `scope`: the category ids a category page is limited to (None on /courses/).
    `categories`, `levels`, `durations` (band indexes): alternatives within a group.
    `language`, `rating` (lowest band index): one value or None.
    """

    q: str = ""
    scope: list | None = None
    categories: list | None = None
    levels: list | None = None
    language: str | None = None
    durations: list | None = None
    rating: int | None = None

    # --- conditions ------------------------------------------------------------------------
    def conditions(self, *, cells: bool) -> dict[str, tuple[str, list]]:
        """One SQL condition per active facet group, on cell rows or on course rows (`c.`)."""
        prefix = "" if cells else "c."
        found = {}
        if self.categories:
            found["category"] = _in(f"{prefix}category_id", self.categories)
        if self.levels:
            found["level"] = _in(f"{prefix}level", self.levels)
        if self.language:
            found["language"] = (f"{prefix}language = %s", [self.language])
        if self.durations:
            if cells:
                found["duration"] = _in("duration_band", self.durations)
            else:
                parts, params = [], []
                for band in self.durations:
                    low, high = DURATION_BANDS[band]
                    if high is None:
                        parts.append("c.total_duration >= %s")
                        params.append(low)
                    else:
                        parts.append("(c.total_duration >= %s AND c.total_duration < %s)")
                        params += [low, high]
                found["duration"] = ("(" + " OR ".join(parts) + ")", params)
        if self.rating is not None:
            if cells:
                found["rating"] = ("rating_band >= %s", [self.rating])
            else:
                found["rating"] = ("c.rating_average >= %s", [RATING_BANDS[self.rating]])
        return found

    def _where(self, conditions, *, without=None, base=()):
        parts, params = [], []
        for sql, values in [*base, *(c for g, c in conditions.items() if g != without)]:
            parts.append(sql)
            params += values
        return (" AND ".join(parts) or "1 = 1"), params

    def _scope(self, *, cells: bool):
        if self.scope is None:
            return []
        return [_in("category_id" if cells else "c.category_id", self.scope)]

    # --- the page of results ---------------------------------------------------------------
    def page_sql(self, sort: str, offset: int, limit: int):
        """SQL and parameters of the ids of one page of published courses, in `sort` order
        (None when the search can match nothing)."""
        base = [("c.status = %s", [PUBLISHED]), *self._scope(cells=False)]
        where, params = self._where(self.conditions(cells=False), base=base)
        if not self.q:
            sql = (
                f"SELECT c.id FROM {Course._meta.db_table} c WHERE {where} "
                f"ORDER BY {ORDERINGS[sort]} LIMIT %s OFFSET %s"
            )
            return sql, [*params, limit, offset]
        matches = search.matches(self.q)
        if matches is None:
            return None
        order = ORDERINGS.get(sort) or f"{matches.rank_order}, {ORDERINGS['popular']}"
        sql = (
            f"SELECT c.id FROM {matches.from_sql} WHERE {matches.where_sql} AND {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        return sql, [*matches.params, *params, limit, offset]

    def page_ids(self, sort: str, offset: int, limit: int) -> list[int]:
        """The ids of one page of published courses, in the order of `sort`."""
        query = self.page_sql(sort, offset, limit)
        return _column(*query) if query else []

    # --- the total and the facet counts ----------------------------------------------------
    def counts_sql(self):
        """SQL and parameters of the facet counts (None when the search can match nothing):
        rows of (group, value, count) and one ("total", "", count)."""
        source, params = self._cells_source()
        if source is None:
            return None
        conditions = self.conditions(cells=True)
        columns = {
            "category": "category_id",
            "level": "level",
            "language": "language",
            "duration": "duration_band",
            "rating": "rating_band",
        }
        selects = []
        for group, column in columns.items():
            where, values = self._where(conditions, without=group)
            selects.append(
                f"SELECT '{group}', CAST({column} AS TEXT), SUM(courses) FROM cells "
                f"WHERE {where} GROUP BY {column}"
            )
            params += values
        where, values = self._where(conditions)
        selects.append(f"SELECT 'total', '', SUM(courses) FROM cells WHERE {where}")
        params += values
        materialized = "MATERIALIZED " if self.q and _supports_materialized() else ""
        return f"WITH cells AS {materialized}({source}) " + " UNION ALL ".join(selects), params

    def counts(self) -> dict:
        """{"total": n, "category": {id: n}, "level": {value: n}, "language": {code: n},
        "duration": {band: n}, "rating": {band: n}}: each group counted under the other
        groups' filters (so its options say how many results ticking them would give)."""
        found = {"total": 0, **{group: {} for group in FACET_GROUPS}}
        query = self.counts_sql()
        if query is None:
            return found
        with connection.cursor() as cursor:
            cursor.execute(*query)
            for group, value, count in cursor.fetchall():
                if group == "total":
                    found["total"] = int(count or 0)
                elif group in ("category", "duration", "rating"):
                    found[group][int(value)] = int(count)
                else:
                    found[group][value] = int(count)
        return found

    def _cells_source(self):
        """SQL for the cells this page counts: the stored cells, or a search's matches grouped
        into cells (None when the search can match nothing)."""
        scope_sql, scope_params = self._where({}, base=self._scope(cells=True))
        if not self.q:
            return (
                "SELECT category_id, level, language, duration_band, rating_band, courses "
                f"FROM courses_catalogcell WHERE {scope_sql}",
                scope_params,
            )
        matches = search.matches(self.q)
        if matches is None:
            return None, []
        scope_sql, scope_params = self._where({}, base=self._scope(cells=False))
        return (
            f"SELECT c.category_id AS category_id, c.level AS level, c.language AS language, "
            f"{DURATION_BAND_SQL} AS duration_band, {RATING_BAND_SQL} AS rating_band, "
            f"COUNT(*) AS courses FROM {matches.from_sql} "
            f"WHERE {matches.where_sql} AND c.status = %s AND {scope_sql} "
            "GROUP BY 1, 2, 3, 4, 5",
            [*matches.params, PUBLISHED, *scope_params],
        )


def related_sql(course, limit: int):
    """SQL of the ids of up to `limit` published courses like `course`, most popular first: its own
    category's, then its family's (parent, siblings, children). One query of small index
    range scans (course_category_popular), one a category, whatever the catalog's size."""
    family = course.category.parent_id or course.category_id
    others = Category.objects.filter(Q(pk=family) | Q(parent_id=family)).exclude(
        pk=course.category_id
    )
    categories = [course.category_id, *others.values_list("pk", flat=True)]
    parts, params = [], []
    for number, category_id in enumerate(categories):
        parts.append(
            f"SELECT * FROM (SELECT c.id, {min(number, 1)} AS near, c.enrollment_count, "
            f"c.rating_average FROM {Course._meta.db_table} c "
            f"WHERE c.category_id = %s AND c.status = %s AND c.id <> %s "
            f"ORDER BY {ORDERINGS['popular']} LIMIT %s) r{number}"
        )
        params += [category_id, PUBLISHED, course.pk, limit]
    sql = (
        " UNION ALL ".join(parts)
        + " ORDER BY near, enrollment_count DESC, rating_average DESC, id DESC LIMIT %s"
    )
    return sql, [*params, limit]


def related_ids(course, limit: int) -> list[int]:
    return _column(*related_sql(course, limit))


def _column(sql, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _supports_materialized() -> bool:
    # A search's cells are read six times: computed once (SQLite 3.35+, PostgreSQL 12+).
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"
