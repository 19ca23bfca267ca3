"""Read indicator values from CSV, XLSX or Kolada's JSON. No Django here.

All or nothing: :func:`read_indicator_values` returns an :class:`IndicatorFile` only when
every row can be read. Otherwise it raises :class:`IndicatorFileError`: with the code of a
file-level problem, or with ``followup.indicatorfile.rows_invalid`` and
:attr:`IndicatorFileError.errors` listing the rows' problems (the first
:data:`MAX_REPORTED_ERRORS`; ``params["count"]`` has them all).

Formats
-------
1. A table (CSV or the first sheet of an XLSX file, read by :mod:`delaktig.core.tables` as
   every file importer reads them) with a year and a value column, and optionally sex,
   municipality, note and KPI columns; see :data:`COLUMNS`.
2. Kolada's tables are the same with the columns ``kpi``, ``municipality``, ``period``,
   ``gender`` (``T``, ``K``, ``M``) and ``value``.
3. Kolada's API answer (v2 and v3): ``{"values": [{"kpi": "N00945", "municipality": "0180",
   "period": 2020, "values": [{"gender": "K", "count": 1, "status": "", "value": 12.3}]}]}``,
   or the list under ``values`` alone.

Values
------
Numbers take a decimal comma or point and spaces (also non-breaking) between thousands:
``"1 234,5"``; a trailing ``%`` is dropped. A missing value (an empty cell, a ``null`` in
Kolada's JSON) skips its row, counted in :attr:`IndicatorFile.skipped`. Sexes are
``"alla"``, ``"kvinna"`` and ``"man"``; an empty sex is the total. Municipalities are
four-digit kommunkoder (a three-digit code gets its leading zero back; "0180 Stockholm" is
read as 0180). The same KPI, municipality, year and sex twice is an error.

Line numbers are those a spreadsheet shows; for JSON, the position (from 1) of the entry in
``values``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final, NamedTuple

from delaktig.core.errors import ValidationFailed
from delaktig.core.tables import (
    TABLE_ERROR_CODES,
    Table,
    TableError,
    alias_table,
    decode_text,
    header_key,
    looks_like_xlsx,
    map_columns,
    read_csv,
    read_xlsx,
    text_kind,
)

from .planfile import parse_year

__all__ = [
    "COLUMNS",
    "ERROR_CODES",
    "FILE_ERROR_CODES",
    "MAX_REPORTED_ERRORS",
    "MAX_ROWS",
    "ROW_ERROR_CODES",
    "SEXES",
    "IndicatorFile",
    "IndicatorFileError",
    "IndicatorRowError",
    "ValueRow",
    "parse_municipality",
    "parse_sex",
    "parse_value",
    "read_indicator_values",
]

SEXES: Final = ("alla", "kvinna", "man")
MAX_ROWS: Final = 100_000
MAX_REPORTED_ERRORS: Final = 50
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100
# IndicatorValue.value is max_digits=14, decimal_places=4.
MAX_ABS_VALUE: Final = Decimal(10) ** 10
MAX_NOTE: Final = 300
MAX_KPI: Final = 20

# --- Errors --------------------------------------------------------------------------------

# The codes; imports.messages holds their messages (in the one catalogue of error messages).
_PREFIX: Final = "followup.indicatorfile."
FILE_ERROR_CODES: Final[frozenset[str]] = frozenset(
    _PREFIX + code
    for code in (
        *TABLE_ERROR_CODES,
        "missing_column",  # column, names
        "no_rows",
        "invalid_json",
        "unknown_json",
        "rows_invalid",  # count, shown
    )
)
ROW_ERROR_CODES: Final[frozenset[str]] = frozenset(
    _PREFIX + code
    for code in (
        "bad_year",  # value, min, max
        "bad_value",  # value
        "value_too_large",  # value
        "bad_sex",  # value
        "bad_municipality",  # value
        "bad_kpi",  # value
        "too_long",  # length, limit
        "bad_entry",
        "duplicate_value",  # year, sex, municipality, kpi, first_line
    )
)
ERROR_CODES: Final[frozenset[str]] = FILE_ERROR_CODES | ROW_ERROR_CODES


class IndicatorRowError(NamedTuple):
    """One row's problem: a ``(line, code, params)`` tuple. Data, not an exception; shown
    through the same catalogue as the errors."""

    line: int
    code: str
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "params": self.params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndicatorRowError:
        return cls(int(data["line"]), str(data["code"]), dict(data.get("params") or {}))


class IndicatorFileError(ValidationFailed):
    """Nothing in the file can be imported; ``code`` and ``params`` say why.

    For ``rows_invalid``, ``errors`` lists the rows' problems (at most
    :data:`MAX_REPORTED_ERRORS`) and ``params`` has ``count`` (all of them) and ``shown``.
    """

    errors: list[IndicatorRowError]

    def __init__(
        self, code: str, *, errors: Sequence[IndicatorRowError] = (), **params: Any
    ) -> None:
        if code not in FILE_ERROR_CODES:
            raise ValueError(f"unknown indicator file error code {code!r}")
        for error in errors:
            if error.code not in ROW_ERROR_CODES:
                raise ValueError(f"unknown indicator row error code {error.code!r}")
        super().__init__(code, **params)
        self.errors = list(errors)

    @property
    def message(self) -> str:
        """The file's error, then each reported row's on a line of its own."""
        from .messages import indicator_row_message  # Django's translations, when asked

        return "\n".join([super().message] + [indicator_row_message(e) for e in self.errors])

    @classmethod
    def from_table(cls, error: TableError) -> IndicatorFileError:
        """The table reader's refusal as the indicator file's."""
        return cls(_PREFIX + error.code, **error.params)


# --- Result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    line: int
    kpi: str | None  # e.g. "N00945"
    municipality_code: str | None  # four digits, e.g. "0180"
    year: int
    sex: str  # one of SEXES
    value: Decimal
    note: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; the value as a string to keep it exact."""
        return {
            "line": self.line,
            "kpi": self.kpi,
            "municipality_code": self.municipality_code,
            "year": self.year,
            "sex": self.sex,
            "value": str(self.value),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValueRow:
        kpi, municipality = data.get("kpi"), data.get("municipality_code")
        return cls(
            line=int(data["line"]),
            kpi=None if kpi is None else str(kpi),
            municipality_code=None if municipality is None else str(municipality),
            year=int(data["year"]),
            sex=str(data["sex"]),
            value=Decimal(str(data["value"])),
            note=str(data.get("note", "")),
        )


@dataclass
class IndicatorFile:
    rows: list[ValueRow]  # in file order
    format: str  # "csv", "xlsx" or "json"
    kpis: set[str]  # the KPIs the rows name
    skipped: int = 0  # rows without a value
    ignored_columns: list[str] = field(default_factory=list)  # headers as written


# --- Columns and words ---------------------------------------------------------------------

COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "year": ("år", "year", "period", "tid"),
    "value": ("värde", "value"),
    "sex": ("kön", "sex", "gender"),
    "municipality": (
        "kommun",
        "kommunkod",
        "municipality",
        "municipality_id",
        "municipality code",
    ),
    "note": ("kommentar", "anmärkning", "note", "comment"),
    "kpi": ("kpi", "kpi_id", "nyckeltal", "nyckeltals-id"),
}
REQUIRED: Final = ("year", "value")
_HEADERS: Final = alias_table(COLUMNS)

_SEX_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "alla": ("t", "tot", "totalt", "total", "alla", "samtliga", "båda könen", "both sexes"),
    "kvinna": ("k", "kvinnor", "kvinna", "flickor", "women", "woman", "female", "girls"),
    "man": ("m", "män", "man", "pojkar", "men", "male", "boys"),
}
_SEXES: Final = {header_key(word): sex for sex, words in _SEX_WORDS.items() for word in words}

_SPACES: Final = re.compile(r"[\s\u00a0\u2007\u2009\u202f']+")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_MUNICIPALITY: Final = re.compile(r"(\d{3,4})(?:\s+\D.*)?", flags=re.DOTALL)


def parse_value(raw: object) -> Decimal | None:
    """A number from a cell or JSON: "1 234,5", "12.5", "40 %", 12, Decimal; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal | float):
        number = Decimal(str(raw))
        return number if number.is_finite() else None
    if not isinstance(raw, str):
        return None
    text = _SPACES.sub("", raw.replace("\u2212", "-")).removesuffix("%")
    if "," in text and "." in text:
        # Whichever comes last is the decimal mark; the other separates thousands.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_sex(raw: str) -> str | None:
    """ "alla", "kvinna" or "man"; an empty text is the total. None when not understood."""
    if not raw.strip():
        return "alla"
    return _SEXES.get(header_key(raw))


def parse_municipality(raw: object) -> str | None:
    """A four-digit kommunkod from "0180", "180", 180 or "0180 Stockholm"; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    match = _MUNICIPALITY.fullmatch(raw.strip())
    return match[1].zfill(4) if match else None


# --- Reading -------------------------------------------------------------------------------


class _Collector:
    """Gathers rows and errors, and checks for repeats."""

    def __init__(self) -> None:
        self.rows: list[ValueRow] = []
        self.errors: list[IndicatorRowError] = []
        self.skipped = 0
        self.seen: dict[tuple[str | None, str | None, int, str], int] = {}

    def error(self, line: int, code: str, **params: Any) -> None:
        self.errors.append(IndicatorRowError(line, code, params))

    def add(
        self,
        line: int,
        *,
        kpi_raw: str,
        municipality_raw: object,
        year_raw: object,
        sex_raw: str,
        value_raw: object,
        note: str,
    ) -> None:
        """Check one value and keep it, or record what is wrong with it."""
        errors_before = len(self.errors)
        year = _year(year_raw)
        if year is None:
            self.error(
                line,
                "followup.indicatorfile.bad_year",
                value=_shown(year_raw),
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        value = parse_value(value_raw)
        if value is None:
            self.error(line, "followup.indicatorfile.bad_value", value=_shown(value_raw))
        elif abs(value) >= MAX_ABS_VALUE:
            self.error(line, "followup.indicatorfile.value_too_large", value=_shown(value_raw))
        sex = parse_sex(sex_raw)
        if sex is None:
            self.error(line, "followup.indicatorfile.bad_sex", value=sex_raw)
        municipality: str | None = None
        if municipality_raw is not None and _shown(municipality_raw) != "":
            municipality = parse_municipality(municipality_raw)
            if municipality is None:
                self.error(
                    line, "followup.indicatorfile.bad_municipality", value=_shown(municipality_raw)
                )
        kpi = kpi_raw.strip() or None
        if kpi is not None and (len(kpi) > MAX_KPI or any(c.isspace() for c in kpi)):
            self.error(line, "followup.indicatorfile.bad_kpi", value=kpi)
        if len(note) > MAX_NOTE:
            self.error(line, "followup.indicatorfile.too_long", length=len(note), limit=MAX_NOTE)
        if len(self.errors) > errors_before or year is None or value is None or sex is None:
            return
        key = (kpi, municipality, year, sex)
        first = self.seen.setdefault(key, line)
        if first != line:
            self.error(
                line,
                "followup.indicatorfile.duplicate_value",
                kpi=kpi or "",
                municipality=municipality or "",
                year=year,
                sex=sex,
                first_line=first,
            )
            return
        self.rows.append(ValueRow(line, kpi, municipality, year, sex, value, note))

    def result(self, file_format: str, ignored: list[str]) -> IndicatorFile:
        if self.errors:
            raise IndicatorFileError(
                "followup.indicatorfile.rows_invalid",
                errors=self.errors[:MAX_REPORTED_ERRORS],
                count=len(self.errors),
                shown=min(len(self.errors), MAX_REPORTED_ERRORS),
            )
        if not self.rows:
            raise IndicatorFileError("followup.indicatorfile.no_rows")
        kpis = {row.kpi for row in self.rows if row.kpi is not None}
        return IndicatorFile(self.rows, file_format, kpis, self.skipped, ignored)


def _shown(raw: object) -> str:
    """A raw value as the message shows it."""
    if raw is None:
        return ""
    return str(raw).strip()


def _year(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if MIN_YEAR <= raw <= MAX_YEAR else None
    if isinstance(raw, str):
        return parse_year(raw, low=MIN_YEAR, high=MAX_YEAR)
    return None


def _header_score(header: Sequence[str]) -> int:
    return sum(1 for cell in header if header_key(cell) in _HEADERS)


def _from_table(table: Table) -> IndicatorFile:
    positions, ignored = map_columns(table.header, _HEADERS)
    for name in REQUIRED:
        if name not in positions:
            raise IndicatorFileError(
                "followup.indicatorfile.missing_column", column=name, names=list(COLUMNS[name])
            )
    collector = _Collector()
    for line, cells in table.rows:
        values = {
            name: (cells[index] if index < len(cells) else "") for name, index in positions.items()
        }
        if not values["value"]:
            collector.skipped += 1
            continue
        collector.add(
            line,
            kpi_raw=values.get("kpi", ""),
            municipality_raw=values.get("municipality", ""),
            year_raw=values["year"],
            sex_raw=values.get("sex", ""),
            value_raw=values["value"],
            note=values.get("note", ""),
        )
    return collector.result(table.format, ignored)


def _entries(document: object) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("values"), list):
        return list(document["values"])
    if isinstance(document, list):
        return document
    raise IndicatorFileError("followup.indicatorfile.unknown_json")


def _from_json(text: str) -> IndicatorFile:
    try:
        document = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError) as error:
        raise IndicatorFileError("followup.indicatorfile.invalid_json") from error
    entries = _entries(document)
    if entries and not any(isinstance(e, dict) and "values" in e for e in entries):
        raise IndicatorFileError("followup.indicatorfile.unknown_json")
    collector = _Collector()
    count = 0
    for line, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), list):
            collector.error(line, "followup.indicatorfile.bad_entry")
            continue
        kpi = entry.get("kpi")
        for item in _iter_values(entry["values"]):
            if item is None:
                collector.error(line, "followup.indicatorfile.bad_entry")
                continue
            if item.get("value") is None:
                collector.skipped += 1
                continue
            count += 1
            if count > MAX_ROWS:
                raise IndicatorFileError("followup.indicatorfile.too_many_rows", limit=MAX_ROWS)
            collector.add(
                line,
                kpi_raw=kpi if isinstance(kpi, str) else "",
                municipality_raw=entry.get("municipality"),
                year_raw=entry.get("period"),
                sex_raw=str(item.get("gender") or ""),
                value_raw=item["value"],
                note="",
            )
    return collector.result("json", [])


def _iter_values(values: Iterable[object]) -> Iterable[dict[str, Any] | None]:
    for item in values:
        yield item if isinstance(item, dict) else None


def read_indicator_values(data: bytes, filename: str) -> IndicatorFile:
    """Read every value in the file, or raise :class:`IndicatorFileError`."""
    try:
        if not data.strip():
            raise TableError("empty")
        if looks_like_xlsx(data, filename):
            table = read_xlsx(data, header_score=_header_score, max_rows=MAX_ROWS)
        else:
            text = decode_text(data)
            detected = text_kind(text)
            if detected == "json":
                return _from_json(text)
            if detected is not None:
                raise TableError("unsupported_format", detected=detected)
            table = read_csv(text, header_score=_header_score, max_rows=MAX_ROWS)
    except TableError as error:
        raise IndicatorFileError.from_table(error) from error
    return _from_table(table)
