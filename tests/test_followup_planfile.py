"""Reading an action plan from CSV or XLSX: columns, values, row errors and file errors."""

import codecs
import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from delaktig.core.errors import ValidationFailed
from delaktig.followup.imports.planfile import (
    ACTIVITY_STATUSES,
    ERROR_CODES,
    FILE_ERROR_CODES,
    MAX_ROWS,
    PARSER_ROW_ERROR_CODES,
    ROW_ERROR_CODES,
    PlanFile,
    PlanFileError,
    PlanRow,
    RowError,
    read_plan,
)

SRC = Path(__file__).parent.parent / "src"
PREFIX = "followup.planfile."

SWEDISH_HEADER = [
    "Insatsområde",
    "Aktivitet",
    "Beskrivning",
    "Ansvarig enhet",
    "Kontaktperson",
    "E-post",
    "Startår",
    "Slutår",
    "Status",
    "Skäl",
    "Framsteg",
    "Mål",
    "Agenda 2030",
    "Jämställdhetsmål",
    "Perspektiv",
]
ENGLISH_HEADER = [
    "Focus area",
    "Activity",
    "Description",
    "Responsible unit",
    "Contact",
    "E-mail",
    "Start year",
    "End year",
    "STATUS",
    "Reason",
    "Progress",
    "Goals",
    "SDG",
    "Gender equality goals",
    "Perspectives",
]
FIRST = [
    "Delaktighet",
    "Medborgardialoger i alla kommuner",
    "Stöd till kommunerna; utbildning",
    "Regional utveckling",
    "Anna Andersson",
    "anna.andersson@region.se",
    "2023",
    "2025",
    "pågår",
    "",
    "40 %",
    "1, 2.3",
    "16.7; 5.5, 10.2",
    "1, 6",
    "Barn och unga; samer",
]
SECOND = [
    "Jämställdhet",
    "Jämställdhetsintegrering",
    "",
    "",
    "",
    "",
    "",
    "",
    "uppskjuten",
    "Väntar på beslut",
    "",
    "",
    "5.c",
    "",
    "jämställdhet",
]
FIRST_ROW = PlanRow(
    area="Delaktighet",
    title="Medborgardialoger i alla kommuner",
    description="Stöd till kommunerna; utbildning",
    responsible_unit="Regional utveckling",
    contact_name="Anna Andersson",
    contact_email="anna.andersson@region.se",
    start_year=2023,
    end_year=2025,
    status="ongoing",
    status_reason="",
    progress=40,
    goals=("1", "2.3"),
    sdg_targets=("16.7", "5.5", "10.2"),
    gender_equality_goals=(1, 6),
    perspectives=("barn_och_unga", "minoriteter"),
    row=2,
)
SECOND_ROW = PlanRow(
    area="Jämställdhet",
    title="Jämställdhetsintegrering",
    description="",
    responsible_unit="",
    contact_name="",
    contact_email="",
    start_year=None,
    end_year=None,
    status="postponed",
    status_reason="Väntar på beslut",
    progress=None,
    goals=(),
    sdg_targets=("5.c",),
    gender_equality_goals=(),
    perspectives=("jamstalldhet",),
    row=3,
)


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[list[Any]],
    *,
    start_row: int = 1,
    percent: tuple[int, int] | None = None,
    extra_sheet: bool = False,
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=start_row + offset, column=column, value=value)
    if percent is not None:
        sheet.cell(row=percent[0], column=percent[1]).number_format = "0%"
    if extra_sheet:
        workbook.create_sheet("Annat").append(["Inget", "här"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_with(header: list[str], *rows: list[str]) -> PlanFile:
    return read_plan(csv_bytes([header, *rows]), "plan.csv")


def errors_of(plan: PlanFile) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The errors, their codes without the prefix every one has."""
    assert all(e.code.startswith(PREFIX) for e in plan.errors)
    return [(e.row, e.column, e.code.removeprefix(PREFIX), e.params) for e in plan.errors]


# --- Formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_with_each_delimiter(delimiter: str) -> None:
    plan = read_plan(csv_bytes([SWEDISH_HEADER, FIRST, SECOND], delimiter), "plan.csv")
    assert plan.format == "csv"
    assert plan.rows == [FIRST_ROW, SECOND_ROW]
    assert plan.errors == []
    assert plan.ignored_columns == []
    assert plan.areas == ["Delaktighet", "Jämställdhet"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "utf-16"],
)
def test_encodings(encode: Any) -> None:
    text = csv_bytes([SWEDISH_HEADER, FIRST, SECOND]).decode("utf-8")
    plan = read_plan(encode(text), "plan.csv")
    assert plan.rows == [FIRST_ROW, SECOND_ROW]
    assert plan.columns["area"] == "Insatsområde"


def test_english_headers() -> None:
    plan = plan_with(ENGLISH_HEADER, FIRST, SECOND)
    assert plan.rows == [FIRST_ROW, SECOND_ROW]
    assert plan.columns["progress"] == "Progress"


def test_headers_ignore_case_spacing_diacritics_and_remarks_in_brackets() -> None:
    header = ["  OMRÅDE ", "insats", "Framsteg (%)", "Budget (kr)", "e-mail", "Globala mål"]
    plan = plan_with(header, ["Demokrati", "Råd", "10", "2024", "a@b.se", "16.7"])
    assert plan.columns == {
        "area": "OMRÅDE",
        "title": "insats",
        "progress": "Framsteg (%)",
        "contact_email": "e-mail",
        "sdg_targets": "Globala mål",
    }
    assert plan.ignored_columns == ["Budget (kr)"]
    (row,) = plan.rows
    assert (row.area, row.title, row.progress, row.contact_email) == (
        "Demokrati",
        "Råd",
        10,
        "a@b.se",
    )
    assert row.sdg_targets == ("16.7",)


def test_xlsx_with_typed_cells_and_gaps() -> None:
    rows: list[list[Any]] = [
        ["Område", "Aktivitet", "Start", "Klart", "Framsteg", "Agenda 2030", "Jämställdhetsmål"],
        ["Hälsa", "Fysisk aktivitet", date(2024, 3, 1), 2026, 0.4, 3.4, 5],
        [None, None, None, None, None, None, None],
        ["Hälsa", 2030, datetime(2023, 1, 1, 12, 0), 2025.0, None, "3.8", "2; 5"],
    ]
    data = xlsx_bytes(rows, start_row=3, percent=(4, 5), extra_sheet=True)
    plan = read_plan(data, "plan.xlsx")
    assert plan.format == "xlsx"
    assert plan.errors == []
    first, second = plan.rows
    assert (first.row, first.start_year, first.end_year, first.progress) == (4, 2024, 2026, 40)
    assert first.sdg_targets == ("3.4",)
    assert first.gender_equality_goals == (5,)
    assert (second.row, second.title, second.start_year, second.end_year) == (
        6,
        "2030",
        2023,
        2025,
    )
    assert second.gender_equality_goals == (2, 5)


def test_xlsx_is_recognised_by_content_whatever_its_name() -> None:
    data = xlsx_bytes([["Område", "Aktivitet"], ["A", "B"]])
    assert read_plan(data, "upload").rows[0].title == "B"
    assert read_plan(data, "plan.csv").format == "xlsx"


def test_xlsx_row_errors_name_the_spreadsheet_row() -> None:
    data = xlsx_bytes([["Område", "Aktivitet", "Status"], ["A", "B", "kanske"]], start_row=2)
    plan = read_plan(data, "plan.xlsx")
    assert errors_of(plan) == [(3, "Status", "bad_status", {"value": "kanske"})]


def test_empty_rows_are_skipped_and_counted_in_row_numbers() -> None:
    data = b"\r\n;;\r\nOmr\xc3\xa5de;Aktivitet\r\n;\r\n\r\nA;B\r\n  ;  \r\nA;C\r\n"
    plan = read_plan(data, "plan.csv")
    assert [(row.row, row.title) for row in plan.rows] == [(6, "B"), (8, "C")]


def test_quoted_cells_with_delimiters_and_line_breaks_are_one_row() -> None:
    data = 'Område,Aktivitet,Beskrivning\n"A","B","En, två\ntre"\nA,C,\n'.encode()
    plan = read_plan(data, "plan.csv")
    assert [(row.row, row.description) for row in plan.rows] == [(2, "En, två\ntre"), (3, "")]


def test_excel_separator_hint_is_honoured() -> None:
    body = "Område,Aktivitet,Status;Skäl;Ansvarig;Framsteg\nA,B,x;y;z;w\n"
    # Sniffing alone would take the semicolon, which names more columns.
    with pytest.raises(PlanFileError) as caught:
        read_plan(body.encode(), "plan.csv")
    assert caught.value.params["column"] == "area"
    plan = read_plan(("sep=,\r\n" + body).encode(), "plan.csv")
    assert [(row.row, row.area, row.title) for row in plan.rows] == [(2, "A", "B")]
    assert plan.ignored_columns == ["Status;Skäl;Ansvarig;Framsteg"]


def test_unknown_and_second_columns_are_ignored_and_reported() -> None:
    header = ["Nr", "Område", "Aktivitet", "", "Ansvarig", "Ansvarig enhet", "Budget"]
    plan = plan_with(header, ["1", "A", "B", "x", "Först", "Sedan", "100"])
    assert plan.ignored_columns == ["Nr", "Ansvarig enhet", "Budget"]
    assert plan.rows[0].responsible_unit == "Först"


def test_short_rows_are_padded() -> None:
    plan = plan_with(["Område", "Aktivitet", "Status"], ["A", "B"])
    assert plan.rows[0].status == "not_started"


# --- Values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", "not_started"),
        ("Ej påbörjad", "not_started"),
        ("inte påbörjad", "not_started"),
        ("ej startad", "not_started"),
        ("Not started", "not_started"),
        ("not_started", "not_started"),
        ("Pågår", "ongoing"),
        ("PÅGÅENDE", "ongoing"),
        ("ongoing", "ongoing"),
        ("In progress", "ongoing"),
        ("Genomförd", "done"),
        ("klar", "done"),
        ("Avslutad", "done"),
        ("done", "done"),
        ("Completed", "done"),
        ("completed", "done"),
        ("Uppskjuten", "postponed"),
        ("senarelagd", "postponed"),
        ("Postponed", "postponed"),
        ("Avbruten", "cancelled"),
        ("inställd", "cancelled"),
        ("Cancelled", "cancelled"),
        ("canceled", "cancelled"),
    ],
)
def test_status_words(text: str, status: str) -> None:
    plan = plan_with(["Område", "Aktivitet", "Status", "Skäl"], ["A", "B", text, "Därför"])
    assert [row.status for row in plan.rows] == [status]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Barn och unga", ("barn_och_unga",)),
        ("children and young people", ("barn_och_unga",)),
        ("barn_och_unga, miljo", ("barn_och_unga", "miljo")),
        ("Jämställdhet; Gender equality", ("jamstalldhet",)),
        ("Tillgänglighet", ("tillganglighet",)),
        ("Accessibility", ("tillganglighet",)),
        ("Nationella minoriteter och urfolk", ("minoriteter",)),
        ("samer; urfolk", ("minoriteter",)),
        ("national minorities and indigenous peoples", ("minoriteter",)),
        ("Miljö", ("miljo",)),
        ("environment, tillgänglighet", ("miljo", "tillganglighet")),
    ],
)
def test_perspectives(text: str, codes: tuple[str, ...]) -> None:
    plan = plan_with(["Område", "Aktivitet", "Perspektiv"], ["A", "B", text])
    assert plan.rows[0].perspectives == codes


@pytest.mark.parametrize(
    ("text", "progress"),
    [("40 %", 40), ("40%", 40), ("40", 40), ("0", 0), ("100 %", 100), ("7\u00a0%", 7), ("", None)],
)
def test_progress(text: str, progress: int | None) -> None:
    plan = plan_with(["Område", "Aktivitet", "Procent"], ["A", "B", text])
    assert plan.rows[0].progress == progress


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2023–2025", (2023, 2025)),
        ("2023-2025", (2023, 2025)),
        ("2023 — 2025", (2023, 2025)),
        ("2024", (2024, 2024)),
        ("2024–", (2024, None)),
        ("", (None, None)),
    ],
)
def test_period_column(text: str, years: tuple[int | None, int | None]) -> None:
    plan = plan_with(["Område", "Aktivitet", "Period"], ["A", "B", text])
    row = plan.rows[0]
    assert (row.start_year, row.end_year) == years


def test_start_and_end_columns_win_over_a_period_column() -> None:
    plan = plan_with(["Område", "Aktivitet", "Tid", "Från", "Till"], ["A", "B", "x", "2024", ""])
    assert plan.ignored_columns == ["Tid"]
    assert (plan.rows[0].start_year, plan.rows[0].end_year) == (2024, None)


def test_list_cells_drop_repeats_and_normalise_codes() -> None:
    plan = plan_with(
        ["Område", "Aktivitet", "Mål", "SDG", "Jämställdhetsmål"],
        ["A", "B", "2;1; 2 ;\n3", "5.A 5.a, 17.17.", "3, 3; 1"],
    )
    row = plan.rows[0]
    assert row.goals == ("2", "1", "3")
    assert row.sdg_targets == ("5.a", "17.17")
    assert row.gender_equality_goals == (3, 1)


def test_titles_and_areas_are_one_line_and_areas_keep_their_first_spelling() -> None:
    plan = plan_with(
        ["Område", "Aktivitet"],
        ["Ung  röst", " Råd\n för unga "],
        ["Natur", "Skog"],
        ["ung röst", "Skolval"],
        ["NATUR", "Sjö"],
    )
    assert [(row.area, row.title) for row in plan.rows] == [
        ("Ung röst", "Råd för unga"),
        ("Natur", "Skog"),
        ("Ung röst", "Skolval"),
        ("Natur", "Sjö"),
    ]
    assert plan.areas == ["Ung röst", "Natur"]


def test_areas_come_from_readable_rows_only() -> None:
    plan = plan_with(["Område", "Aktivitet", "Status"], ["C", "x", "??"], ["B", "y", ""])
    assert plan.areas == ["B"]


# --- Row errors ----------------------------------------------------------------------------

BASE_HEADER = [
    "Område",
    "Aktivitet",
    "Ansvarig",
    "Kontaktperson",
    "E-post",
    "Start",
    "Slut",
    "Status",
    "Skäl",
    "Framsteg",
    "Agenda 2030",
    "Jämställdhetsmål",
    "Perspektiv",
]
BASE_ROW = ["A", "B", "", "", "", "", "", "", "", "", "", "", ""]


@pytest.mark.parametrize(
    ("cells", "column", "code", "params"),
    [
        ({"Område": ""}, "Område", "missing_area", {}),
        ({"Område": "x" * 201}, "Område", "too_long", {"length": 201, "limit": 200}),
        ({"Aktivitet": "  "}, "Aktivitet", "missing_title", {}),
        ({"Aktivitet": "x" * 301}, "Aktivitet", "title_too_long", {"length": 301, "limit": 300}),
        ({"Ansvarig": "x" * 201}, "Ansvarig", "too_long", {"length": 201, "limit": 200}),
        ({"Kontaktperson": "x" * 151}, "Kontaktperson", "too_long", {"length": 151, "limit": 150}),
        ({"E-post": "anna@"}, "E-post", "bad_email", {"value": "anna@"}),
        ({"E-post": "anna region.se"}, "E-post", "bad_email", {"value": "anna region.se"}),
        ({"E-post": "a@b"}, "E-post", "bad_email", {"value": "a@b"}),
        ({"Start": "1989"}, "Start", "bad_year", {"value": "1989", "min": 1990, "max": 2100}),
        ({"Slut": "2101"}, "Slut", "bad_year", {"value": "2101", "min": 1990, "max": 2100}),
        ({"Start": "snart"}, "Start", "bad_year", {"value": "snart", "min": 1990, "max": 2100}),
        (
            {"Start": "2025", "Slut": "2024"},
            "Slut",
            "years_out_of_order",
            {"start": 2025, "end": 2024},
        ),
        ({"Status": "kanske"}, "Status", "bad_status", {"value": "kanske"}),
        ({"Status": "uppskjuten"}, "Skäl", "reason_required", {"status": "postponed"}),
        ({"Status": "Avbruten"}, "Skäl", "reason_required", {"status": "cancelled"}),
        ({"Framsteg": "101"}, "Framsteg", "bad_progress", {"value": "101"}),
        ({"Framsteg": "-5"}, "Framsteg", "bad_progress", {"value": "-5"}),
        ({"Framsteg": "40,5 %"}, "Framsteg", "bad_progress", {"value": "40,5 %"}),
        ({"Framsteg": "hälften"}, "Framsteg", "bad_progress", {"value": "hälften"}),
        ({"Agenda 2030": "16"}, "Agenda 2030", "sdg_goal_not_target", {"value": "16"}),
        ({"Agenda 2030": "16.11"}, "Agenda 2030", "unknown_sdg_target", {"value": "16.11"}),
        ({"Agenda 2030": "18"}, "Agenda 2030", "unknown_sdg_target", {"value": "18"}),
        ({"Agenda 2030": "16.7.1"}, "Agenda 2030", "unknown_sdg_target", {"value": "16.7.1"}),
        ({"Agenda 2030": "fred"}, "Agenda 2030", "unknown_sdg_target", {"value": "fred"}),
        ({"Jämställdhetsmål": "7"}, "Jämställdhetsmål", "bad_gender_goal", {"value": "7"}),
        ({"Jämställdhetsmål": "0"}, "Jämställdhetsmål", "bad_gender_goal", {"value": "0"}),
        ({"Jämställdhetsmål": "makt"}, "Jämställdhetsmål", "bad_gender_goal", {"value": "makt"}),
        ({"Perspektiv": "ekonomi"}, "Perspektiv", "unknown_perspective", {"value": "ekonomi"}),
    ],
)
def test_row_errors(cells: dict[str, str], column: str, code: str, params: dict[str, Any]) -> None:
    bad = ["A", "X", *BASE_ROW[2:]]
    for name, value in cells.items():
        bad[BASE_HEADER.index(name)] = value
    plan = plan_with(BASE_HEADER, BASE_ROW, bad, ["A", "C", *BASE_ROW[2:]])
    assert errors_of(plan) == [(3, column, code, params)]
    assert [row.row for row in plan.rows] == [2, 4]


def test_reason_required_names_the_status_column_when_there_is_no_reason_column() -> None:
    plan = plan_with(["Område", "Aktivitet", "Status"], ["A", "B", "uppskjuten"])
    assert errors_of(plan) == [(2, "Status", "reason_required", {"status": "postponed"})]
    assert plan.rows == []


def test_period_errors() -> None:
    plan = plan_with(
        ["Område", "Aktivitet", "Period"],
        ["A", "B", "2025–2023"],
        ["A", "C", "1980-1990"],
        ["A", "D", "sen"],
    )
    assert errors_of(plan) == [
        (2, "Period", "years_out_of_order", {"start": 2025, "end": 2023}),
        (3, "Period", "bad_year", {"value": "1980-1990", "min": 1990, "max": 2100}),
        (4, "Period", "bad_year", {"value": "sen", "min": 1990, "max": 2100}),
    ]


def test_duplicate_activity_is_reported_on_the_later_row() -> None:
    plan = plan_with(
        ["Område", "Aktivitet"],
        ["Demokrati", "Dialog med unga"],
        ["Hälsa", "Dialog med unga"],
        ["demokrati ", "dialog  MED unga"],
    )
    assert [row.row for row in plan.rows] == [2, 3]
    assert errors_of(plan) == [
        (
            4,
            "Aktivitet",
            "duplicate_activity",
            {"area": "Demokrati", "title": "dialog MED unga", "first_row": 2},
        )
    ]


def test_a_row_reports_all_its_errors_in_column_order() -> None:
    header = ["Perspektiv", "Aktivitet", "Område", "Status", "Agenda 2030"]
    plan = plan_with(header, ["havet", "", "", "x", "16, 16.7, 99.1"])
    assert errors_of(plan) == [
        (2, "Perspektiv", "unknown_perspective", {"value": "havet"}),
        (2, "Aktivitet", "missing_title", {}),
        (2, "Område", "missing_area", {}),
        (2, "Status", "bad_status", {"value": "x"}),
        (2, "Agenda 2030", "sdg_goal_not_target", {"value": "16"}),
        (2, "Agenda 2030", "unknown_sdg_target", {"value": "99.1"}),
    ]
    assert plan.rows == []
    assert plan.error_rows == [2]


def test_every_parser_row_error_code_is_covered_above() -> None:
    covered = {
        "missing_area",
        "missing_title",
        "title_too_long",
        "too_long",
        "bad_year",
        "years_out_of_order",
        "bad_status",
        "reason_required",
        "bad_progress",
        "bad_email",
        "sdg_goal_not_target",
        "unknown_sdg_target",
        "bad_gender_goal",
        "unknown_perspective",
        "duplicate_activity",
    }
    assert {PREFIX + code for code in covered} == PARSER_ROW_ERROR_CODES
    assert ROW_ERROR_CODES == PARSER_ROW_ERROR_CODES | {
        PREFIX + "unknown_goal",
        PREFIX + "already_in_plan",
    }
    assert ERROR_CODES == FILE_ERROR_CODES | ROW_ERROR_CODES


# --- File errors ---------------------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "code", "params"),
    [
        (b"", "plan.csv", "empty", {}),
        (b" \r\n\t\n", "plan.csv", "empty", {}),
        (b";;;\n;;\n\t\t\n", "plan.csv", "empty", {}),
        (codecs.BOM_UTF8, "plan.csv", "empty", {}),
        (b"Omr\x81de;Aktivitet\n", "plan.csv", "unreadable_encoding", {}),
        (b"%PDF-1.7 ...", "plan.pdf", "unsupported_format", {"detected": "pdf"}),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
            "plan.xls",
            "unsupported_format",
            {"detected": "xls"},
        ),
        (b"\x00\x01\x02binary", "plan.bin", "unsupported_format", {"detected": "binary"}),
        (b'{"rows": []}', "plan.json", "unsupported_format", {"detected": "json"}),
        (b"<!DOCTYPE html><html></html>", "plan.csv", "unsupported_format", {"detected": "html"}),
        (docx_bytes(), "plan.docx", "unsupported_format", {"detected": "docx"}),
        (b"PK\x03\x04 not really a zip", "plan.xlsx", "bad_xlsx", {}),
        (b"Omrade;Aktivitet\nA;B\n", "plan.xlsx", "bad_xlsx", {}),
        (b"1;2;3\n4;5;6\n", "plan.csv", "no_header", {}),
        (
            "Område;Beskrivning\nA;B\n".encode(),
            "plan.csv",
            "missing_column",
            {"column": "title", "names": ["aktivitet", "insats", "åtgärd", "activity", "title"]},
        ),
        (
            b"Aktivitet\nA\n",
            "plan.csv",
            "missing_column",
            {
                "column": "area",
                "names": ["område", "insatsområde", "fokusområde", "area", "focus area"],
            },
        ),
        ("Område;Aktivitet\n;\n".encode(), "plan.csv", "no_rows", {}),
        (
            'Område;Aktivitet\nA;"'.encode() + b"x" * 200_000 + b'"\n',
            "plan.csv",
            "bad_csv",
            {"line": 2, "detail": "field larger than field limit (131072)"},
        ),
    ],
)
def test_file_errors(data: bytes, filename: str, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(PlanFileError) as caught:
        read_plan(data, filename)
    assert (caught.value.code, caught.value.params) == (PREFIX + code, params)
    assert isinstance(caught.value, ValidationFailed) and caught.value.status == 400
    assert str(caught.value)


def test_xlsx_file_errors() -> None:
    empty = xlsx_bytes([])
    with pytest.raises(PlanFileError) as caught:
        read_plan(empty, "plan.xlsx")
    assert caught.value.code == PREFIX + "empty"
    with pytest.raises(PlanFileError) as caught:
        read_plan(xlsx_bytes([["Område", "Vad"], ["A", "B"]]), "plan.xlsx")
    assert caught.value.params["column"] == "title"


def test_row_limit() -> None:
    rows = [["A", f"Aktivitet {n}"] for n in range(MAX_ROWS)]
    plan = plan_with(["Område", "Aktivitet"], *rows)
    assert len(plan.rows) == MAX_ROWS
    assert plan.rows[-1].row == MAX_ROWS + 1
    with pytest.raises(PlanFileError) as caught:
        plan_with(["Område", "Aktivitet"], *rows, ["A", "En för mycket"])
    assert (caught.value.code, caught.value.params) == (PREFIX + "too_many_rows", {"limit": 2000})


def test_error_classes_refuse_unknown_codes() -> None:
    with pytest.raises(ValueError, match="unknown plan file error code"):
        PlanFileError(PREFIX + "bad_status")
    with pytest.raises(ValueError, match="unknown plan row error code"):
        RowError(2, "Status", PREFIX + "empty", {})
    error = PlanFileError(PREFIX + "missing_column", column="area", names=["område"])
    assert str(error) == "followup.planfile.missing_column(column='area', names=['område'])"
    assert str(RowError(3, "Status", PREFIX + "bad_status", {"value": "x"})) == (
        "row 3, column “Status”: followup.planfile.bad_status(value='x')"
    )


def test_a_row_error_without_the_prefix_gets_it() -> None:
    """As stored with a plan import before the codes had one, and as the Django side adds."""
    assert RowError(3, "Mål", "unknown_goal", {"numbers": "9"}).code == PREFIX + "unknown_goal"
    stored = {"row": 4, "column": "Aktivitet", "code": "missing_title", "params": {}}
    assert RowError.from_dict(stored).code == PREFIX + "missing_title"


# --- Storing between preview and confirmation ----------------------------------------------


def test_rows_and_errors_survive_json() -> None:
    plan = plan_with(SWEDISH_HEADER, FIRST, SECOND, ["A", "", *FIRST[2:]])
    stored = json.loads(json.dumps([row.to_dict() for row in plan.rows]))
    assert stored[0]["sdg_targets"] == ["16.7", "5.5", "10.2"]
    assert [PlanRow.from_dict(item) for item in stored] == [FIRST_ROW, SECOND_ROW]
    errors = json.loads(json.dumps([error.to_dict() for error in plan.errors]))
    assert errors == [
        {"row": 4, "column": "Aktivitet", "code": PREFIX + "missing_title", "params": {}}
    ]
    assert [RowError.from_dict(item) for item in errors] == plan.errors


def test_from_dict_defaults_optional_fields() -> None:
    row = PlanRow.from_dict({"area": "A", "title": "B", "row": 5})
    assert row == PlanRow(
        "A", "B", "", "", "", "", None, None, "not_started", "", None, (), (), (), (), 5
    )


# --- Purity --------------------------------------------------------------------------------


def test_statuses_are_the_five_codes() -> None:
    assert ACTIVITY_STATUSES == ("not_started", "ongoing", "done", "postponed", "cancelled")


def test_the_parser_does_not_import_django() -> None:
    code = (
        "import sys; from delaktig.followup.imports.planfile import read_plan; "
        "plan = read_plan('Område;Aktivitet;SDG\\nA;B;16.7\\n'.encode(), 'p.csv'); "
        "assert plan.rows[0].sdg_targets == ('16.7',), plan; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
