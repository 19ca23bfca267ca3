"""Importing SCB population tables: the service, the staff page and the management command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delaktig.core import catalogue
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.population import scb
from delaktig.population.models import PopulationCount, PopulationTable
from delaktig.population.services import population_import
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "scb"
CSV = DATA / "folkmangd_jamtland_2023_komma.csv"
JSON = DATA / "folkmangd_jamtland_2023.json"


def official_of(organisation: object) -> object:
    return role(UserFactory(), "official", organisation)


def test_import_stores_every_row_of_the_file() -> None:
    organisation = OrganisationFactory()
    actor = official_of(organisation)
    table = population_import(
        actor=actor,
        organisation=organisation,
        name="Folkmängd 2023",
        source="SCB BE0101N1",
        is_synthetic=True,
        data=CSV.read_bytes(),
        filename=CSV.name,
    )
    assert (table.year, table.source_format, table.is_synthetic) == (2023, "csv", True)
    # Three municipalities × six age groups × two sexes.
    assert table.counts.count() == 36
    ragunda_girls = PopulationCount.objects.get(
        table=table, region_code="2303", age_group="0–17", sex="kvinna"
    )
    assert (ragunda_girls.count, ragunda_girls.region_name) == (807, "Ragunda")
    assert AuditEntry.objects.filter(action="population.import", actor=actor).count() == 1


def test_the_same_table_as_JSON_stat2_gives_the_same_counts() -> None:
    organisation = OrganisationFactory()
    actor = official_of(organisation)

    def counts(path: Path) -> list[tuple[str, str, str, int]]:
        table = population_import(
            actor=actor,
            organisation=organisation,
            name=path.name,
            source="",
            is_synthetic=True,
            data=path.read_bytes(),
            filename=path.name,
        )
        return list(
            table.counts.order_by("region_code", "age_group", "sex").values_list(
                "region_code", "age_group", "sex", "count"
            )
        )

    assert counts(CSV) == counts(JSON)


def test_a_file_that_does_not_fit_is_refused_whole_with_a_Swedish_message() -> None:
    organisation = OrganisationFactory()
    bad = CSV.read_text(encoding="utf-8").replace(
        '"2303 Ragunda","0 år"', '"2303 Ragunda","0-4 år"', 1
    )
    bad = bad.replace('"2303 Ragunda","15 år","män"', '"2303 Ragunda","15-19 år","män"', 1)
    with translation.override("sv"), pytest.raises(ValidationFailed) as caught:
        population_import(
            actor=official_of(organisation),
            organisation=organisation,
            name="Trasig",
            source="",
            is_synthetic=False,
            data=bad.encode(),
            filename="trasig.csv",
        )
    assert caught.value.message.startswith("Rad ")
    assert "åldersgrupp" in caught.value.message or "Åldr" in caught.value.message
    assert not PopulationTable.objects.exists()
    assert not PopulationCount.objects.exists()


@pytest.mark.parametrize("code", sorted(scb.ERROR_CODES))
def test_every_parser_error_has_a_translated_message(code: str) -> None:
    params = {
        "detected": "xlsx",
        "version": "1.0",
        "detail": "x",
        "cells": 9,
        "limit": 5,
        "found": 2,
        "expected": 4,
        "dimension": "age",
        "contents": "a, b",
        "years": "2022, 2023",
        "value": "v",
        "bands": "0–17, 18–29",
        "other": "o",
        "ages": "17",
        "age_group": "0–17",
        "sex": "kvinna",
        "region": "2303 Ragunda",
        "age": "3 år",
        "line": 4,
    }
    error = scb.PopulationFileError(code, **params)
    assert code in catalogue.catalogue()
    with translation.override("sv"):
        swedish = error.message
    with translation.override("en"):
        english = error.message
    assert swedish and english and swedish != str(error) and "%(" not in swedish
    assert swedish.startswith("Rad 4: ") and english.startswith("Line 4: ")
    assert swedish.endswith(".")
    without_line = scb.PopulationFileError(code, **{**params, "line": None})
    with translation.override("sv"):
        assert not without_line.message.startswith("Rad ")


def test_a_list_in_the_params_reads_as_a_list() -> None:
    error = scb.PopulationFileError("population.several_years", years=[2022, 2023])
    with translation.override("sv"):
        assert error.message == "Tabellen har flera år (2022, 2023). Spara ett år i taget."


def test_only_officials_of_the_organisation_may_import() -> None:
    organisation = OrganisationFactory()
    other = official_of(OrganisationFactory())
    with pytest.raises(PermissionDenied):
        population_import(
            actor=other,
            organisation=organisation,
            name="x",
            source="",
            is_synthetic=False,
            data=CSV.read_bytes(),
        )


def test_upload_page_imports_and_shows_the_table() -> None:
    organisation = OrganisationFactory()
    client = Client()
    client.force_login(official_of(organisation))
    page = client.get(reverse("population:list"))
    assert page.status_code == 200
    reply = client.post(
        reverse("population:list"),
        {
            "organisation": organisation.pk,
            "name": "Folkmängd 2023",
            "source": "SCB",
            "is_synthetic": "on",
            "file": SimpleUploadedFile(JSON.name, JSON.read_bytes()),
        },
    )
    table = PopulationTable.objects.get()
    assert reply.status_code == 302 and reply["Location"] == reverse(
        "population:detail", args=[table.pk]
    )
    detail = client.get(reply["Location"]).content.decode()
    assert "807 / " in detail and "påhittade" in detail


def test_upload_errors_keep_what_was_typed() -> None:
    organisation = OrganisationFactory()
    client = Client()
    client.force_login(official_of(organisation))
    reply = client.post(
        reverse("population:list"),
        {
            "organisation": organisation.pk,
            "name": "Mitt namn",
            "source": "Min källa",
            "file": SimpleUploadedFile("tabell.xlsx", b"PK\x03\x04 not really a spreadsheet"),
        },
    )
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'value="Mitt namn"' in html and 'value="Min källa"' in html
    assert "CSV" in html and 'href="#id_file"' in html
    assert not PopulationTable.objects.exists()


def test_another_organisations_table_is_out_of_reach() -> None:
    table = PopulationTable.objects.create(organisation=OrganisationFactory(), name="t", year=2023)
    client = Client()
    client.force_login(official_of(OrganisationFactory()))
    assert client.get(reverse("population:detail", args=[table.pk])).status_code == 403
    assert client.post(reverse("population:delete", args=[table.pk])).status_code == 403
    assert PopulationTable.objects.filter(pk=table.pk).exists()
    resident = Client()
    resident.force_login(UserFactory())
    assert resident.get(reverse("population:list")).status_code == 403


def test_delete_removes_the_table_and_its_counts() -> None:
    organisation = OrganisationFactory()
    actor = official_of(organisation)
    table = population_import(
        actor=actor,
        organisation=organisation,
        name="x",
        source="",
        is_synthetic=False,
        data=CSV.read_bytes(),
    )
    client = Client()
    client.force_login(actor)
    client.post(reverse("population:delete", args=[table.pk]))  # asks first (core.confirm)
    assert PopulationTable.objects.exists()
    client.post(reverse("population:delete", args=[table.pk]), {"confirmed": "1"})
    assert not PopulationTable.objects.exists() and not PopulationCount.objects.exists()


def test_management_command(tmp_path: Path) -> None:
    OrganisationFactory(slug="region-x")
    out = StringIO()
    call_command(
        "import_population",
        str(CSV),
        organisation="region-x",
        name="Folkmängd 2023",
        synthetic=True,
        stdout=out,
    )
    assert "Imported 36 rows for 2023" in out.getvalue()
    assert PopulationTable.objects.get().is_synthetic
    pdf = tmp_path / "tabell.pdf"
    pdf.write_bytes(b"%PDF-1.7 not a table")
    with translation.override("sv"), pytest.raises(CommandError, match="CSV- eller JSON-stat2"):
        call_command("import_population", str(pdf), organisation="region-x", name="x")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_population", str(CSV), organisation="nowhere", name="x")
