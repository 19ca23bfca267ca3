"""Reading indicator values: simple tables, Kolada tables and Kolada's JSON, all or nothing."""

import codecs
import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from delaktig.core.errors import ValidationFailed
from delaktig.followup.imports import indicatorfile
from delaktig.followup.imports.indicatorfile import (
    ERROR_CODES,
    FILE_ERROR_CODES,
    MAX_REPORTED_ERRORS,
    MAX_ROWS,
    ROW_ERROR_CODES,
    IndicatorFile,
    IndicatorFileError,
    IndicatorRowError,
    ValueRow,
    parse_municipality,
    parse_sex,
    parse_value,
    read_indicator_values,
)

SRC = Path(__file__).parent.parent / "src"
P = "followup.indicatorfile."


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, percent_cells: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for name in percent_cells:
        sheet[name].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kolada_json(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"count": len(entries), "values": list(entries)}).encode()


def entry(
    period: Any = 2020, municipality: Any = "0180", kpi: Any = "N00945", **values: Any
) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "municipality": municipality,
        "period": period,
        "values": [
            {"gender": gender, "count": 1, "status": "", "value": value}
            for gender, value in values.items()
        ],
    }


def row(
    line: int,
    year: int,
    value: str,
    sex: str = "alla",
    *,
    kpi: str | None = None,
    municipality: str | None = None,
    note: str = "",
) -> ValueRow:
    return ValueRow(line, kpi, municipality, year, sex, Decimal(value), note)


def failure(data: bytes, filename: str = "values.csv") -> IndicatorFileError:
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_values(data, filename)
    return caught.value


def row_errors(data: bytes, filename: str = "values.csv") -> list[tuple[int, str, dict[str, Any]]]:
    """The rows' errors, their codes without the prefix every one has."""
    error = failure(data, filename)
    assert error.code == P + "rows_invalid"
    assert all(item.code.startswith(P) for item in error.errors)
    return [(item.line, item.code.removeprefix(P), item.params) for item in error.errors]


# --- Simple tables -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_simple_swedish_table_with_each_delimiter(delimiter: str) -> None:
    data = csv_bytes(
        [
            ["År", "Värde", "Kön", "Kommentar"],
            ["2021", "12.5", "", "Preliminärt"],
            ["2022", "13", "Kvinnor", ""],
            ["2022", "11", "män", ""],
        ],
        delimiter,
    )
    result = read_indicator_values(data, "values.csv")
    assert result == IndicatorFile(
        rows=[
            row(2, 2021, "12.5", note="Preliminärt"),
            row(3, 2022, "13", "kvinna"),
            row(4, 2022, "11", "man"),
        ],
        format="csv",
        kpis=set(),
        skipped=0,
        ignored_columns=[],
    )


def test_english_headers_municipalities_and_ignored_columns() -> None:
    data = csv_bytes(
        [
            ["Municipality", "Year", "Sex", "Value", "Source"],
            ["180", "2020", "female", "1", "SCB"],
            ["0180 Stockholm", "2020", "Male", "2", "SCB"],
            ["2303", "2021", "Total", "3", "SCB"],
        ],
        ",",
    )
    result = read_indicator_values(data, "values.csv")
    assert result.rows == [
        row(2, 2020, "1", "kvinna", municipality="0180"),
        row(3, 2020, "2", "man", municipality="0180"),
        row(4, 2021, "3", municipality="2303"),
    ]
    assert result.ignored_columns == ["Source"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1\u202f234", "1234"),
        ("-0,25", "-0.25"),
        ("\u22123", "-3"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("45 %", "45"),
        ("0", "0"),
        (",5", "0.5"),
    ],
)
def test_numbers(text: str, value: str) -> None:
    data = csv_bytes([["år", "värde"], ["2020", text]])
    (parsed,) = read_indicator_values(data, "values.csv").rows
    assert parsed.value == Decimal(value)
    assert str(parsed.value) == value


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.2.3", "12a", "NaN", "Infinity", "..", "-"])
def test_parse_value_refuses(text: str) -> None:
    assert parse_value(text) is None


def test_parse_value_from_json_types() -> None:
    assert parse_value(7) == Decimal(7)
    assert parse_value(Decimal("1.50")) == Decimal("1.50")
    assert parse_value(2.5) == Decimal("2.5")
    assert parse_value(True) is None
    assert parse_value(None) is None
    assert parse_value(float("nan")) is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("", "alla"),
        ("T", "alla"),
        ("t", "alla"),
        ("totalt", "alla"),
        ("Alla", "alla"),
        ("total", "alla"),
        ("K", "kvinna"),
        ("kvinnor", "kvinna"),
        ("Kvinna", "kvinna"),
        ("women", "kvinna"),
        ("Female", "kvinna"),
        ("M", "man"),
        ("män", "man"),
        ("man", "man"),
        ("Men", "man"),
        ("male", "man"),
        ("x", None),
        ("båda", None),
    ],
)
def test_sexes(text: str, sex: str | None) -> None:
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0180", "0180"),
        ("180", "0180"),
        (180, "0180"),
        ("2303 Ragunda", "2303"),
        (" 2380 ", "2380"),
        ("18", None),
        ("01801", None),
        ("Stockholm", None),
        ("G33860", None),
        (True, None),
        (None, None),
    ],
)
def test_municipality_codes(raw: object, code: str | None) -> None:
    assert parse_municipality(raw) == code


def test_rows_without_a_value_are_skipped_and_counted() -> None:
    data = csv_bytes([["år", "värde"], ["2019", ""], ["2020", "5"], ["", ""], ["2021", " "]])
    result = read_indicator_values(data, "values.csv")
    assert result.rows == [row(3, 2020, "5")]
    assert result.skipped == 2


def test_encodings() -> None:
    text = "År;Värde;Kön;Kommentar\n2020;1,5;Kvinnor;Östra delen\n"
    expected = [row(2, 2020, "1.5", "kvinna", note="Östra delen")]
    for data in (
        text.encode("cp1252"),
        codecs.BOM_UTF8 + text.encode(),
        text.encode("utf-16"),
    ):
        assert read_indicator_values(data, "values.csv").rows == expected


def test_xlsx_with_numbers_dates_and_percentages() -> None:
    data = xlsx_bytes(
        [
            ["Kommunkod", "År", "Kön", "Värde"],
            [180, 2020, "K", 12.3],
            [180, 2021.0, "M", 0.125],
            [None, None, None, None],
            [2303, "2022", "T", "1 234,5"],
        ],
        percent_cells=("D3",),
    )
    result = read_indicator_values(data, "värden.xlsx")
    assert result.format == "xlsx"
    assert result.rows == [
        row(2, 2020, "12.3", "kvinna", municipality="0180"),
        row(3, 2021, "12.5", "man", municipality="0180"),
        row(5, 2022, "1234.5", municipality="2303"),
    ]


# --- Kolada --------------------------------------------------------------------------------


def test_kolada_table() -> None:
    data = csv_bytes(
        [
            ["kpi", "municipality", "period", "gender", "value", "count", "status"],
            ["N00945", "0180", "2020", "T", "12.3", "1", ""],
            ["N00945", "0180", "2020", "K", "13.1", "1", ""],
            ["N00945", "0180", "2020", "M", "11.6", "1", ""],
            ["N00945", "1480", "2020", "T", "", "0", "Missing"],
            ["U00405", "1480", "2021", "T", "7", "1", ""],
        ],
        ",",
    )
    result = read_indicator_values(data, "kolada.csv")
    assert result.rows == [
        row(2, 2020, "12.3", kpi="N00945", municipality="0180"),
        row(3, 2020, "13.1", "kvinna", kpi="N00945", municipality="0180"),
        row(4, 2020, "11.6", "man", kpi="N00945", municipality="0180"),
        row(6, 2021, "7", kpi="U00405", municipality="1480"),
    ]
    assert result.kpis == {"N00945", "U00405"}
    assert result.skipped == 1
    assert result.ignored_columns == ["count", "status"]


def test_kolada_table_with_municipality_id_and_swedish_kpi_header() -> None:
    data = csv_bytes(
        [["Nyckeltal", "municipality_id", "period", "Värde"], ["N1", "114", "2024", "3"]]
    )
    assert read_indicator_values(data, "k.csv").rows == [
        row(2, 2024, "3", kpi="N1", municipality="0114")
    ]


def test_kolada_json() -> None:
    data = kolada_json(
        entry(2020, T=12.3, K=13.1, M=None),
        entry(2021, municipality="1480", T=None),
        entry(2021, T=1234567.125),
    )
    result = read_indicator_values(data, "kolada.json")
    assert result == IndicatorFile(
        rows=[
            row(1, 2020, "12.3", kpi="N00945", municipality="0180"),
            row(1, 2020, "13.1", "kvinna", kpi="N00945", municipality="0180"),
            row(3, 2021, "1234567.125", kpi="N00945", municipality="0180"),
        ],
        format="json",
        kpis={"N00945"},
        skipped=2,
        ignored_columns=[],
    )


def test_kolada_json_as_a_bare_list_and_with_string_fields() -> None:
    data = json.dumps([entry("2019", 180, None, T="4,5")]).encode()
    assert read_indicator_values(data, "x.json").rows == [row(1, 2019, "4.5", municipality="0180")]


def test_kolada_json_row_errors() -> None:
    data = kolada_json(
        entry(1800, T=1),
        entry(2020, "Stockholm", X=1),
        {"kpi": "N1", "period": 2020},
        entry(2021, T="mycket"),
    )
    assert row_errors(data, "k.json") == [
        (1, "bad_year", {"value": "1800", "min": 1900, "max": 2100}),
        (2, "bad_sex", {"value": "X"}),
        (2, "bad_municipality", {"value": "Stockholm"}),
        (3, "bad_entry", {}),
        (4, "bad_value", {"value": "mycket"}),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"values": [', "invalid_json"),
        (b'{"kpi": []}', "unknown_json"),
        (b'{"values": [{"id": "N00945", "title": "Andel"}]}', "unknown_json"),
        (b"[1, 2]", "unknown_json"),
        (b'{"values": []}', "no_rows"),
    ],
)
def test_json_file_errors(data: bytes, code: str) -> None:
    assert failure(data, "k.json").code == P + code


def test_kolada_json_with_only_missing_values_has_no_rows() -> None:
    assert failure(kolada_json(entry(T=None, K=None)), "k.json").code == P + "no_rows"


# --- All or nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "code", "params"),
    [
        ({"år": "tjugo"}, "bad_year", {"value": "tjugo", "min": 1900, "max": 2100}),
        ({"år": "1899"}, "bad_year", {"value": "1899", "min": 1900, "max": 2100}),
        ({"år": ""}, "bad_year", {"value": "", "min": 1900, "max": 2100}),
        ({"värde": "tolv"}, "bad_value", {"value": "tolv"}),
        ({"värde": "10000000000"}, "value_too_large", {"value": "10000000000"}),
        ({"kön": "b"}, "bad_sex", {"value": "b"}),
        ({"kommun": "Uppsala"}, "bad_municipality", {"value": "Uppsala"}),
        ({"kommun": "12"}, "bad_municipality", {"value": "12"}),
        ({"kpi": "N 00945"}, "bad_kpi", {"value": "N 00945"}),
        ({"kpi": "N" * 21}, "bad_kpi", {"value": "N" * 21}),
        ({"kommentar": "x" * 301}, "too_long", {"length": 301, "limit": 300}),
    ],
)
def test_one_bad_row_spoils_the_file(
    cells: dict[str, str], code: str, params: dict[str, Any]
) -> None:
    header = ["kpi", "kommun", "år", "kön", "värde", "kommentar"]
    good = ["N1", "0180", "2020", "T", "1", ""]
    bad = ["N1", "0180", "2021", "T", "2", ""]
    for name, value in cells.items():
        bad[header.index(name)] = value
    error = failure(csv_bytes([header, good, bad, ["N1", "0180", "2022", "T", "3", ""]]))
    assert (error.code, error.params) == (P + "rows_invalid", {"count": 1, "shown": 1})
    assert error.errors == [IndicatorRowError(3, P + code, params)]
    assert error.errors == [(3, P + code, params)]


def test_duplicates() -> None:
    data = csv_bytes(
        [
            ["Kommun", "År", "Kön", "Värde"],
            ["0180", "2020", "T", "1"],
            ["0180", "2020", "K", "1"],
            ["1480", "2020", "T", "1"],
            ["180", "2020", "totalt", "2"],
            ["", "2020", "", "3"],
            ["", "2020", "alla", "4"],
        ]
    )
    assert row_errors(data) == [
        (
            5,
            "duplicate_value",
            {"kpi": "", "municipality": "0180", "year": 2020, "sex": "alla", "first_line": 2},
        ),
        (
            7,
            "duplicate_value",
            {"kpi": "", "municipality": "", "year": 2020, "sex": "alla", "first_line": 6},
        ),
    ]


def test_the_same_year_for_different_kpis_is_no_duplicate() -> None:
    data = csv_bytes([["KPI", "År", "Värde"], ["N1", "2020", "1"], ["N2", "2020", "1"]])
    assert len(read_indicator_values(data, "v.csv").rows) == 2


def test_all_errors_are_counted_but_only_the_first_are_listed() -> None:
    rows = [["år", "värde"]] + [["2020", "x"] for _ in range(MAX_REPORTED_ERRORS + 10)]
    error = failure(csv_bytes(rows))
    assert error.params == {"count": 60, "shown": 50}
    assert len(error.errors) == MAX_REPORTED_ERRORS
    assert error.errors[0] == (2, P + "bad_value", {"value": "x"})
    assert error.errors[-1].line == 51


def test_several_errors_on_one_line_are_all_reported() -> None:
    data = csv_bytes([["år", "kön", "värde"], ["nu", "?", "ett"]])
    assert row_errors(data) == [
        (2, "bad_year", {"value": "nu", "min": 1900, "max": 2100}),
        (2, "bad_value", {"value": "ett"}),
        (2, "bad_sex", {"value": "?"}),
    ]


# --- File errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "code", "params"),
    [
        (b"", "v.csv", "empty", {}),
        (b"\n\n", "v.csv", "empty", {}),
        (b"\xe5r;v\x81rde\n", "v.csv", "unreadable_encoding", {}),
        (b"%PDF-1.4", "v.pdf", "unsupported_format", {"detected": "pdf"}),
        (b"<html><body></body></html>", "v.html", "unsupported_format", {"detected": "html"}),
        (b"not a workbook", "v.xlsx", "bad_xlsx", {}),
        (b"a;b\n1;2\n", "v.csv", "no_header", {}),
        (
            "år;antal\n2020;1\n".encode(),
            "v.csv",
            "missing_column",
            {"column": "value", "names": ["värde", "value"]},
        ),
        (
            "kommun;värde\n0180;1\n".encode(),
            "v.csv",
            "missing_column",
            {"column": "year", "names": ["år", "year", "period", "tid"]},
        ),
        ("år;värde\n".encode(), "v.csv", "no_rows", {}),
        ("år;värde\n2020;\n".encode(), "v.csv", "no_rows", {}),
    ],
)
def test_file_errors(data: bytes, filename: str, code: str, params: dict[str, Any]) -> None:
    error = failure(data, filename)
    assert (error.code, error.params, error.errors) == (P + code, params, [])


def test_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_ROWS == 100_000
    monkeypatch.setattr(indicatorfile, "MAX_ROWS", 5)
    lines = ["år;kommun;värde"] + [f"2020;{n:04d};1" for n in range(5)]
    assert len(read_indicator_values("\n".join(lines).encode(), "v.csv").rows) == 5
    error = failure(("\n".join(lines) + "\n\n2021;0001;1").encode())
    assert (error.code, error.params) == (P + "too_many_rows", {"limit": 5})
    entries = [entry(2000 + n, T=1) for n in range(3)] + [entry(2010, T=1, K=2, M=3)]
    error = failure(kolada_json(*entries), "k.json")
    assert (error.code, error.params) == (P + "too_many_rows", {"limit": 5})


def test_error_classes() -> None:
    with pytest.raises(ValueError, match="unknown indicator file error code"):
        IndicatorFileError(P + "bad_value")
    with pytest.raises(ValueError, match="unknown indicator file error code"):
        IndicatorFileError("no_rows")
    with pytest.raises(ValueError, match="unknown indicator row error code"):
        IndicatorFileError(P + "rows_invalid", errors=[IndicatorRowError(2, P + "empty", {})])
    error = IndicatorFileError(
        P + "rows_invalid",
        errors=[IndicatorRowError(4, P + "bad_sex", {"value": "x"})],
        count=1,
        shown=1,
    )
    assert isinstance(error, ValidationFailed) and error.status == 400
    assert str(error) == "followup.indicatorfile.rows_invalid(count=1, shown=1)"
    assert error.errors == [(4, P + "bad_sex", {"value": "x"})]
    assert ERROR_CODES == FILE_ERROR_CODES | ROW_ERROR_CODES
    assert ROW_ERROR_CODES == {
        P + code
        for code in (
            "bad_year",
            "bad_value",
            "value_too_large",
            "bad_sex",
            "bad_municipality",
            "bad_kpi",
            "too_long",
            "bad_entry",
            "duplicate_value",
        )
    }


def test_rows_and_errors_survive_json() -> None:
    value = row(3, 2020, "12.3400", "kvinna", kpi="N1", municipality="0180", note="n")
    stored = json.loads(json.dumps(value.to_dict()))
    assert stored["value"] == "12.3400"
    assert ValueRow.from_dict(stored) == value
    assert str(ValueRow.from_dict(stored).value) == "12.3400"
    error = IndicatorRowError(2, P + "bad_value", {"value": "x"})
    assert IndicatorRowError.from_dict(json.loads(json.dumps(error.to_dict()))) == error


def test_the_parser_does_not_import_django() -> None:
    code = (
        "import sys; from delaktig.followup.imports.indicatorfile import read_indicator_values; "
        "assert len(read_indicator_values(b'ar;varde\\n2020;1\\n', 'v.csv').rows) == 1; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
