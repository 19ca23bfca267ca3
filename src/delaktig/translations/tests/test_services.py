"""Saving and reviewing translations, and giving the translator role."""

import pytest

from delaktig.core.contributions import TranslatableKind
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.translations import selectors, services
from delaktig.translations.models import Translation, source_hash
from delaktig.translations.services import Change
from delaktig.translations.tests.helpers import (
    fresh,
    official_of,
    organisation,
    process_in,
    translator_of,
)

pytestmark = pytest.mark.django_db


def texts(obj: object) -> list[str]:
    """The fields of ``obj`` with Swedish text to translate."""
    return [f for f in obj.translated_fields if getattr(obj, f)]


def state(kind: TranslatableKind, obj: object, language: str = "se") -> dict[str, list[str]]:
    entry = selectors.object_status(kind, obj, language)
    return {name: getattr(entry, name) for name in selectors.STATES}


def test_a_translator_saves_a_draft_and_reviews_it(process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    translator = translator_of(org, "se")
    changed = services.translations_save(
        actor=translator,
        obj=process,
        language="se",
        changes=[Change("title", "Bussejohtolat Bergas", seen=source_hash(process.title))],
    )
    assert changed == 1
    row = Translation.objects.get()
    assert (row.state, row.translator, row.reviewed_by) == ("draft", translator, None)
    assert row.source_text == process.title
    assert state(process_kind, process)["draft"] == ["title"]
    assert services.translations_review(actor=translator, obj=process, language="se") == 1
    row.refresh_from_db()
    assert row.reviewed and row.reviewed_by == translator and row.reviewed_at
    assert state(process_kind, process)["reviewed"] == ["title"]
    with pytest.raises(ValidationFailed) as error:
        services.translations_review(actor=translator, obj=process, language="se")
    assert error.value.code == "translations.nothing_to_review"


def test_a_swedish_edit_makes_the_translation_stale_at_once(
    process_kind: TranslatableKind,
) -> None:
    org = organisation()
    process = process_in(org)
    official = official_of(org)
    services.translations_save(
        actor=official,
        obj=process,
        language="se",
        changes=[Change("title", "Busseat"), Change("summary", "Maid don oaivvildat?")],
        reviewed=True,
    )
    assert state(process_kind, process)["reviewed"] == ["title", "summary"]
    process.title = "Busstrafiken i Berg och Hede"
    process.save()
    now = state(process_kind, process)
    assert now["stale"] == ["title"] and now["reviewed"] == ["summary"]
    assert now["missing"] == [f for f in texts(process) if f not in ("title", "summary")]


def test_a_concurrent_swedish_edit_is_refused(process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    seen = source_hash(process.title)
    process.title = "En ny rubrik"
    process.save()
    with pytest.raises(ValidationFailed) as error:
        services.translations_save(
            actor=official_of(org),
            obj=process,
            language="se",
            changes=[Change("title", "Ođđa", seen=seen)],
        )
    assert error.value.code == "translations.changed_meanwhile"
    assert error.value.field == "title"
    assert not Translation.objects.exists()


def test_a_translator_outside_their_languages_is_refused(process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    for actor in (translator_of(org, "sma"), translator_of(org)):
        with pytest.raises(PermissionDenied) as error:
            services.translations_save(
                actor=actor, obj=process, language="se", changes=[Change("title", "x")]
            )
        assert error.value.code == "translations.not_your_language"
        assert error.value.status == 403
    elsewhere = translator_of(organisation(), "se")
    with pytest.raises(PermissionDenied):
        services.translations_save(
            actor=elsewhere, obj=process, language="se", changes=[Change("title", "x")]
        )
    with pytest.raises(ValidationFailed) as unknown:
        services.translations_save(
            actor=official_of(org), obj=process, language="fi", changes=[Change("title", "x")]
        )
    assert unknown.value.code == "translations.unknown_language"


def test_an_empty_text_removes_the_translation(process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    official = official_of(org)
    services.translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "Busseat")]
    )
    assert services.translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "  ")]
    )
    assert not Translation.objects.exists()
    assert state(process_kind, process)["missing"] == texts(process)


def test_saving_the_same_text_changes_nothing_but_review(process_kind: TranslatableKind) -> None:
    org = organisation()
    process = process_in(org)
    official = official_of(org)
    save = [Change("title", "Busseat")]
    assert services.translations_save(actor=official, obj=process, language="se", changes=save)
    assert not services.translations_save(actor=official, obj=process, language="se", changes=save)
    assert services.translations_save(
        actor=official, obj=process, language="se", changes=save, reviewed=True
    )
    assert Translation.objects.get().reviewed


def test_an_administrator_gives_the_translator_role_with_languages() -> None:
    from tests.factories import UserFactory, role

    org = organisation()
    admin = role(UserFactory(), "administrator")
    person = UserFactory()
    saved = services.translator_role_save(
        actor=admin, organisation=org, user=person, languages=["smj", "se"]
    )
    assert saved.languages == ["se", "smj"]
    assert selectors.workbench_languages(fresh(person), org) == ["se", "smj"]
    with pytest.raises(ValidationFailed) as none:
        services.translator_role_save(actor=admin, organisation=org, user=person, languages=[])
    assert none.value.code == "translations.no_languages"
    with pytest.raises(ValidationFailed) as unknown:
        services.translator_role_save(actor=admin, organisation=org, user=person, languages=["fi"])
    assert unknown.value.code == "translations.unknown_language"
    with pytest.raises(PermissionDenied):
        services.translator_role_save(
            actor=official_of(org), organisation=org, user=person, languages=["se"]
        )
    services.translator_role_remove(actor=admin, role=saved)
    assert selectors.workbench_languages(fresh(person), org) == []


def test_a_translator_with_no_languages_translates_nothing(
    process_kind: TranslatableKind,
) -> None:
    org = organisation()
    process = process_in(org)
    translator = translator_of(org)
    assert selectors.workbench_organisations(translator) == []
    assert translator.has_perm("translations.change_translation", process)
    with pytest.raises(PermissionDenied):
        services.translations_save(
            actor=translator, obj=process, language="se", changes=[Change("title", "x")]
        )
