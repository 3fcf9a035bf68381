import importlib

from django.db import migrations, models

# The same operation as 0004's ranking index: NULLS FIRST cannot go in an SQLite index (the embedded
# default gets none, the state is the same); the index is there for big Postgres cohorts.
AddIndexWhereSupported = importlib.import_module("programs.migrations.0004_review_numbers_and_duplicate_scan").AddIndexWhereSupported


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0004_review_numbers_and_duplicate_scan'),
    ]

    operations = [
        AddIndexWhereSupported(
            model_name='application',
            index=models.Index(models.F('cohort'), models.F('usable_reviews'), models.OrderBy(models.F('submitted_at'), nulls_first=True), models.F('id'), condition=models.Q(('status__in', ['submitted', 'under_review'])), name='application_thin_coverage'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(models.F('cohort'), models.OrderBy(models.F('submitted_at'), descending=True), models.F('id'), condition=models.Q(('status__in', ['draft', 'withdrawn']), _negated=True), name='application_queue_reviewable'),
        ),
    ]
