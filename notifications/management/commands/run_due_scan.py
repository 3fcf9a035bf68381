from django.core.management.base import BaseCommand

from notifications.reminders import scan_due


class Command(BaseCommand):
    help = "Run the reminder due-scan once (what the beat schedule does every few minutes). Safe to run twice."

    def handle(self, *args, **options):
        counts = scan_due()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
