from django.core.management.base import BaseCommand

from courses import facets
from courses.models import Course
from courses.search import rebuild_title_words, update_search_vector


class Command(BaseCommand):
    """Rebuild what the catalog derives from its courses: the full-text search index, the words
    "Did you mean" offers and the facet counts (after a bulk load or a raw SQL change; writes
    through the site keep them current)."""

    help = "Rebuild the catalog's search index and facet counts from the course table."

    def handle(self, *args, **options):
        update_search_vector(None)
        rebuild_title_words()
        cells = facets.rebuild()
        count = Course.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} course{'s' * (count != 1)}; {cells} facet cell{'s' * (cells != 1)}."
            )
        )
