from django.core.management.base import BaseCommand

from courses.models import Course
from courses.search import update_search_vector


class Command(BaseCommand):
    """Re-index every course for full-text search (after a bulk load or a raw SQL change)."""

    help = "Rebuild the catalog's full-text search index for every course."

    def handle(self, *args, **options):
        update_search_vector(None)
        count = Course.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} course{'s' * (count != 1)}."))
