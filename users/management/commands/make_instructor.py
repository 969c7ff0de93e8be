"""Grant (or with --revoke take back) the instructor role: staff access + the Instructors group."""

from django.core.management.base import BaseCommand, CommandError

from users.models import User
from users.roles import grant_instructor, revoke_instructor


class Command(BaseCommand):
    help = "Make the user with this email an instructor (or, with --revoke, no longer one)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--revoke", action="store_true", help="Take the instructor role back.")

    def handle(self, *args, email, revoke, **options):
        try:
            user = User.objects.get_by_natural_key(email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No user with the email address {email!r}.") from exc
        if revoke:
            revoke_instructor(user)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer an instructor."))
        else:
            grant_instructor(user)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now an instructor."))
