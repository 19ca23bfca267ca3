from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_organisationsettings_open_data_licence"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="host",
            field=models.CharField(
                blank=True,
                default="",
                help_text=(
                    "Organisationens egen webbadress utan https://, till exempel "
                    "delta.ostersund.se. Tomt: organisationen nås bara på installationens "
                    "gemensamma adress."
                ),
                max_length=253,
                verbose_name="värdnamn",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("host", ""), _negated=True),
                fields=("host",),
                name="organisation_unique_host",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("host__regex", "^[a-z0-9.-]*$")),
                name="organisation_host_lower_ascii",
            ),
        ),
    ]
