"""Every organization and project gets an owner: whoever created it if they are still one of its
people, otherwise its longest-standing member. Nothing else changes."""
from django.db import migrations


def set_owners(apps, schema_editor):
    for model_name, people in (("Organization", "members"), ("Project", "maintainers")):
        model = apps.get_model("organizations", model_name)
        for obj in model.objects.filter(owner__isnull=True):
            through = getattr(model, people).through
            member_ids = list(through.objects.filter(**{f"{model_name.lower()}_id": obj.pk}).order_by("pk")
                              .values_list("user_id", flat=True))
            owner_id = obj.created_by_id if obj.created_by_id in member_ids else (member_ids[0] if member_ids else None)
            if owner_id is not None:
                model.objects.filter(pk=obj.pk).update(owner_id=owner_id)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_kinds_membership")]
    operations = [migrations.RunPython(set_owners, migrations.RunPython.noop)]
