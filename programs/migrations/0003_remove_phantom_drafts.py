"""Remove the drafts that opening the apply page used to create (GET no longer writes).

A phantom draft is one the person never saved: still a draft, nothing typed in any field, no
answers, no ranked mentors, no CV, and not changed since it was created. Drafts someone saved,
even empty ones saved later, are kept.
"""
from datetime import timedelta

from django.db import migrations
from django.db.models import Exists, OuterRef

NEVER_SAVED_WITHIN = timedelta(seconds=2)
TEXT_FIELDS = ("goals", "motivation", "offer", "wants", "contact_person", "group_members", "cv")


def remove_phantom_drafts(apps, schema_editor):
    Application = apps.get_model("programs", "Application")
    Answer = apps.get_model("programs", "Answer")
    ApplicationPreference = apps.get_model("programs", "ApplicationPreference")
    ApplicationEvent = apps.get_model("programs", "ApplicationEvent")
    candidates = (
        Application.objects.filter(status="draft", organization__isnull=True, project__isnull=True, **{f: "" for f in TEXT_FIELDS})
        .exclude(Exists(Answer.objects.filter(application=OuterRef("pk"))))
        .exclude(Exists(ApplicationPreference.objects.filter(application=OuterRef("pk"))))
        .exclude(Exists(ApplicationEvent.objects.filter(application=OuterRef("pk"))))
        .only("pk", "created_at", "updated_at", "support_needed")
    )
    phantom = [
        a.pk for a in candidates.iterator()
        if not a.support_needed and a.updated_at - a.created_at < NEVER_SAVED_WITHIN
    ]
    for start in range(0, len(phantom), 500):
        Application.objects.filter(pk__in=phantom[start:start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_applications_on_behalf")]

    operations = [migrations.RunPython(remove_phantom_drafts, migrations.RunPython.noop)]
