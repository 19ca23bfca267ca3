"""The one table reader every file importer uses (delaktig.core.tables): bytes to text, CSV
dialects, XLSX, limits and words. The importers' own tests (plans, indicators, SCB tables)
cover it again through them."""

import codecs
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from delaktig.core.errors import DelaktigError, ValidationFailed
from delaktig.core.tables import (
    MAX_COLUMNS,
    SNIFF_CHARS,
    TABLE_ERROR_CODES,
    Table,
    TableError,
    alias_table,
    binary_kind,
    cell_text,
    csv_records,
    decode_text,
    fold,
    header_key,
    key,
    looks_like_xlsx,
    map_columns,
    read_csv,
    read_table,
    read_xlsx,
    text_kind,
    width,
)

SRC = Path(__file__).parent.parent / "src"
ALIASES = alias_table({"name": ("namn", "name"), "count": ("antal", "count (st)")})


def score(header: Sequence[str]) -> int:
    return sum(1 for cell in header if header_key(cell) in ALIASES)


READ: dict[str, Any] = {"header_score": score, "max_rows": 10}


def table(text: str, **kwargs: Any) -> Table:
    return read_csv(text, header_score=score, max_rows=kwargs.pop("max_rows", 100), **kwargs)


def refusal(call: Any) -> tuple[str, dict[str, Any]]:
    with pytest.raises(TableError) as caught:
        call()
    return caught.value.code, caught.value.params


def workbook(rows: list[list[Any]], *, percent: tuple[int, int] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet: Any = book.active
    for row in rows:
        sheet.append(row)
    if percent is not None:
        sheet.cell(row=percent[0], column=percent[1]).number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The error ------------------------------------------------------------------------------


def test_a_table_error_is_a_400_with_a_known_code() -> None:
    error = TableError("too_many_rows", limit=5)
    assert isinstance(error, ValidationFailed) and isinstance(error, DelaktigError)
    assert (error.code, error.params, error.status) == ("too_many_rows", {"limit": 5}, 400)
    assert "bad_csv" in TABLE_ERROR_CODES
    with pytest.raises(ValueError, match="unknown table error code"):
        TableError("population.empty")


# --- Words ----------------------------------------------------------------------------------


def test_words_are_folded_without_case_diacritics_dashes_or_punctuation() -> None:
    assert fold("  Ålder\u2013Grupp  ÖVER ") == "alder-grupp over"
    assert fold("a\u2015b") == "a-b"
    assert key("Start-år") == "startar" and key("1+2") == "12"
    assert header_key("Framsteg (%)") == "framsteg"


def test_aliases_map_headers_to_fields_and_list_the_rest() -> None:
    assert ALIASES == {"namn": "name", "name": "name", "antal": "count", "count": "count"}
    with pytest.raises(ValueError, match="ambiguous"):
        alias_table({"a": ("x",), "b": ("X",)})
    positions, ignored = map_columns(("Namn", "", "Övrigt", "ANTAL (st)", "name"), ALIASES)
    assert positions == {"name": 0, "count": 3}
    assert ignored == ["Övrigt", "name"]


def test_width_leaves_out_empty_cells_at_the_end() -> None:
    assert width(["a", "", "b", "", " "]) == 3
    assert width(["", ""]) == 0


# --- Bytes to text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"PK\x03\x04\x14\x00xl/workbook.xml", "xlsx"),
        (b"PK\x03\x04\x14\x00word/document.xml", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        (b"%PDF-1.7", "pdf"),
        (b"\x00\x01\x02text", "binary"),
        (codecs.BOM_UTF16_LE + "a;b".encode("utf-16-le"), None),
        (b"namn;antal\n", None),
    ],
)
def test_binary_kind(data: bytes, kind: str | None) -> None:
    assert binary_kind(data) == kind


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("namn;ålder\n".encode(), "namn;ålder\n"),
        (codecs.BOM_UTF8 + "namn;ålder\n".encode(), "namn;ålder\n"),
        ("namn;ålder\n".encode("cp1252"), "namn;ålder\n"),
        (codecs.BOM_UTF16_LE + "namn;ålder\n".encode("utf-16-le"), "namn;ålder\n"),
        (codecs.BOM_UTF16_BE + "namn;ålder\n".encode("utf-16-be"), "namn;ålder\n"),
    ],
)
def test_decode_text(data: bytes, text: str) -> None:
    assert decode_text(data) == text


@pytest.mark.parametrize(
    ("data", "code", "params"),
    [
        (b"", "empty", {}),
        (b" \r\n\t", "empty", {}),
        (codecs.BOM_UTF8, "empty", {}),
        (b"namn;\x81lder\n", "unreadable_encoding", {}),
        (b"%PDF-1.7", "unsupported_format", {"detected": "pdf"}),
        (b"PK\x03\x04 xl/", "unsupported_format", {"detected": "xlsx"}),
    ],
)
def test_decode_text_refuses(data: bytes, code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: decode_text(data)) == (code, params)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (' \n{"values": []}', "json"),
        ("[1, 2]", "json"),
        ("<!DOCTYPE html><html>", "html"),
        ('<?xml version="1.0"?><a/>', "xml"),
        ('CHARSET="ANSI";\nAXIS-VERSION="2010";', "px"),
        ("namn;antal\n", None),
    ],
)
def test_text_kind(text: str, kind: str | None) -> None:
    assert text_kind(text) == kind


# --- CSV ------------------------------------------------------------------------------------


def test_records_are_numbered_as_a_spreadsheet_numbers_rows() -> None:
    text = 'namn, antal\n\n"två\nrader", 2\nsist,3\n'
    assert list(csv_records(text, ",")) == [
        (1, ["namn", "antal"]),
        (2, []),
        (3, ["två\nrader", "2"]),
        (4, ["sist", "3"]),
    ]


def test_a_record_the_csv_module_cannot_read_is_bad_csv_with_its_row() -> None:
    text = 'namn;antal\nA;1\nB;"' + "x" * 200_000 + '"\n'
    code, params = refusal(lambda: list(csv_records(text, ";")))
    assert code == "bad_csv"
    assert params == {"line": 3, "detail": "field larger than field limit (131072)"}


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_that_makes_sense_of_the_header_wins(delimiter: str) -> None:
    text = delimiter.join(["Namn", "Antal", "Övrigt"]) + "\n"
    text += delimiter.join(["Anna", "3", "x"]) + "\n"
    result = table(text)
    assert result.header == ("Namn", "Antal", "Övrigt")
    assert result.rows == ((2, ("Anna", "3", "x")),)
    assert (result.format, result.header_row) == ("csv", 1)


def test_an_excel_sep_line_is_honoured() -> None:
    result = table("sep=,\nNamn;x,Antal\nA;B,1\n")
    assert result.header == ("Namn;x", "Antal")
    # Excel does not show the sep line: the header is its row 1.
    assert result.rows == ((2, ("A;B", "1")),)


def test_blank_rows_are_skipped_and_cells_stripped() -> None:
    result = table("\n;;\nNamn;Antal;;\n  Anna ; 3 ;;\n;;\nBo;4\n")
    assert result.header_row == 3
    assert result.rows == ((4, ("Anna", "3")), (6, ("Bo", "4")))


@pytest.mark.parametrize(
    ("text", "kwargs", "code", "params"),
    [
        ("x;y\n1;2\n", {}, "no_header", {}),
        (";;\n\n", {}, "empty", {}),
        ("Namn;Antal\nA;1\nB;2\nC;3\n", {"max_rows": 2}, "too_many_rows", {"limit": 2}),
        ("Namn;Antal\nA;1" + ";x" * 300 + "\n", {}, "too_many_columns", {"limit": MAX_COLUMNS}),
        ("Namn;Antal;c;d\nA;1\n", {"max_columns": 3}, "too_many_columns", {"limit": 3}),
    ],
)
def test_csv_refusals(text: str, kwargs: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: table(text, **kwargs)) == (code, params)


def test_a_header_of_a_million_columns_is_refused_from_the_start_of_the_file() -> None:
    text = ";".join(["Namn", "Antal", *(f"k{n}" for n in range(200_000))]) + "\nA;1\n"
    assert len(text) > SNIFF_CHARS
    assert refusal(lambda: table(text)) == ("too_many_columns", {"limit": MAX_COLUMNS})


# --- XLSX -----------------------------------------------------------------------------------


def test_the_first_sheet_of_a_workbook() -> None:
    data = workbook(
        [
            [None],
            ["Namn", "Antal", "Dag", "Andel", None],
            ["Anna", 3, datetime(2024, 3, 1, 12), 0.4],
            ["Bo", 2.50, date(2025, 1, 2), Decimal("1E+1")],
        ],
        percent=(3, 4),
    )
    result = read_xlsx(data, header_score=score, max_rows=10)
    assert (result.format, result.header_row) == ("xlsx", 2)
    assert result.header == ("Namn", "Antal", "Dag", "Andel")
    assert result.rows == (
        (3, ("Anna", "3", "2024-03-01", "40 %")),
        (4, ("Bo", "2.5", "2025-01-02", "10")),
    )


def test_cell_text() -> None:
    assert cell_text(None) == "" and cell_text(True) == "TRUE"
    assert cell_text(float("inf")) == "inf"
    assert cell_text("  x ") == "x"
    assert cell_text(0.125, "0.0%") == "12.5 %"


@pytest.mark.parametrize(
    ("data", "code", "params"),
    [
        (b"PK\x03\x04 not really a zip", "bad_xlsx", {}),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "unsupported_format", {"detected": "xls"}),
        (b"", "empty", {}),
    ],
)
def test_xlsx_refusals(data: bytes, code: str, params: dict[str, Any]) -> None:
    assert refusal(lambda: read_xlsx(data, header_score=score, max_rows=10)) == (code, params)


def test_another_office_file_is_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    code, params = refusal(lambda: read_table(buffer.getvalue(), "a.docx", **READ))
    assert (code, params) == ("unsupported_format", {"detected": "docx"})


# --- Any table ------------------------------------------------------------------------------


def test_read_table_knows_xlsx_by_its_bytes_not_its_name() -> None:
    data = workbook([["Namn", "Antal"], ["A", 1]])
    assert looks_like_xlsx(data, "tabell.csv")
    assert read_table(data, "tabell.csv", **READ).format == "xlsx"
    assert read_table(b"Namn;Antal\nA;1\n", "tabell.xlsx.csv", **READ).format == "csv"
    assert refusal(lambda: read_table(b"Namn;Antal\n", "tabell.xlsx", **READ))[0] == "bad_xlsx"


@pytest.mark.parametrize(
    ("data", "detected"),
    [(b'{"a": 1}', "json"), (b"<a><b/></a>", "xml"), (b"CHARSET=x\n", "px")],
)
def test_read_table_refuses_text_that_is_no_csv(data: bytes, detected: str) -> None:
    assert refusal(lambda: read_table(data, "t.csv", **READ)) == (
        "unsupported_format",
        {"detected": detected},
    )


def test_the_reader_does_not_import_django() -> None:
    code = (
        "import sys; from delaktig.core.tables import read_table; "
        "t = read_table(b'a;b\\n1;2\\n', 't.csv', header_score=lambda h: 1, max_rows=5); "
        "assert t.rows == ((2, ('1', '2')),), t; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
