from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Catalog"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
