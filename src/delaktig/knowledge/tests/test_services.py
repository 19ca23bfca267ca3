"""Writing the knowledge bank: sections and parts, publishing, order, documents, and marking
parts as gone through."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.factories import OrganisationFactory

from delaktig.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.knowledge import selectors, services
from delaktig.knowledge.models import Completion, Part
from delaktig.knowledge.tests.helpers import bank, official_of, part_in, person, section_of
from delaktig.knowledge.workflow import Action

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_official_writes_sections_and_parts_in_order_and_each_step_is_audited() -> None:
    organisation = OrganisationFactory()
    official = official_of(organisation)
    first = services.section_create(actor=official, organisation=organisation, title="Före")
    second = services.section_create(actor=official, organisation=organisation, title="Efter")
    assert (first.position, second.position) == (1, 2)
    services.section_move(actor=official, section=second, direction=-1)
    first.refresh_from_db()
    assert first.position == 2
    a = part_in(first, title="A", published=False)
    b = part_in(first, title="B", published=False)
    assert (a.position, b.position) == (1, 2) and a.status == "draft"
    services.part_move(actor=official, part=b, direction=-1)
    assert list(Part.objects.filter(section=first).order_by("position")) == [b, a]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"knowledge.section_create", "knowledge.part_create"} <= actions


def test_a_section_title_is_unique_in_the_organisation_and_a_section_with_parts_stays() -> None:
    section = section_of(OrganisationFactory(), "Om hot och hat")
    official = official_of(section.organisation)
    with pytest.raises(Conflict) as error:
        services.section_create(
            actor=official, organisation=section.organisation, title="om hot och hat"
        )
    assert error.value.code == "knowledge.section_title_taken"
    part_in(section)
    with pytest.raises(Conflict):
        services.section_delete(actor=official, section=section)
    empty = services.section_create(actor=official, organisation=section.organisation, title="X")
    services.section_delete(actor=official, section=empty)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "page", "body": "  "}, "knowledge.body_missing"),
        ({"kind": "link", "url": ""}, "knowledge.url_missing"),
        ({"kind": "document"}, "knowledge.document_missing"),
        ({"kind": "page", "body": "Text", "minutes": 0}, "knowledge.minutes_out_of_range"),
        (
            {"kind": "document", "document": SimpleUploadedFile("a.pdf", b"<html>not a pdf")},
            "knowledge.document_not_pdf",
        ),
    ],
)
def test_a_part_needs_its_content(fields: dict[str, Any], code: str) -> None:
    section = section_of(OrganisationFactory())
    values: dict[str, Any] = {"body": "", "minutes": 5, "audience": "both", **fields}
    with pytest.raises(ValidationFailed) as error:
        services.part_create(
            actor=official_of(section.organisation), section=section, title="Del", **values
        )
    assert error.value.code == code
    assert not Part.objects.exists()


def test_a_document_is_stored_and_replaced(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    section = section_of(OrganisationFactory())
    part = part_in(
        section,
        kind="document",
        body="",
        document=SimpleUploadedFile("Stöd efteråt.pdf", PDF),
    )
    assert part.document.name.endswith(".pdf") and part.document_name == "Stöd efteråt.pdf"
    old = part.document.name
    changed_before = part.content_changed_at
    official = official_of(section.organisation)
    part = services.part_update(
        actor=official,
        part=part,
        section=section,
        kind="document",
        title=part.title,
        minutes=5,
        audience="both",
        document=SimpleUploadedFile("ny.pdf", PDF),
    )
    assert part.document.name != old and part.content_changed_at > changed_before
    assert not (tmp_path / old).exists()  # the replaced file is removed on commit


def test_only_officials_of_the_organisation_write() -> None:
    section = section_of(OrganisationFactory())
    for kind in ("moderator", "security", "elected", "resident"):
        with pytest.raises(PermissionDenied):
            services.section_create(
                actor=person(kind, section.organisation),
                organisation=section.organisation,
                title="Nytt",
            )
    with pytest.raises(PermissionDenied):
        services.section_create(
            actor=official_of(OrganisationFactory()),
            organisation=section.organisation,
            title="Nytt",
        )


def test_publishing_follows_the_state_machine() -> None:
    part = bank(published=False)
    official = official_of(part.organisation)
    part = services.part_transition(actor=official, part=part, action=Action.PUBLISH)
    assert part.is_published and part.published_at
    with pytest.raises(InvalidTransition):
        services.part_transition(actor=official, part=part, action=Action.PUBLISH)
    part = services.part_transition(actor=official, part=part, action=Action.UNPUBLISH)
    assert not part.is_published


def test_marking_a_part_is_one_row_and_can_be_undone() -> None:
    part = bank()
    reader = person("elected", part.organisation)
    first = services.completion_mark(actor=reader, part=part)
    again = services.completion_mark(actor=reader, part=part)
    assert first.pk == again.pk and Completion.objects.count() == 1
    assert services.completion_undo(actor=reader, part=part) is True
    assert services.completion_undo(actor=reader, part=part) is False
    assert not Completion.objects.exists()


def test_a_resident_and_a_draft_cannot_be_marked() -> None:
    part = bank(is_public=True)
    with pytest.raises(PermissionDenied):
        services.completion_mark(actor=person("resident", part.organisation), part=part)
    draft = part_in(part.section, published=False, title="Utkast")
    with pytest.raises(PermissionDenied):
        services.completion_mark(actor=person("official", part.organisation), part=draft)


def test_progress_counts_the_parts_meant_for_the_reader() -> None:
    section = section_of(OrganisationFactory())
    both = part_in(section, title="Alla")
    officials_only = part_in(section, title="Tjänstepersoner", audience="officials")
    part_in(section, title="Förtroendevalda", audience="elected")
    part_in(section, title="Utkast", published=False)
    elected = person("elected", section.organisation)
    services.completion_mark(actor=elected, part=both)
    services.completion_mark(actor=elected, part=officials_only)  # read, but not meant for them
    view = selectors.bank(viewer=elected, organisation=section.organisation)
    assert (view.done, view.total) == (1, 2)
    [item] = selectors.mine_progress(viewer=elected)
    assert "1 av 2" in str(item.detail)
    official = person("official", section.organisation)
    assert selectors.bank(viewer=official, organisation=section.organisation).total == 2


def test_the_mark_survives_edits_but_tells_the_content_changed() -> None:
    part = bank()
    reader = person("security", part.organisation)
    services.completion_mark(actor=reader, part=part)
    Completion.objects.update(completed_at=timezone.now() - timedelta(days=2))
    services.part_update(
        actor=official_of(part.organisation),
        part=part,
        section=part.section,
        kind="page",
        title=part.title,
        body="Ny text.",
        minutes=5,
        audience="both",
    )
    [view] = selectors.bank(viewer=reader, organisation=part.organisation).sections
    assert view.parts[0].done_at and view.parts[0].changed_since_done


def test_follow_up_counts_per_role_and_part() -> None:
    section = section_of(OrganisationFactory())
    both = part_in(section, title="Alla")
    elected_only = part_in(section, title="Förtroendevalda", audience="elected")
    organisation = section.organisation
    elected = person("elected", organisation)
    security = person("security", organisation)
    services.completion_mark(actor=elected, part=both)
    services.completion_mark(actor=elected, part=elected_only)
    services.completion_mark(actor=security, part=both)
    report = selectors.follow_up(organisation=organisation)
    shares = {share.label: share for share in report.by_role}
    assert (shares["Förtroendevald"].expected, shares["Förtroendevald"].completed) == (2, 2)
    assert shares["Förtroendevald"].everything == 1
    assert (shares["Säkerhetsfunktion"].expected, shares["Säkerhetsfunktion"].completed) == (1, 1)
    # The officials who wrote the parts have done nothing yet.
    assert shares["Tjänsteperson"].completed == 0 and shares["Tjänsteperson"].percent == 0
    by_part = {part.title: share for part, share in report.by_part}
    assert (by_part["Förtroendevalda"].people, by_part["Förtroendevalda"].completed) == (1, 1)
    assert by_part["Alla"].completed == 2


def test_retention_and_erasure_remove_completions() -> None:
    from delaktig.core.contributions import retention
    from delaktig.knowledge.contributions import _erase_completions, _export_completions

    part = bank()
    reader = person("elected", part.organisation)
    services.completion_mark(actor=reader, part=part)
    assert _export_completions(reader)[0]["part"] == part.title
    rule = retention("knowledge_completions")
    assert rule.apply(part.organisation, 30, timezone.now()) == 0
    assert rule.apply(part.organisation, 30, timezone.now() + timedelta(days=31)) == 1
    services.completion_mark(actor=reader, part=part)
    _erase_completions(reader)
    assert not Completion.objects.exists()
