from django.db import migrations

from delaktig.participation import agenda2030

PERSPECTIVES = ["barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter", "miljo"]
TARGET_GROUPS = [
    ("alla", False), ("barn", True), ("unga", True), ("aldre", False),
    ("funktionsnedsattning", True), ("nyanlanda", True), ("minoriteter", True),
    ("patienter", False), ("landsbygd", True), ("lagt_deltagande", True),
]


def load(apps, schema_editor):
    Perspective = apps.get_model("participation", "Perspective")
    TargetGroup = apps.get_model("participation", "TargetGroup")
    SdgGoal = apps.get_model("participation", "SdgGoal")
    SdgTarget = apps.get_model("participation", "SdgTarget")
    for code in PERSPECTIVES:
        Perspective.objects.get_or_create(code=code)
    for code, usually_not_heard in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(code=code, defaults={"usually_not_heard": usually_not_heard})
    goal_by_number = {}
    for goal in agenda2030.goals():
        goal_by_number[goal.number], _ = SdgGoal.objects.update_or_create(
            number=goal.number,
            defaults={"name_sv": goal.name_sv, "short_en": goal.short_en, "title_en": goal.title_en},
        )
    for target in agenda2030.targets():
        SdgTarget.objects.update_or_create(
            code=target.code,
            defaults={"goal": goal_by_number[target.goal], "title_en": target.title_en,
                      "position": target.position},
        )


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
