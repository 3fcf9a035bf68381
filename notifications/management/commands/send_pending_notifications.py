from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Send pending notifications now, in this process (works when the broker is down)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true",
            help="Queue them for the workers instead of sending here (what the periodic sweep does).",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            count = services.dispatch_pending()
            self.stdout.write(f"Queued {count} pending notification(s).")
            return
        counts = services.send_pending_now()
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing pending"
        self.stdout.write(f"Pending notifications: {summary}")
