from django.db import migrations


def create_goals(apps, schema_editor):
    GenderEqualityGoal = apps.get_model("followup", "GenderEqualityGoal")
    for number in range(1, 7):
        GenderEqualityGoal.objects.get_or_create(number=number)


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(create_goals, migrations.RunPython.noop)]
