from django.apps import apps
from django.core.management.base import BaseCommand

from core.renditions import make_renditions
from core.uploads import ValidatedImageField


class Command(BaseCommand):
    """Make the missing renditions of every stored image (covers, avatars): for images stored
    before renditions existed, or copied into object storage by hand. New uploads get theirs
    when they are saved; on one machine the media view also makes a missing one on request."""

    help = "Make the small renditions of every uploaded image that lacks them."

    def handle(self, *args, **options):
        images = 0
        for model in apps.get_models():
            if model._meta.proxy:  # its table is its concrete model's, walked once already
                continue
            fields = [f for f in model._meta.concrete_fields if isinstance(f, ValidatedImageField)]
            for field in fields:
                rows = model._default_manager.exclude(**{field.name: ""}).only(field.name)
                for row in rows.iterator(chunk_size=500):
                    make_renditions(getattr(row, field.name))
                    images += 1
        self.stdout.write(self.style.SUCCESS(f"Renditions checked for {images} images."))
