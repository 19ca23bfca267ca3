"""The translation mechanism every translatable model shares (translations/models.py,
access.py, services.py, the template tag), shown on a process."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.core.languages import content_language_override
from delaktig.organisations.models import OrganisationSettings
from delaktig.participation.models import Process
from delaktig.translations import access
from delaktig.translations.models import Translation, source_hash
from delaktig.translations.services import Change, translations_review, translations_save
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def process() -> Process:
    organisation = OrganisationFactory()
    OrganisationSettings.objects.update_or_create(
        organisation=organisation, defaults={"content_languages": ["sv", "en", "se", "yi"]}
    )
    return ProcessFactory(organisation=organisation, title="Kollektivtrafiken i Berg")


def _fresh(process: Process) -> Process:
    return Process.objects.get(pk=process.pk)


def test_a_draft_is_not_shown_and_a_reviewed_translation_is(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "Almmolašjohtolat")]
    )
    assert _fresh(process).tr("title", "se") == "Kollektivtrafiken i Berg"
    assert _fresh(process).translation("title", "se", drafts=True) == "Almmolašjohtolat"
    assert translations_review(actor=official, obj=process, language="se") == 1
    fresh = _fresh(process)
    assert fresh.tr("title", "se") == "Almmolašjohtolat"
    row = Translation.objects.get()
    assert (row.translator, row.reviewed_by, row.source_text) == (
        official,
        official,
        "Kollektivtrafiken i Berg",
    )


def test_editing_the_swedish_makes_the_translation_stale_at_once(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(
        actor=official,
        obj=process,
        language="se",
        changes=[Change("title", "Almmolašjohtolat")],
        reviewed=True,
    )
    Process.objects.filter(pk=process.pk).update(title="Kollektivtrafiken i Berg och Bräcke")
    fresh = _fresh(process)
    assert fresh.is_stale("title", "se")
    assert fresh.tr("title", "se") == "Kollektivtrafiken i Berg och Bräcke"
    assert fresh.language_of("title", "se") == "sv"
    assert fresh.untranslated_fields("se")[0] == "title"


def test_the_swedish_changed_while_translating_is_refused(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    seen = source_hash(process.title)
    Process.objects.filter(pk=process.pk).update(title="Ny rubrik")
    with pytest.raises(ValidationFailed) as raised:
        translations_save(
            actor=official, obj=process, language="se", changes=[Change("title", "X", seen=seen)]
        )
    assert raised.value.code == "translations.changed_meanwhile"
    assert not Translation.objects.exists()


def test_a_translator_translates_only_into_their_languages(process: Process) -> None:
    translator = role(UserFactory(), "translator", process.organisation)
    translator.roles.filter(kind="translator").update(languages=["se"])
    translator = type(translator).objects.get(pk=translator.pk)
    translations_save(actor=translator, obj=process, language="se", changes=[Change("title", "A")])
    with pytest.raises(PermissionDenied) as raised:
        translations_save(
            actor=translator, obj=process, language="yi", changes=[Change("title", "B")]
        )
    assert raised.value.code == "translations.not_your_language"
    other = role(UserFactory(), "translator", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        translations_save(actor=other, obj=process, language="se", changes=[Change("title", "C")])


def test_only_the_organisations_languages_and_known_fields(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    with pytest.raises(ValidationFailed) as raised:
        translations_save(
            actor=official, obj=process, language="fi", changes=[Change("title", "A")]
        )
    assert raised.value.code == "translations.unknown_language"
    with pytest.raises(ValidationFailed) as raised:
        translations_save(
            actor=official, obj=process, language="se", changes=[Change("ladder_step", "5")]
        )
    assert raised.value.code == "translations.not_translatable"


def test_an_empty_text_removes_the_translation(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(actor=official, obj=process, language="se", changes=[Change("title", "A")])
    translations_save(actor=official, obj=process, language="se", changes=[Change("title", " ")])
    assert not Translation.objects.exists()


def test_the_text_knows_its_language_and_direction(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(
        actor=official,
        obj=process,
        language="yi",
        changes=[Change("title", "ייִדיש")],
        reviewed=True,
    )
    template = Template("<h1{{ p.t.title.attrs }}>{{ p.t.title }}</h1><p{{ p.t.summary.attrs }}>")
    with translation.override("sv"), content_language_override("yi"):
        html = template.render(Context({"p": _fresh(process)}))
    assert html.startswith('<h1 lang="yi" dir="rtl">ייִדיש</h1>')
    # The summary is not translated: Swedish, in a Swedish interface, needs no attribute.
    assert html.endswith("<p>")
    with translation.override("sv"), content_language_override("sv"):
        html = template.render(Context({"p": _fresh(process)}))
    assert html == "<h1>Kollektivtrafiken i Berg</h1><p>"


def test_the_notice_lists_what_is_still_swedish(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "Sámi")], reviewed=True
    )
    template = Template("{% load translations %}{% translation_notice p %}")
    with content_language_override("se"):
        html = template.render(Context({"p": _fresh(process)}))
    assert 'Delar av sidan finns inte på <span lang="se">davvisámegiella</span> än' in html
    assert '<span lang="se">Sámi</span>: sammanfattning' in html
    with content_language_override("sv"):
        assert template.render(Context({"p": _fresh(process)})).strip() == ""


def test_a_list_loads_its_translations_in_one_query(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    others = [ProcessFactory(organisation=process.organisation) for _ in range(5)]
    for item in [process, *others]:
        translations_save(
            actor=official, obj=item, language="se", changes=[Change("title", "S")], reviewed=True
        )
    items = list(Process.objects.filter(organisation=process.organisation))
    with CaptureQueriesContext(connection) as queries:
        access.prefetch(items, "se")
        titles = [item.tr("title", "se") for item in items]
    assert titles == ["S"] * 6
    assert len(queries) == 1  # the translations (content types are cached)


def test_deleting_an_object_deletes_its_translations(process: Process) -> None:
    official = role(UserFactory(), "official", process.organisation)
    translations_save(actor=official, obj=process, language="se", changes=[Change("title", "S")])
    process.delete()
    assert not Translation.objects.exists()


def test_the_notice_names_a_part_with_nothing_translated_whole(process: Process) -> None:
    from tests.factories import PhaseFactory

    official = role(UserFactory(), "official", process.organisation)
    phase = PhaseFactory(process=process, name="Dialog")
    translations_save(
        actor=official, obj=process, language="se", changes=[Change("title", "Sámi")], reviewed=True
    )
    template = Template("{% load translations %}{% translation_notice p phases %}")
    with content_language_override("se"):
        html = template.render(Context({"p": _fresh(process), "phases": [phase]}))
    assert "Dialog</span> (hela texten)" in html


def test_a_page_with_nothing_translated_says_so_in_one_sentence(process: Process) -> None:
    template = Template("{% load translations %}{% translation_notice p %}")
    with content_language_override("se"):
        html = template.render(Context({"p": _fresh(process)}))
    assert 'Den här sidan finns inte på <span lang="se">davvisámegiella</span> än.' in html
    assert "<ul>" not in html
