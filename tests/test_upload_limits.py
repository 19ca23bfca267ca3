"""Uploads that would exhaust a worker are refused cheaply, with a translated error.

ZIP bombs (XLSX, DOCX, a ZIP of Polis files), damaged ZIP files (a wrong CRC, the encrypted
flag, compression method 99, a corrupt or truncated deflate stream) and CSV files with 200,000
columns. Each is built in the test (tests/zip_bombs.py) and sent through the real parser or
the real upload page; nothing is saved.
"""

import io
import random
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delaktig.core import tables, uploads
from delaktig.core.errors import ValidationFailed
from delaktig.followup.actors import services as actor_services
from delaktig.followup.imports import indicatorfile, planfile
from delaktig.followup.imports.messages import indicator_error_message, plan_error_message
from delaktig.followup.models import IndicatorValue, NetworkDocument, PlanImport
from delaktig.opinionmaps import polisdata
from delaktig.opinionmaps.models import OpinionMap, Participant, Statement
from delaktig.population import scb
from tests import zip_bombs
from tests.factories import ModuleFactory, OrganisationFactory, ProcessFactory, UserFactory, role
from tests.followup_factories import IndicatorFactory, PlanFactory
from tests.test_followup_actors import make_network, official_of
from tests.test_followup_actors import upload as document_upload

SEATTLE = Path(__file__).parent / "data" / "polis" / "15-per-hour-seattle"
POLIS_FILES = ("votes.csv", "comments.csv", "participants-votes.csv")
TINY = uploads.ZipLimits(
    max_total_size=64 * 1024, max_member_size=32 * 1024, max_members=3, ratio_grace=1024
)


def polis_files() -> dict[str, bytes]:
    return {name: (SEATTLE / name).read_bytes() for name in POLIS_FILES}


# --- The ZIP check itself -----------------------------------------------------------------


def test_an_ordinary_workbook_passes_the_check() -> None:
    with uploads.open_zip(zip_bombs.plan_workbook(rows=500)) as archive:
        assert "xl/workbook.xml" in archive.namelist()


def test_a_small_file_that_unpacks_a_thousand_times_is_refused_before_unpacking() -> None:
    bomb = zip_bombs.xlsx_bomb(4 * zip_bombs.MB)
    assert len(bomb) < 64 * 1024
    with (
        mock.patch.object(zipfile.ZipFile, "read") as read,
        mock.patch.object(zipfile.ZipFile, "open") as opened,
    ):
        with pytest.raises(uploads.ArchiveRefused) as refused:
            uploads.open_zip(bomb)
    assert refused.value.reason == "too_compressed" and refused.value.too_large
    assert refused.value.params == {"name": "xl/sharedStrings.xml", "limit": 200}
    assert not read.called and not opened.called


@pytest.mark.parametrize(
    ("entries", "code", "params"),
    [
        ({f"f{n}.txt": b"x" for n in range(4)}, "too_many_members", {"limit": 3}),
        ({"a.bin": random.Random(1).randbytes(40_000)}, "member_too_large", {"limit": 0.03}),
        (
            {f"{n}.bin": random.Random(n).randbytes(30_000) for n in range(3)},
            "too_large",
            {"limit": 0.06},
        ),
        ({"a.txt": b"a" * 30_000}, "too_compressed", {"limit": 200}),
    ],
)
def test_each_limit(entries: dict[str, bytes], code: str, params: dict[str, Any]) -> None:
    with pytest.raises(uploads.ArchiveRefused) as refused:
        uploads.open_zip(zip_bombs.zip_of(entries), limits=TINY)
    assert refused.value.reason == code and refused.value.code == f"archive.{code}"
    assert params.items() <= refused.value.params.items()


def test_the_member_count_is_checked_before_the_directory_is_read() -> None:
    many = zip_bombs.zip_of({f"f{n}": b"" for n in range(50)})
    with mock.patch.object(zipfile, "ZipFile") as opened:
        with pytest.raises(uploads.ArchiveRefused) as refused:
            uploads.open_zip(many, limits=uploads.ZipLimits(max_members=10))
    assert refused.value.reason == "too_many_members" and not opened.called


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (zip_bombs.wrong_crc, "damaged"),
        (zip_bombs.encrypted_flag, "encrypted"),
        (zip_bombs.method_99, "unsupported_method"),
        (zip_bombs.corrupt_stream, "damaged"),
    ],
)
def test_damaged_members_are_refused_not_raised(damage: Any, code: str) -> None:
    data = damage(zip_bombs.zip_of(polis_files()), "votes.csv")
    with pytest.raises(uploads.ArchiveRefused) as refused:
        with uploads.open_zip(data) as archive:
            for info in archive.infolist():
                uploads.read_member(archive, info)
    assert refused.value.reason == code
    assert refused.value.params["name"] == "votes.csv"


def test_every_refusal_has_a_swedish_and_an_english_message() -> None:
    params = {"name": "votes.csv", "limit": 50}
    for reason in uploads.ARCHIVE_REASONS:
        error = uploads.ArchiveRefused(reason, **params)
        with translation.override("sv"):
            swedish = error.message
        assert swedish.endswith(".") and "%(" not in swedish and "ZIP" in swedish
        with translation.override("en"):
            english = error.message
        assert english.endswith(".") and "%(" not in english and english != swedish


# --- XLSX: plans and indicators --------------------------------------------------------------


def test_a_plan_workbook_bomb_is_refused_before_openpyxl_reads_it() -> None:
    with mock.patch.object(openpyxl, "load_workbook") as load:
        with pytest.raises(planfile.PlanFileError) as refused:
            planfile.read_plan(zip_bombs.xlsx_bomb(), "plan.xlsx")
    assert not load.called
    assert (refused.value.code, refused.value.params) == (
        "followup.planfile.too_compressed",
        {"limit": 200},
    )
    with translation.override("sv"):
        assert plan_error_message(refused.value.code, refused.value.params).startswith(
            "En del av Excelfilen blir mer än 200 gånger större när den packas upp"
        )


def test_an_ordinary_plan_workbook_still_reads() -> None:
    plan = planfile.read_plan(zip_bombs.plan_workbook(rows=3), "plan.xlsx")
    assert [row.title for row in plan.rows] == ["Aktivitet 0", "Aktivitet 1", "Aktivitet 2"]


def test_a_workbook_too_large_unpacked_is_refused() -> None:
    # The size a member declares is what zipfile will hand out at most, so it is what counts.
    workbook = zip_bombs.plan_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).getinfo("xl/worksheets/sheet1.xml")
    big = zip_bombs.patch_member(
        workbook, sheet.filename, sizes=(sheet.compress_size, 51 * zip_bombs.MB)
    )
    with pytest.raises(planfile.PlanFileError) as refused:
        planfile.read_plan(big, "plan.xlsx")
    assert (refused.value.code, refused.value.params) == (
        "followup.planfile.unpacked_too_large",
        {"limit": 50},
    )


def test_a_workbook_with_a_damaged_member_is_a_damaged_excel_file() -> None:
    data = zip_bombs.encrypted_flag(zip_bombs.plan_workbook(), "xl/workbook.xml")
    with pytest.raises(planfile.PlanFileError) as refused:
        planfile.read_plan(data, "plan.xlsx")
    assert refused.value.code == "followup.planfile.bad_xlsx"
    data = zip_bombs.wrong_crc(zip_bombs.plan_workbook(), "xl/worksheets/sheet1.xml")
    with pytest.raises(planfile.PlanFileError) as refused:
        planfile.read_plan(data, "plan.xlsx")
    assert refused.value.code == "followup.planfile.bad_xlsx"


def test_an_indicator_workbook_bomb_is_refused() -> None:
    book = openpyxl.Workbook()
    sheet: Any = book.active
    sheet.append(["År", "Värde"])
    sheet.append([2024, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    bomb = zip_bombs.xlsx_bomb(workbook=buffer.getvalue())
    with pytest.raises(indicatorfile.IndicatorFileError) as refused:
        indicatorfile.read_indicator_values(bomb, "värden.xlsx")
    assert refused.value.code == "followup.indicatorfile.too_compressed"
    with translation.override("sv"):
        message = indicator_error_message(refused.value.code, refused.value.params)
    assert "200 gånger" in message


@pytest.mark.django_db
def test_the_plan_import_page_refuses_a_bomb_and_saves_nothing(client: Client) -> None:
    organisation = OrganisationFactory()
    plan = PlanFactory(strategy__organisation=organisation)
    client.force_login(role(UserFactory(), "official", organisation))
    upload = io.BytesIO(zip_bombs.xlsx_bomb())
    upload.name = "plan.xlsx"
    response = client.post(
        reverse("followup_staff:plan_import_upload", args=[plan.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "200 gånger större när den packas upp" in response.content.decode()
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_the_indicator_import_page_refuses_a_bomb_and_saves_nothing(client: Client) -> None:
    organisation = OrganisationFactory()
    indicator = IndicatorFactory(strategy__organisation=organisation)
    client.force_login(role(UserFactory(), "official", organisation))
    upload = io.BytesIO(zip_bombs.xlsx_bomb())
    upload.name = "värden.xlsx"
    response = client.post(
        reverse("followup_staff:indicator", args=[indicator.pk]),
        {"action": "import", "import-file": upload},
    )
    assert response.status_code == 400
    assert "200 gånger större när den packas upp" in response.content.decode()
    assert not IndicatorValue.objects.exists()


# --- DOCX and other documents shared in a network ---------------------------------------------


@pytest.mark.django_db
def test_a_document_bomb_is_not_stored() -> None:
    network = make_network()
    bomb = zip_bombs.zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b" " * (4 * zip_bombs.MB) + b"</w:document>",
        }
    )
    with translation.override("sv"), pytest.raises(ValidationFailed) as refused:
        actor_services.network_document_add(
            actor=official_of(network.organisation),
            network=network,
            title="Protokoll",
            upload=document_upload(bomb, name="protokoll.docx"),
        )
    assert "”word/document.xml” i ZIP-filen blir mer än 200 gånger större" in refused.value.message
    assert not NetworkDocument.objects.exists()


# --- CSV with 200,000 columns ---------------------------------------------------------------


def _counting(module: Any, name: str) -> Any:
    return mock.patch.object(module, name, wraps=getattr(module, name))


def test_a_plan_csv_with_200_000_columns_is_refused_after_a_fixed_amount_of_work() -> None:
    data = zip_bombs.wide_csv(200_000)
    assert len(data) > 1_000_000
    split: list[int] = []
    real_reader = tables.csv.reader

    def reader(source: io.StringIO, **kwargs: Any) -> Any:
        split.append(len(source.getvalue()))
        return real_reader(source, **kwargs)

    with (
        _counting(planfile, "header_key") as header_key,
        mock.patch.object(tables.csv, "reader", reader),
    ):
        with pytest.raises(planfile.PlanFileError) as refused:
            planfile.read_plan(data, "plan.csv")
    assert (refused.value.code, refused.value.params) == (
        "followup.planfile.too_many_columns",
        {"limit": 200},
    )
    # The delimiter is sniffed on at most MAX_COLUMNS + 1 cells per candidate, and the csv
    # module splits only the start of the file: the work does not grow with the columns.
    assert header_key.call_count <= 3 * (planfile.MAX_COLUMNS + 1)
    assert split and max(split) <= tables.SNIFF_CHARS < len(data)
    with translation.override("sv"):
        assert plan_error_message(refused.value.code, refused.value.params).startswith(
            "Filen har fler än 200 kolumner."
        )


def test_a_wide_row_below_a_narrow_header_is_refused() -> None:
    data = b"Omr\xc3\xa5de;Aktivitet\nA;B" + b";x" * 300 + b"\n"
    with pytest.raises(planfile.PlanFileError) as refused:
        planfile.read_plan(data, "plan.csv")
    assert refused.value.code == "followup.planfile.too_many_columns"


def test_empty_cells_at_the_end_of_a_row_do_not_count_as_columns() -> None:
    data = b"Omr\xc3\xa5de;Aktivitet" + b";" * 5000 + b"\nA;B" + b";" * 5000 + b"\n"
    plan = planfile.read_plan(data, "plan.csv")
    assert [(row.area, row.title) for row in plan.rows] == [("A", "B")]


def test_ignored_columns_keep_the_order_of_the_header() -> None:
    header = ["Extra 1", "Område", "Period", "Aktivitet", "Extra 2", "Start", "Slut"]
    data = (";".join(header) + "\nA;Insats;x;2024;y;2024;2025\n").encode()
    plan = planfile.read_plan(data, "plan.csv")
    # The period column is set aside after the others (start and end win): back in its place.
    assert plan.ignored_columns == ["Extra 1", "Period", "Extra 2"]


def test_an_indicator_csv_with_200_000_columns_is_refused() -> None:
    header = ";".join(["År", "Värde", *(f"k{n}" for n in range(200_000))])
    with pytest.raises(indicatorfile.IndicatorFileError) as refused:
        indicatorfile.read_indicator_values((header + "\n2024;1\n").encode(), "v.csv")
    assert (refused.value.code, refused.value.params) == (
        "followup.indicatorfile.too_many_columns",
        {"limit": 200},
    )


def test_a_population_csv_with_200_000_columns_is_refused_without_scoring_its_cells() -> None:
    header = ",".join(
        ["region", "ålder", "kön", *(f"{2000 + n % 30} v{n}" for n in range(200_000))]
    )
    with _counting(scb, "_header_score") as scored:
        with pytest.raises(scb.PopulationFileError) as refused:
            scb.parse_population_file((header + "\n2303 Ragunda,0 år,män,1\n").encode())
    assert refused.value.code == "population.too_many_columns"
    assert all(len(call.args[0]) <= 200 for call in scored.call_args_list)
    with translation.override("sv"):
        assert refused.value.message.startswith("Rad 1: Tabellen har fler än 200 kolumner.")


# --- Polis: the reader ---------------------------------------------------------------------


def test_the_polis_reader_turns_csv_errors_into_its_own(tmp_path: Path) -> None:
    for name, content in polis_files().items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "comments.csv").write_text(
        "comment-id,moderated,comment-body\n1,1," + "x" * 200_000 + "\n"
    )
    with pytest.raises(ValidationFailed, match="opinionmaps.not_a_polis_export"):
        polisdata.read_export(tmp_path)


def test_the_polis_reader_reads_short_rows_and_missing_optional_columns(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1000,x,1,7,1\n1001,x,2,8,-1\n"
    )
    # No comment-body or author-id column; the second row ends early.
    (tmp_path / "comments.csv").write_text("comment-id,moderated,timestamp\n1,1,5\n2\n")
    (tmp_path / "participants-votes.csv").write_text(
        "participant,group-id,n-comments,1,2\n7,0,0,1,\n8\n"
    )
    conversation = polisdata.read_export(tmp_path)
    assert conversation.participant_ids == [7, 8]
    assert conversation.polis_groups == {7: 0}
    assert conversation.comments[2] == polisdata.Comment(
        id=2, author_id=None, text="", moderated=0, timestamp=None
    )


# --- Polis: a ZIP file through the import page ----------------------------------------------


def _import(client: Client, data: bytes, name: str = "polis.zip") -> Any:
    process = ProcessFactory()
    module = ModuleFactory(process=process, kind="opinionmap")
    OpinionMap.objects.create(module=module, topic="x")
    client.force_login(role(UserFactory(), "official", process.organisation))
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("opinionmaps:import", kwargs={"module_pk": module.pk}),
        {"polis_files": upload, "source": "Polis", "attribution": "CC BY 4.0"},
    )


def _truncated() -> bytes:
    files = polis_files()
    votes = files.pop("votes.csv")
    return zip_bombs.truncated_stream(votes, "votes.csv", files)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: zip_bombs.wrong_crc(zip_bombs.zip_of(polis_files()), "votes.csv"),
            "”votes.csv” i ZIP-filen är skadad och går inte att packa upp.",
        ),
        (
            lambda: zip_bombs.encrypted_flag(zip_bombs.zip_of(polis_files()), "votes.csv"),
            "”votes.csv” i ZIP-filen är krypterad.",
        ),
        (
            lambda: zip_bombs.method_99(zip_bombs.zip_of(polis_files()), "votes.csv"),
            "”votes.csv” i ZIP-filen är packad på ett sätt som inte går att läsa.",
        ),
        (
            lambda: zip_bombs.corrupt_stream(zip_bombs.zip_of(polis_files()), "votes.csv"),
            "”votes.csv” i ZIP-filen är skadad och går inte att packa upp.",
        ),
        (_truncated, "”votes.csv” i ZIP-filen är skadad och går inte att packa upp."),
        (
            lambda: zip_bombs.zip_of(
                {
                    **polis_files(),
                    "votes.csv": b"timestamp,comment-id,voter-id,vote\n" + b"1,1,1,1\n" * 600_000,
                }
            ),
            "”votes.csv” i ZIP-filen blir mer än 200 gånger större när den packas upp",
        ),
    ],
    ids=["wrong-crc", "encrypted", "method-99", "corrupt-stream", "truncated-stream", "bomb"],
)
def test_a_bad_polis_zip_gives_a_form_error_and_saves_nothing(
    client: Client, build: Any, message: str
) -> None:
    response = _import(client, build())
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert 'value="Polis"' in body  # what was typed is kept
    assert not Statement.objects.exists() and not Participant.objects.exists()


@pytest.mark.django_db
def test_a_polis_zip_named_otherwise_is_still_checked(client: Client) -> None:
    data = zip_bombs.method_99(zip_bombs.zip_of(polis_files()), "votes.csv")
    response = _import(client, data, name="export")
    assert response.status_code == 400
    assert "packad på ett sätt som inte går att läsa" in response.content.decode()
