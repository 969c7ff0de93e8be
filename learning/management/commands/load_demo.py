from django.core.management import BaseCommand, call_command
from django.db import transaction

from courses.models import Course


class Command(BaseCommand):
    """Load the demo fixtures (fixtures/demo*.json) into an empty database; a no-op otherwise."""

    help = "Load the demo catalog, accounts and learner activity if the database has no courses."

    def handle(self, *args, **options):
        if Course.objects.exists():
            self.stdout.write("The database already has courses: demo data not loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", "demo", verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
