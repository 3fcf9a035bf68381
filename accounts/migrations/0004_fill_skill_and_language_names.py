"""Spanish and Portuguese (Brazil) names for the curated skills and the spoken languages."""
from django.db import migrations

from accounts.taxonomy import LANGUAGE_NAMES, SKILL_NAMES


def fill(apps, schema_editor):
    Skill = apps.get_model("accounts", "Skill")
    Language = apps.get_model("accounts", "Language")
    for skill in Skill.objects.filter(name__in=list(SKILL_NAMES)):
        es, pt_br = SKILL_NAMES[skill.name]
        Skill.objects.filter(pk=skill.pk).update(name_es=skill.name_es or es, name_pt_br=skill.name_pt_br or pt_br)
    for lang in Language.objects.filter(code__in=list(LANGUAGE_NAMES)):
        es, pt_br = LANGUAGE_NAMES[lang.code]
        Language.objects.filter(pk=lang.pk).update(name_es=lang.name_es or es, name_pt_br=lang.name_pt_br or pt_br)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_skill_and_language_names_per_language")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
