from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import storages
from django.core.management import BaseCommand, CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F, Max
from django.utils import timezone

from courses.models import Course
from users.models import INSTRUCTORS_GROUP, User

DEMO_ACCOUNTS = ["admin@example.com", "instructor@example.com", "learner@example.com"]


def demo_sources():
    """(folder in the repository, storage alias) for the files the demo fixture names."""
    return [
        (Path(settings.BASE_DIR) / "media" / "demo", "default"),
        (Path(settings.BASE_DIR) / "private_media" / "demo", "private"),
    ]


DEMO_APPS = ("users", "courses", "learning")


def bring_dates_forward():
    """Move every date of the demo by whole days so that its latest activity was yesterday.

    The fixture's dates are fixed (it is generated deterministically); shifted together they keep
    their order and spacing, so the dashboard reads "last activity yesterday", not "a year ago".
    Returns the number of days moved.
    """
    from learning.models import Enrollment

    latest = Enrollment.objects.aggregate(latest=Max("last_activity_at"))["latest"]
    if latest is None:
        return 0
    days = (timezone.now() - latest).days - 1
    if days <= 0:
        return 0
    shift = timedelta(days=days)
    for model in apps.get_models():
        # A proxy (learning's CourseInsights) shares its table: its rows would move twice.
        if model._meta.app_label not in DEMO_APPS or model._meta.proxy:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField)
        ]
        if fields:
            model.objects.filter().update(**{name: F(name) + shift for name in fields})
    return days


def install_demo_files():
    """Copy the committed demo images and attachments into their storages; returns the count.

    Images live in media/demo/ and attachments in private_media/demo/: already in place with the
    default MEDIA_ROOT and PRIVATE_MEDIA_ROOT (so `loaddata demo` alone finds them); copied when
    those point elsewhere (object storage, another folder).
    Files already present are left alone, so this is cheap to repeat.
    """
    copied = 0
    for folder, alias in demo_sources():
        storage = storages[alias]
        for source in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = "demo/" + source.relative_to(folder).as_posix()
            if storage.exists(name):
                continue
            with source.open("rb") as handle:
                storage.save(name, File(handle, name=source.name))
            copied += 1
    return copied


class Command(BaseCommand):
    """Load the demo fixtures (fixtures/demo.json) into an empty database; a no-op otherwise.

    `make run` calls it on every start: the first run loads the catalog, accounts and learner
    activity, later runs only check that the demo files are in place.
    """

    help = "Load the demo catalog, demo accounts and learner activity into an empty database."

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not fully migrated: run `manage.py migrate` first.")

        if Course.objects.exists() or User.objects.filter(email__in=DEMO_ACCOUNTS).exists():
            self.stdout.write("The database already has courses or demo accounts: demo not loaded.")
        else:
            with transaction.atomic():
                # Made by users' migration 0002; created here too so the fixture's reference to
                # it resolves on a database whose group was removed.
                Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
                call_command("loaddata", "demo", verbosity=0)
                days = bring_dates_forward()
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded (dates moved {days} days on)."))
            call_command("rebuild_catalog", verbosity=0)

        copied = install_demo_files()
        if copied:
            self.stdout.write(f"Copied {copied} demo file(s) into storage.")
        if options["verbosity"] >= 1:
            self.stdout.write(
                "Demo accounts (password demo-pass-2026): " + ", ".join(DEMO_ACCOUNTS)
            )
