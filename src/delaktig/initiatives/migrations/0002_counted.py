"""The count of an initiative's signatures kept with it, and an index for the list's order."""

from typing import Any

from django.db import migrations, models

from delaktig.initiatives.counting import SignatureRow, count_signatures


def count_existing(apps: Any, schema_editor: Any) -> None:
    Initiative = apps.get_model("initiatives", "Initiative")
    Signature = apps.get_model("initiatives", "Signature")
    for initiative in Initiative.objects.all():
        rows = [
            SignatureRow(signed_on, person, valid)
            for signed_on, person, valid in Signature.objects.filter(
                signature_list__initiative=initiative
            ).values_list("signed_on", "identity_hash", "valid")
        ]
        count = count_signatures(
            rows, submitted_on=initiative.submitted_on, entitled_voters=initiative.entitled_voters
        )
        initiative.counted = count.stored()
        initiative.save(update_fields=["counted"])


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="counted",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(fields=["-submitted_on", "-id"], name="initiative_newest_first"),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
