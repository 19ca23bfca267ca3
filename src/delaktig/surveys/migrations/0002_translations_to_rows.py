"""Surveys' translations move from a JSON field on each survey, section, question and choice
into the translations app: one ``Translation`` row per object, language and field (the next
migration removes the JSON field).

The JSON was ``{"en": {"text": "…", "_source": {"text": "<fingerprint>"}}}``. Officials wrote
those translations and they were shown to the public, so each row is *reviewed* (by nobody
recorded: who and when were not kept), with no translator. Its fingerprint is the one stored
with it; where none was stored, the old code took the translation to be current, so it gets
the current Swedish's. The Swedish it was made from is kept where the fingerprint matches the
current Swedish (for a stale translation that text is gone). Blank translations are dropped,
as the old code fell back to the Swedish for them.

Backwards, the JSON is rebuilt from the reviewed rows (with their fingerprints, so a stale
translation stays stale) and the surveys' rows are deleted. Draft rows are lost then: the old
field had no drafts, everything in it was public.
"""

import hashlib

from django.db import migrations

# The models' translated_fields when this migration was written.
FIELDS = {
    "survey": ("intro", "easy_read_intro", "thanks"),
    "section": ("title", "description"),
    "question": ("text", "help_text"),
    "choice": ("label",),
}
SOURCE = "sv"
BATCH = 500


def _hash(text):
    # translations.models.source_hash when this migration was written.
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="surveys", model=model)[0]


def json_to_rows(apps, schema_editor):
    Translation = apps.get_model("translations", "Translation")
    rows = []
    for model, fields in FIELDS.items():
        content_type = _content_type(apps, model)
        objects = apps.get_model("surveys", model).objects.exclude(translations={})
        for obj in objects.order_by("pk").iterator():
            for language, given in (obj.translations or {}).items():
                if language == SOURCE or not isinstance(given, dict):
                    continue
                made_from = given.get("_source") or {}
                for field in fields:
                    text = str(given.get(field) or "").strip()
                    if not text:
                        continue
                    source = str(getattr(obj, field) or "")
                    current = _hash(source)
                    fingerprint = str(made_from.get(field) or current)
                    rows.append(
                        Translation(
                            content_type=content_type,
                            object_id=obj.pk,
                            language=language,
                            field=field,
                            text=text,
                            source_hash=fingerprint,
                            source_text=source if fingerprint == current else "",
                            state="reviewed",
                            translator=None,
                            reviewed_by=None,
                        )
                    )
            if len(rows) >= BATCH:
                Translation.objects.bulk_create(rows)
                rows = []
    Translation.objects.bulk_create(rows)


def rows_to_json(apps, schema_editor):
    Translation = apps.get_model("translations", "Translation")
    for model, fields in FIELDS.items():
        Model = apps.get_model("surveys", model)
        content_type = _content_type(apps, model)
        rows = Translation.objects.filter(content_type=content_type)
        given = {}
        for row in rows.filter(state="reviewed", field__in=fields).order_by("pk").iterator():
            texts = given.setdefault(row.object_id, {}).setdefault(row.language, {"_source": {}})
            texts[row.field] = row.text
            texts["_source"][row.field] = row.source_hash
        for pk, translations in given.items():
            Model.objects.filter(pk=pk).update(translations=translations)
        rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("translations", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(json_to_rows, rows_to_json)]
