"""Pairs made in rolling cohorts before issue 10 took the cohort's fixed dates. Give each running one
its own dates: from the day it was made, for the cohort's mentorship length (12 weeks unless set).

Only pairs still running with exactly the cohort's dates are touched (a coordinator's own dates and
extensions are kept); each change leaves an event row saying what moved.
"""
import datetime as dt

from django.db import migrations

RUNNING = ("proposed", "active", "paused")


def redate_rolling_pairs(apps, schema_editor):
    Mentorship = apps.get_model("mentoring", "Mentorship")
    MentorshipEvent = apps.get_model("mentoring", "MentorshipEvent")
    Settings = apps.get_model("mentoring", "CohortMentoringSettings")
    weeks_by_cohort = dict(Settings.objects.values_list("cohort_id", "mentorship_length_weeks"))
    rows = Mentorship.objects.filter(cohort__rolling=True, status__in=RUNNING).select_related("cohort")
    for mentorship in rows.iterator():
        cohort = mentorship.cohort
        if (mentorship.starts_on, mentorship.ends_on) != (cohort.starts_on, cohort.ends_on):
            continue
        if mentorship.extensions.exists():
            continue
        starts_on = mentorship.created_at.astimezone(dt.UTC).date()
        ends_on = starts_on + dt.timedelta(weeks=weeks_by_cohort.get(cohort.pk, 12))
        MentorshipEvent.objects.create(
            mentorship=mentorship, action="dates",
            note=f"{mentorship.starts_on} – {mentorship.ends_on} → {starts_on} – {ends_on}. "
                 "A rolling cohort's pair runs from the day it was made.",
        )
        mentorship.starts_on, mentorship.ends_on = starts_on, ends_on
        mentorship.save(update_fields=["starts_on", "ends_on"])


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0003_lifecycle_windows_length_and_extension_limit")]

    operations = [migrations.RunPython(redate_rolling_pairs, migrations.RunPython.noop)]
