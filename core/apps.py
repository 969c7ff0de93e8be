from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure at the bottom of the project: it imports no other app."""

    name = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"
