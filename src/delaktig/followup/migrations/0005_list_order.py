"""An index for the strategy list's order (newest first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("followup", "0004_commitment_screening_findings")]

    operations = [
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(
                fields=["-start_year", "title", "id"], name="strategy_newest_first"
            ),
        ),
    ]
