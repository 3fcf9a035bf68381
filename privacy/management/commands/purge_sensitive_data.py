from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = ("Purge the sensitive data (CVs, sensitive answers, private notes, and whatever other apps register) of "
            "cohorts whose program's retention period has passed. Statistics are stored first and stay the same.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be purged; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        results = services.purge_finished_cohorts(dry_run=dry_run)
        if not results:
            self.stdout.write("No cohort is due for a purge.")
            return
        verb = "would purge" if dry_run else "purged"
        for cohort, removed in results.items():
            what = ", ".join(f"{count} {name}" for name, count in sorted(removed.items())) or "nothing"
            self.stdout.write(f"Cohort {cohort.pk} ({cohort}): {verb} {what}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
