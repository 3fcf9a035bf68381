"""Answers given before prompts were kept: record the question's current wording as the wording asked."""
from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_prompts(apps, schema_editor):
    Answer = apps.get_model("programs", "Answer")
    Question = apps.get_model("programs", "ApplicationQuestion")
    Answer.objects.filter(prompt="", question__isnull=False).update(
        prompt=Subquery(Question.objects.filter(pk=OuterRef("question_id")).values("prompt")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_coordinators_answer_prompt")]
    operations = [migrations.RunPython(fill_prompts, migrations.RunPython.noop)]
