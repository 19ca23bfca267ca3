# The translations now live in translations.Translation (see 0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_translations_to_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="choice", name="translations"),
        migrations.RemoveField(model_name="question", name="translations"),
        migrations.RemoveField(model_name="section", name="translations"),
        migrations.RemoveField(model_name="survey", name="translations"),
    ]
