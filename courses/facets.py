"""The table of facet counts (CatalogCell) and how writes keep it right.

A cell is one combination of facet values (category, level, language, length band, rating
band); its row holds how many published courses have it. Every write that can move a course to
another cell (publishing, an admin edit, a curriculum change, a review) runs inside
`keeping_cells(course_ids)`: the courses' cells are read before and after, and those cells are
recounted from the course table in the same transaction. A recount is exact whatever happened
before, so a missed write is mended by the next write to the same cell, and `rebuild()` (run by
`manage.py rebuild_catalog`, seed_catalog and load_demo) recounts everything.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import DURATION_BANDS, RATING_BANDS, CatalogCell, Course

CELL_FIELDS = ("category_id", "level", "language", "duration_band", "rating_band")


def _band(field, bounds):
    """A CASE expression giving the index of the band `field` falls in (bounds ascending)."""
    whens = [When(**{f"{field}__gte": low}, then=Value(i)) for i, low in enumerate(bounds)][::-1]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def bands():
    """duration_band and rating_band as SQL expressions over the course table."""
    return {
        "duration_band": _band("total_duration", [low for low, _high in DURATION_BANDS]),
        "rating_band": _band("rating_average", list(RATING_BANDS)),
    }


def cells_of(course_ids) -> set[tuple]:
    return set(
        Course.objects.published()
        .filter(pk__in=course_ids)
        .annotate(**bands())
        .values_list(*CELL_FIELDS)
    )


@transaction.atomic
def recount_cells(cells) -> None:
    """Set each cell's row to the number of published courses in it (no row when none).

    Each row is locked before its courses are counted (rows in one order, so two writers never
    wait for each other in a circle): a concurrent writer's recount then sees this one's courses.
    """
    for cell in sorted(cells):
        category_id, level, language, duration, rating = cell
        key = dict(zip(CELL_FIELDS, cell, strict=True))
        row, _created = CatalogCell.objects.select_for_update().get_or_create(
            **key, defaults={"courses": 0}
        )
        low, high = DURATION_BANDS[duration]
        in_cell = Q(
            category_id=category_id,
            level=level,
            language=language,
            total_duration__gte=low,
            rating_average__gte=RATING_BANDS[rating],
        )
        if high is not None:
            in_cell &= Q(total_duration__lt=high)
        if rating + 1 < len(RATING_BANDS):
            in_cell &= Q(rating_average__lt=RATING_BANDS[rating + 1])
        count = Course.objects.published().filter(in_cell).count()
        if not count:
            row.delete()
        elif count != row.courses:
            CatalogCell.objects.filter(pk=row.pk).update(courses=count)


@contextmanager
def keeping_cells(course_ids):
    """Recount the cells the given courses were in before the block and are in after it."""
    course_ids = list(course_ids)
    with transaction.atomic():
        before = cells_of(course_ids)
        yield
        recount_cells(before | cells_of(course_ids))


@transaction.atomic
def rebuild() -> int:
    """Recount every cell from the course table; returns the number of cells."""
    CatalogCell.objects.all().delete()
    rows = (
        Course.objects.published()
        .annotate(**bands())
        .order_by()
        .values(*CELL_FIELDS)
        .annotate(courses=Count("pk"))
    )
    CatalogCell.objects.bulk_create([CatalogCell(**row) for row in rows], batch_size=1000)
    if connection.vendor == "sqlite":
        # Planner statistics for the new rows (PostgreSQL's autovacuum gathers its own).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE courses_catalogcell")
    return CatalogCell.objects.count()
