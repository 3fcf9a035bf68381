"""Groups on applications, and one application per organization or project per cohort.

Data-safe: before the constraints, where two applications of one cohort share an organization (or a
project), the one furthest along is kept (accepted, then waitlisted, under review, submitted, draft;
the earliest first) and the others are withdrawn with an event saying why. Nothing is deleted; an
admin can read every withdrawn application and its answers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


KEEP_ORDER = ["accepted", "waitlisted", "under_review", "submitted", "draft"]
NOTE = "Withdrawn when applications became one per organization or project per cohort: another one was kept."


def withdraw_duplicates(apps, schema_editor):
    Application = apps.get_model("programs", "Application")
    ApplicationEvent = apps.get_model("programs", "ApplicationEvent")
    for field in ("organization", "project"):
        holding = Application.objects.filter(**{f"{field}__isnull": False}).exclude(status__in=["withdrawn", "declined"])
        groups = {}
        for application in holding.order_by("pk"):
            groups.setdefault((application.cohort_id, getattr(application, f"{field}_id")), []).append(application)
        for applications in groups.values():
            if len(applications) < 2:
                continue
            applications.sort(key=lambda a: (KEEP_ORDER.index(a.status), a.submitted_at is None, a.submitted_at, a.pk))
            for application in applications[1:]:
                ApplicationEvent.objects.create(
                    application=application, actor=None, from_status=application.status, to_status="withdrawn", note=NOTE,
                )
                Application.objects.filter(pk=application.pk).update(status="withdrawn")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_merge_names_and_portuguese'),
        ('organizations', '0003_kinds_owners'),
        ('programs', '0004_review_numbers_and_duplicate_scan'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='group',
            field=models.ForeignKey(blank=True, help_text='Made when a group application is submitted; members join by invitation.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='organizations.group', verbose_name='group'),
        ),
        migrations.RunPython(withdraw_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['withdrawn', 'declined']), _negated=True), fields=('cohort', 'organization'), name='one_application_per_organization_cohort'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['withdrawn', 'declined']), _negated=True), fields=('cohort', 'project'), name='one_application_per_project_cohort'),
        ),
    ]
