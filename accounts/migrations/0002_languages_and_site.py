from django.db import migrations

LANGUAGES = [
    ("ar", "Arabic"), ("bn", "Bengali"), ("ca", "Catalan"), ("zh", "Chinese"), ("cs", "Czech"),
    ("da", "Danish"), ("nl", "Dutch"), ("en", "English"), ("fa", "Persian"), ("fi", "Finnish"),
    ("fr", "French"), ("de", "German"), ("el", "Greek"), ("gn", "Guarani"), ("he", "Hebrew"),
    ("hi", "Hindi"), ("hu", "Hungarian"), ("id", "Indonesian"), ("it", "Italian"), ("ja", "Japanese"),
    ("ko", "Korean"), ("ms", "Malay"), ("no", "Norwegian"), ("pl", "Polish"), ("pt", "Portuguese"),
    ("qu", "Quechua"), ("ay", "Aymara"), ("ro", "Romanian"), ("ru", "Russian"), ("es", "Spanish"),
    ("sw", "Swahili"), ("sv", "Swedish"), ("tl", "Tagalog"), ("ta", "Tamil"), ("th", "Thai"),
    ("tr", "Turkish"), ("uk", "Ukrainian"), ("ur", "Urdu"), ("vi", "Vietnamese"), ("yo", "Yoruba"),
]


def load(apps, schema_editor):
    Language = apps.get_model("accounts", "Language")
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Mentorship"})


def unload(apps, schema_editor):
    apps.get_model("accounts", "Language").objects.filter(code__in=[c for c, _ in LANGUAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(load, unload)]
