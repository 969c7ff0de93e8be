import time
from datetime import timedelta

from django.core.management import BaseCommand

from learning import emails
from users import emails as outbox

PRUNE_EVERY = 3600  # seconds


class Command(BaseCommand):
    """Send the emails the site has queued (the outbox, users.emails), once or in a loop.

    Each pass queues the emails of new announcements and, once a day, the new-lessons digests,
    then sends every due email in batches. Run it from cron every minute (`--once`, the default)
    or keep it running (`--loop`); several workers may run side by side on PostgreSQL (each
    claims its own rows with SKIP LOCKED), one at a time is plenty on SQLite.
    """

    help = "Send queued emails: answers, announcements, new-lesson digests, certificates."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=float, default=10, help="seconds between passes")
        parser.add_argument("--batch", type=int, default=100, help="emails per claim")
        parser.add_argument(
            "--keep-days", type=int, default=30, help="forget settled deliveries after this long"
        )

    def handle(self, *args, **options):
        pruned_at = None
        while True:
            totals = self.run_pass(options["batch"])
            if pruned_at is None or time.monotonic() - pruned_at > PRUNE_EVERY:
                outbox.prune(older_than=timedelta(days=options["keep_days"]))
                pruned_at = time.monotonic()
            if options["verbosity"] >= 1 and (any(totals.values()) or not options["loop"]):
                self.stdout.write(", ".join(f"{n} {what}" for what, n in totals.items()))
            if not options["loop"]:
                return
            time.sleep(options["interval"])

    @staticmethod
    def run_pass(batch: int) -> dict:
        totals = {
            "announcement emails queued": emails.queue_announcement_emails(),
            "digests queued": emails.queue_lesson_digests(),
            "sent": 0,
            "skipped": 0,
            "failed": 0,
            "to retry": 0,
        }
        while True:
            counts = outbox.deliver_due(batch=batch)
            totals["sent"] += counts["sent"]
            totals["skipped"] += counts["skipped"]
            totals["failed"] += counts["failed"]
            totals["to retry"] += counts["retry"]
            if sum(counts.values()) < batch or counts["retry"]:
                return totals
