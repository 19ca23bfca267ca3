"""Migration surveys 0002: the surveys' JSON translations become translation rows, and back."""

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from delaktig.surveys.models import Choice, Question, Section, Survey
from delaktig.translations.models import Translation, source_hash
from tests.factories import ModuleFactory, ProcessFactory

BEFORE = [("surveys", "0001_initial")]
AFTER = [("surveys", "0002_translations_to_rows")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _rows() -> dict[tuple[str, int, str, str], Translation]:
    return {
        (row.content_type.model, row.object_id, row.language, row.field): row
        for row in Translation.objects.select_related("content_type")
    }


def test_json_translations_become_reviewed_rows_and_come_back(transactional_db: None) -> None:
    module = ModuleFactory(process=ProcessFactory(), kind="survey")
    try:
        apps = _migrate(BEFORE)
        model = apps.get_model
        survey = model("surveys", "Survey").objects.create(
            module_id=module.pk,
            intro="Hur reser du?",
            thanks="Tack!",
            translations={
                "en": {"intro": "How do you travel?", "_source": {"intro": source_hash("Hur")}},
                # A blank translation fell back to the Swedish: nothing to keep.
                "fi": {"thanks": "  "},
            },
        )
        section = model("surveys", "Section").objects.create(
            survey=survey, title="Resor", translations={"en": {"title": "Travel"}}
        )
        question = model("surveys", "Question").objects.create(
            section=section,
            kind="single",
            text="Hur reser du oftast?",
            translations={
                "en": {
                    "text": "How do you usually travel?",
                    "_source": {"text": source_hash("Hur reser du oftast?")},
                }
            },
        )
        choice = model("surveys", "Choice").objects.create(
            question=question,
            label="Buss",
            translations={
                "en": {"label": "Bus"},
                "se": {"label": "Busse", "_source": {"label": source_hash("Buss")}},
            },
        )
        _migrate(AFTER)
        rows = _rows()
        assert set(rows) == {
            ("survey", survey.pk, "en", "intro"),
            ("section", section.pk, "en", "title"),
            ("question", question.pk, "en", "text"),
            ("choice", choice.pk, "en", "label"),
            ("choice", choice.pk, "se", "label"),
        }
        # Entered by officials and public: reviewed, by nobody recorded.
        assert {(r.state, r.translator_id, r.reviewed_by_id) for r in rows.values()} == {
            ("reviewed", None, None)
        }
        # A stale translation keeps the fingerprint it was made from, and no Swedish text.
        stale = rows[("survey", survey.pk, "en", "intro")]
        assert (stale.text, stale.source_hash, stale.source_text) == (
            "How do you travel?",
            source_hash("Hur"),
            "",
        )
        # No fingerprint: taken to be current, as the old code did.
        current = rows[("section", section.pk, "en", "title")]
        assert (current.source_hash, current.source_text) == (source_hash("Resor"), "Resor")
        made_from = rows[("question", question.pk, "en", "text")]
        assert made_from.source_text == "Hur reser du oftast?"

        _latest()
        assert Survey.objects.get(pk=survey.pk).tr("intro", "en") == "Hur reser du?"
        assert Section.objects.get(pk=section.pk).tr("title", "en") == "Travel"
        assert Question.objects.get(pk=question.pk).tr("text", "en") == (
            "How do you usually travel?"
        )
        assert Choice.objects.get(pk=choice.pk).tr("label", "se") == "Busse"
        # A draft made since has no place in the old field (everything there was public).
        Translation.objects.filter(language="se").update(state="draft")

        apps = _migrate(BEFORE)
        model = apps.get_model
        assert not Translation.objects.exists()
        assert model("surveys", "Survey").objects.get(pk=survey.pk).translations == {
            "en": {"intro": "How do you travel?", "_source": {"intro": source_hash("Hur")}}
        }
        assert model("surveys", "Section").objects.get(pk=section.pk).translations == {
            "en": {"title": "Travel", "_source": {"title": source_hash("Resor")}}
        }
        assert model("surveys", "Choice").objects.get(pk=choice.pk).translations == {
            "en": {"label": "Bus", "_source": {"label": source_hash("Buss")}}
        }
        # And forwards again, to the same rows.
        _migrate(AFTER)
        assert set(_rows()) == set(rows) - {("choice", choice.pk, "se", "label")}
    finally:
        _latest()
