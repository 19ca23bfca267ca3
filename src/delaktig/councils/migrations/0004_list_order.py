"""An index for the council list's order (by name)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("councils", "0003_referral_module")]

    operations = [
        migrations.AddIndex(
            model_name="council",
            index=models.Index(fields=["name", "id"], name="council_by_name"),
        ),
    ]
