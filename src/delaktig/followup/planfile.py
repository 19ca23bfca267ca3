"""Read an existing action plan from a spreadsheet: one row per activity.

No Django here: the Django layer passes the uploaded bytes in and gets a :class:`PlanFile`
back, or a :class:`PlanFileError` when the file as a whole cannot be used. Both carry stable
codes with ``params``; ``followup.messages`` turns them into Swedish (or English) text.

Formats
-------
**CSV** with comma, semicolon or tab between fields (the one that makes the most sense of the
header wins; an Excel ``sep=;`` first line is honoured), UTF-8 with or without BOM, UTF-16
with a BOM (Excel's "Unicode text"), or cp1252 as older Excel versions save it.
**XLSX**, recognised by its ZIP signature or the ``.xlsx`` extension; the first worksheet is
read. Dates in cells count as their year, numbers formatted as percentages as the percent
the user sees (0.4 shown as "40 %" is 40).

Columns
-------
The header is the first non-empty row. Column names are matched without regard to case,
diacritics, punctuation or a trailing remark in brackets ("Framsteg (%)"), in Swedish or
English; see :data:`COLUMNS`. ``area`` and ``title`` are required. A ``period``/``tid``
column ("2023–2025", "2024") may stand in for the start and end columns; when those exist
too, they win and the period column is ignored. Other columns, and second columns for a
field already found, are ignored and listed in :attr:`PlanFile.ignored_columns`.

Rows
----
Fully empty rows are skipped. Every other row is checked, and each problem becomes a
:class:`RowError`; a row with any error is left out of :attr:`PlanFile.rows`, but reading
goes on, so the user can see everything to correct at once. Row numbers are those a
spreadsheet shows (the header is row 1 when it is the first row).

Area names that differ only in case or spacing are one area, spelt as first seen.

The table reading (:func:`read_csv`, :func:`read_xlsx`, :func:`decode_text`) is shared with
``followup.indicatorfile``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Final

from delaktig.core.uploads import ArchiveRefused, open_zip

__all__ = [
    "ACTIVITY_STATUSES",
    "COLUMNS",
    "ERROR_CODES",
    "FILE_ERROR_CODES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MESSAGES",
    "PARSER_ROW_ERROR_CODES",
    "PERSPECTIVES",
    "ROW_ERROR_CODES",
    "PlanFile",
    "PlanFileError",
    "PlanRow",
    "RowError",
    "HeaderScore",
    "Table",
    "TableError",
    "alias_table",
    "cell_text",
    "decode_text",
    "fold",
    "header_key",
    "looks_like_xlsx",
    "map_columns",
    "parse_year",
    "read_csv",
    "read_plan",
    "read_table",
    "read_xlsx",
    "text_kind",
]

# The codes of followup.status.ActivityStatus, repeated here to keep this module free of Django
# (a test holds them equal).
ACTIVITY_STATUSES: Final = ("not_started", "ongoing", "done", "postponed", "cancelled")
# Statuses that need a reason (followup.status.NEEDS_REASON).
_NEEDS_REASON: Final = frozenset({"postponed", "cancelled"})

# The codes of participation.models.Perspective.Code.
PERSPECTIVES: Final = ("barn_och_unga", "jamstalldhet", "tillganglighet", "minoriteter", "miljo")

MAX_ROWS: Final = 2_000
# Columns with something in them; empty cells at the end of a row do not count. A plan has
# sixteen known columns; a spreadsheet kept for other purposes a few dozen more.
MAX_COLUMNS: Final = 200
MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100
# What the model columns hold.
MAX_TITLE: Final = 300
_MAX_LENGTHS: Final[Mapping[str, int]] = {
    "area": 200,
    "responsible_unit": 200,
    "contact_name": 150,
    "contact_email": 254,
}

# --- Errors --------------------------------------------------------------------------------

# English texts for logs and exceptions; followup.messages has the translated ones, with the
# same placeholders (a test holds them so).
_TABLE_MESSAGES: Final[Mapping[str, str]] = {
    "empty": "The file is empty.",
    "unreadable_encoding": "The file's text encoding could not be read; save it as UTF-8.",
    "unsupported_format": "The file is not CSV or XLSX (it looks like {detected}).",
    "bad_csv": "The CSV file could not be read at line {line}.",
    "bad_xlsx": "The Excel file could not be read; it may be damaged.",
    "no_header": "The first row does not name any of the columns that can be read.",
    "missing_column": "The column for {column} is missing; it may be called {names}.",
    "too_many_rows": "The file has more than {limit} rows.",
    "too_many_columns": "The file has more than {limit} columns.",
    "unpacked_too_large": "The Excel file unpacks to more than {limit} MB.",
    "too_compressed": (
        "Part of the Excel file unpacks to more than {limit} times its packed size, "
        "so it is not read."
    ),
    "too_many_parts": "The Excel file holds more than {limit} parts.",
    "no_rows": "The file has a header but no rows below it.",
}

_FILE_MESSAGES: Final[Mapping[str, str]] = dict(_TABLE_MESSAGES)

_ROW_MESSAGES: Final[Mapping[str, str]] = {
    "missing_area": "The area is missing.",
    "missing_title": "The activity is missing.",
    "title_too_long": "The activity has {length} characters, more than {limit}.",
    "too_long": "The text has {length} characters, more than {limit}.",
    "bad_year": "“{value}” is not a year between {min} and {max}.",
    "years_out_of_order": "The activity ends ({end}) before it starts ({start}).",
    "bad_status": "“{value}” is not a status.",
    "reason_required": "The status “{status}” needs a reason.",
    "bad_progress": "“{value}” is not a percentage between 0 and 100.",
    "bad_email": "“{value}” is not an e-mail address.",
    "sdg_goal_not_target": (
        "“{value}” is an Agenda 2030 goal; give its targets instead, such as {value}.1."
    ),
    "unknown_sdg_target": "“{value}” is not an Agenda 2030 target.",
    "bad_gender_goal": "“{value}” is not one of the gender-equality sub-goals 1–6.",
    "unknown_perspective": "“{value}” is not a perspective.",
    "duplicate_activity": "The activity “{title}” in “{area}” is already on row {first_row}.",
}

# Row errors that the Django side adds when it checks readable rows against the database.
_LATER_ROW_MESSAGES: Final[Mapping[str, str]] = {
    "unknown_goal": "The strategy has no goal {numbers}.",
    "already_in_plan": "The plan already has the activity “{title}”.",
}

MESSAGES: Final[Mapping[str, str]] = {**_FILE_MESSAGES, **_ROW_MESSAGES, **_LATER_ROW_MESSAGES}
FILE_ERROR_CODES: Final[frozenset[str]] = frozenset(_FILE_MESSAGES)
# What read_plan reports, and what the Django side may add.
PARSER_ROW_ERROR_CODES: Final[frozenset[str]] = frozenset(_ROW_MESSAGES)
ROW_ERROR_CODES: Final[frozenset[str]] = PARSER_ROW_ERROR_CODES | frozenset(_LATER_ROW_MESSAGES)
ERROR_CODES: Final[frozenset[str]] = FILE_ERROR_CODES | ROW_ERROR_CODES


class TableError(ValueError):
    """The file cannot be read as a table at all. Raised by the shared reading functions."""

    code: str
    params: dict[str, Any]

    def __init__(self, code: str, **params: Any) -> None:
        if code not in _TABLE_MESSAGES:
            raise ValueError(f"unknown table error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(_TABLE_MESSAGES[code].format(**params))


class PlanFileError(ValueError):
    """The file cannot be read as an action plan; ``code`` and ``params`` say why."""

    code: str
    params: dict[str, Any]

    def __init__(self, code: str, **params: Any) -> None:
        if code not in _FILE_MESSAGES:
            raise ValueError(f"unknown plan file error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(_FILE_MESSAGES[code].format(**params))


@dataclass(frozen=True)
class RowError:
    """A problem in one row; the row is left out of the plan."""

    row: int  # as the spreadsheet shows it
    # The column's header as written in the file (PlanFile.columns maps fields to headers);
    # "" if no column applies.
    column: str
    code: str  # one of ROW_ERROR_CODES
    params: dict[str, Any] = field(default_factory=dict)  # str and int values only

    def __post_init__(self) -> None:
        if self.code not in ROW_ERROR_CODES:
            raise ValueError(f"unknown plan row error code {self.code!r}")

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {MESSAGES[self.code].format(**self.params)}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowError:
        return cls(
            row=int(data["row"]),
            column=str(data["column"]),
            code=str(data["code"]),
            params=dict(data.get("params") or {}),
        )


# --- Result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One readable activity."""

    area: str
    title: str
    description: str
    responsible_unit: str
    contact_name: str
    contact_email: str
    start_year: int | None
    end_year: int | None
    status: str  # one of ACTIVITY_STATUSES
    status_reason: str
    progress: int | None  # percent
    goals: tuple[str, ...]  # the strategy's goal numbers as written, e.g. ("1", "2.3")
    sdg_targets: tuple[str, ...]  # Agenda 2030 target codes, e.g. ("16.7", "5.a")
    gender_equality_goals: tuple[int, ...]  # 1–6
    perspectives: tuple[str, ...]  # codes from PERSPECTIVES
    row: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (tuples become lists)."""
        return {
            "area": self.area,
            "title": self.title,
            "description": self.description,
            "responsible_unit": self.responsible_unit,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "status": self.status,
            "status_reason": self.status_reason,
            "progress": self.progress,
            "goals": list(self.goals),
            "sdg_targets": list(self.sdg_targets),
            "gender_equality_goals": list(self.gender_equality_goals),
            "perspectives": list(self.perspectives),
            "row": self.row,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanRow:
        def optional_int(value: Any) -> int | None:
            return None if value is None else int(value)

        return cls(
            area=str(data["area"]),
            title=str(data["title"]),
            description=str(data.get("description", "")),
            responsible_unit=str(data.get("responsible_unit", "")),
            contact_name=str(data.get("contact_name", "")),
            contact_email=str(data.get("contact_email", "")),
            start_year=optional_int(data.get("start_year")),
            end_year=optional_int(data.get("end_year")),
            status=str(data.get("status", "not_started")),
            status_reason=str(data.get("status_reason", "")),
            progress=optional_int(data.get("progress")),
            goals=tuple(str(v) for v in data.get("goals", ())),
            sdg_targets=tuple(str(v) for v in data.get("sdg_targets", ())),
            gender_equality_goals=tuple(int(v) for v in data.get("gender_equality_goals", ())),
            perspectives=tuple(str(v) for v in data.get("perspectives", ())),
            row=int(data["row"]),
        )


@dataclass
class PlanFile:
    rows: list[PlanRow]  # readable rows, in file order
    errors: list[RowError]  # by row, then by column
    ignored_columns: list[str]  # headers as written
    format: str  # "csv" or "xlsx"
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written

    @property
    def areas(self) -> list[str]:
        """The areas of the readable rows, in the order they first appear."""
        return list(dict.fromkeys(row.area for row in self.rows))

    @property
    def error_rows(self) -> list[int]:
        """The rows left out because of errors, in order."""
        return sorted({error.row for error in self.errors})


# --- Words ---------------------------------------------------------------------------------

_DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Casefolded, without diacritics (å → a), dashes as "-", whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _key(text: str) -> str:
    """Letters and digits only: "Start-år" → "startar"."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def header_key(header: str) -> str:
    """A header as matched against aliases: "Framsteg (%)" → "framsteg"."""
    return _key(re.sub(r"\([^()]*\)\s*$", "", header))


def alias_table(columns: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Header key → field, from field → aliases."""
    table: dict[str, str] = {}
    for name, aliases in columns.items():
        for alias in aliases:
            key = header_key(alias)
            if table.setdefault(key, name) != name:
                raise ValueError(f"alias {alias!r} is ambiguous")
    return table


COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "area": ("område", "insatsområde", "fokusområde", "area", "focus area"),
    "title": ("aktivitet", "insats", "åtgärd", "activity", "title"),
    "description": ("beskrivning", "description"),
    "responsible_unit": ("ansvarig", "ansvarig enhet", "responsible", "responsible unit"),
    "contact_name": ("kontaktperson", "kontakt", "contact", "contact person"),
    "contact_email": ("e-post", "epost", "mejl", "email", "e-mail"),
    "start_year": ("start", "startår", "start år", "från", "start year"),
    "end_year": ("slut", "klart", "slutår", "klart år", "till", "end", "end year"),
    "period": ("period", "tid"),
    "status": ("status",),
    "status_reason": ("skäl", "orsak", "reason"),
    "progress": ("framsteg", "procent", "progress"),
    "goals": ("mål", "goals"),
    "sdg_targets": (
        "agenda 2030",
        "agenda 2030-delmål",
        "delmål i agenda 2030",
        "sdg",
        "sdgs",
        "sdg targets",
        "globala mål",
        "globala målen",
    ),
    "gender_equality_goals": (
        "jämställdhetsmål",
        "jämställdhetspolitiska delmål",
        "jämställdhetspolitiskt delmål",
        "gender equality goals",
    ),
    "perspectives": ("perspektiv", "perspectives"),
}
REQUIRED: Final = ("area", "title")
_HEADERS: Final = alias_table(COLUMNS)

_STATUS_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "not_started": (
        "ej påbörjad",
        "inte påbörjad",
        "ej startad",
        "inte startad",
        "ej påbörjat",
        "inte påbörjat",
        "not started",
    ),
    "ongoing": ("pågår", "pågående", "påbörjad", "startad", "ongoing", "in progress", "started"),
    "done": (
        "genomförd",
        "genomfört",
        "klar",
        "klart",
        "avslutad",
        "slutförd",
        "färdig",
        "done",
        "completed",
        "complete",
        "finished",
    ),
    "postponed": ("uppskjuten", "senarelagd", "pausad", "postponed", "delayed"),
    "cancelled": ("avbruten", "inställd", "struken", "cancelled", "canceled"),
}
_STATUSES: Final = {
    **{_key(code): code for code in ACTIVITY_STATUSES},
    **{_key(word): code for code, words in _STATUS_WORDS.items() for word in words},
}

_PERSPECTIVE_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "barn_och_unga": (
        "barn och unga",
        "barn",
        "unga",
        "barnperspektiv",
        "barnrätt",
        "barnrättsperspektiv",
        "children",
        "children and young people",
        "children and youth",
        "young people",
        "youth",
    ),
    "jamstalldhet": ("jämställdhet", "jämställdhetsperspektiv", "gender equality", "gender"),
    "tillganglighet": (
        "tillgänglighet",
        "tillgänglighetsperspektiv",
        "funktionsnedsättning",
        "accessibility",
        "disability",
    ),
    "minoriteter": (
        "nationella minoriteter och urfolk",
        "nationella minoriteter och samer",
        "nationella minoriteter",
        "minoriteter",
        "samer",
        "urfolk",
        "national minorities and indigenous peoples",
        "national minorities",
        "minorities",
        "indigenous peoples",
        "sami",
    ),
    "miljo": (
        "miljö",
        "miljöperspektiv",
        "miljö och klimat",
        "klimat",
        "environment",
        "environment and climate",
        "climate",
    ),
}
_PERSPECTIVES: Final = {
    **{_key(code): code for code in PERSPECTIVES},
    **{_key(word): code for code, words in _PERSPECTIVE_WORDS.items() for word in words},
}

_LIST_SEPARATORS: Final = re.compile(r"[,;\n]+")
_CODE_SEPARATORS: Final = re.compile(r"[,;\s]+")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s.]{2,}")
_YEAR: Final = re.compile(r"(\d{4})(?:-\d{2}-\d{2})?")
_PERIOD: Final = re.compile(r"(\d{4})\s*-\s*(\d{4})?")
_PERCENT: Final = re.compile(r"(\d{1,3})\s*%?")


@lru_cache(maxsize=1)
def _sdg_targets() -> frozenset[str]:
    from delaktig.participation.agenda2030 import targets

    return frozenset(target.code for target in targets())


# --- Bytes to tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A header and the non-empty rows below it, every cell as stripped text."""

    format: str  # "csv" or "xlsx"
    header_row: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells)


def looks_like_xlsx(data: bytes, filename: str) -> bool:
    return data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm"))


def _binary_kind(data: bytes) -> str | None:
    """What a file that is no text is, or None when it may be text."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in data[:8192]:
        return "binary"
    return None


def decode_text(data: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252."""
    if not data.strip():
        raise TableError("empty")
    detected = _binary_kind(data)
    if detected is not None:
        raise TableError("unsupported_format", detected=detected)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise TableError("empty")
        return text
    raise TableError("unreadable_encoding")


def text_kind(text: str) -> str | None:
    """The kind of text that evidently is no CSV ("json", "html", "xml"), else None."""
    head = text.lstrip()[:1024]
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<"):
        lowered = head.lower()
        return "html" if "<html" in lowered or "<!doctype html" in lowered else "xml"
    return None


HeaderScore = Callable[[Sequence[str]], int]

_DELIMITERS: Final = (";", ",", "\t")


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cells)


def _first_record(text: str, delimiter: str) -> list[str] | None:
    """The first non-empty record when split by ``delimiter``; None if every record is empty.

    A record the csv module cannot read gives an empty list: this delimiter makes no sense.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            cells = [cell.strip() for cell in record]
            if not _is_blank(cells):
                return cells
    except csv.Error:
        return []
    return None


# The delimiter is sniffed on the start of the file only: a header of 200 columns is far
# shorter, and a header of a million is then not split three times over.
_SNIFF_CHARS: Final = 256 * 1024


def _sniff(text: str, header_score: HeaderScore, max_columns: int) -> str:
    best = _DELIMITERS[0]
    best_rank = (-1, -1)
    for delimiter in _DELIMITERS:
        header = _first_record(text[:_SNIFF_CHARS], delimiter)
        if header is None:
            # Nothing but delimiters and blanks: the file is empty whichever is used.
            return delimiter
        # Only as many cells as a header may have are scored: a header wider than that is
        # refused by _collect, and scoring 200,000 cells three times would cost seconds.
        header = header[: max_columns + 1]
        rank = (header_score(header), sum(1 for cell in header if cell))
        if rank > best_rank:
            best, best_rank = delimiter, rank
    return best


def _width(cells: Sequence[str]) -> int:
    """The number of cells up to the last one with something in it."""
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def _collect(
    records: Iterator[tuple[int, Sequence[str]]],
    *,
    file_format: str,
    header_score: HeaderScore,
    max_rows: int,
    max_columns: int,
) -> Table:
    header: tuple[str, ...] | None = None
    header_row = 0
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, record in records:
        width = _width(record)
        if width == 0:
            continue
        if width > max_columns:
            raise TableError("too_many_columns", limit=max_columns)
        cells = tuple(record[:width])
        if header is None:
            header, header_row = cells, number
            if header_score(header) == 0:
                raise TableError("no_header")
            continue
        if len(rows) >= max_rows:
            raise TableError("too_many_rows", limit=max_rows)
        rows.append((number, cells))
    if header is None:
        raise TableError("empty")
    return Table(file_format, header_row, header, tuple(rows))


def read_csv(
    text: str, *, header_score: HeaderScore, max_rows: int, max_columns: int = MAX_COLUMNS
) -> Table:
    """Split CSV text into a :class:`Table`, sniffing the delimiter by ``header_score``."""
    hint = re.match(r"\"?sep=(.)\"?[ \t]*\r?\n", text, flags=re.IGNORECASE)
    if hint:
        delimiter = hint[1]
        text = text[hint.end() :]
    else:
        delimiter = _sniff(text, header_score, max_columns)
    # A header too wide is refused from the start of the file, before the whole of it is split.
    header = _first_record(text[:_SNIFF_CHARS], delimiter)
    if header is not None and _width(header) > max_columns:
        raise TableError("too_many_columns", limit=max_columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        number = 0
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [cell.strip() for cell in record]
        except csv.Error as error:
            raise TableError("bad_csv", line=number + 1) from error

    return _collect(
        records(),
        file_format="csv",
        header_score=header_score,
        max_rows=max_rows,
        max_columns=max_columns,
    )


def _plain_number(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 2024, 12.3, 0.00001."""
    text = format(number.normalize(), "f")
    return text


def cell_text(value: object, number_format: str | None = None) -> str:
    """A spreadsheet cell as the text a CSV file would hold for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        if number_format and "%" in number_format:
            return f"{_plain_number(number * 100)} %"
        return _plain_number(number)
    return str(value).strip()


def _zip_kind(names: set[str]) -> str:
    """What a ZIP file with these members holds ("xlsx", "ods", "docx", ...)."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        return "ods"
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("ppt/") for name in names):
        return "pptx"
    return "zip"


def _open_xlsx(data: bytes) -> set[str]:
    """The member names of an XLSX file, once its declared sizes are known to be safe to
    unpack (see delaktig.core.uploads); a TableError otherwise."""
    try:
        with open_zip(data) as archive:
            return set(archive.namelist())
    except ArchiveRefused as error:
        if error.code == "not_a_zip":
            if _binary_kind(data) == "xls":
                raise TableError("unsupported_format", detected="xls") from error
            raise TableError("bad_xlsx") from error
        if error.code in ("too_large", "member_too_large"):
            raise TableError("unpacked_too_large", limit=error.params["limit"]) from error
        if error.code == "too_compressed":
            raise TableError("too_compressed", limit=error.params["limit"]) from error
        if error.code == "too_many_members":
            raise TableError("too_many_parts", limit=error.params["limit"]) from error
        # Encrypted, an unknown compression method: not an XLSX file that can be read.
        raise TableError("bad_xlsx") from error


def read_xlsx(
    data: bytes, *, header_score: HeaderScore, max_rows: int, max_columns: int = MAX_COLUMNS
) -> Table:
    """The first worksheet of an XLSX file as a :class:`Table`.

    The ZIP container is checked first (:func:`delaktig.core.uploads.open_zip`), so a small
    file that unpacks to gigabytes is refused before openpyxl reads its shared strings."""
    if not data.strip():
        raise TableError("empty")
    kind = _zip_kind(_open_xlsx(data))
    if kind != "xlsx":
        raise TableError("unsupported_format", detected=kind)

    # Imported here: the CSV path and the pure tests need no openpyxl.
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read; none matter here.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise TableError("bad_xlsx") from error
        try:
            sheets = workbook.worksheets
            if not sheets:
                raise TableError("empty")
            sheet = sheets[0]
            if not isinstance(sheet, ReadOnlyWorksheet):
                raise TableError("bad_xlsx")
            # The stored dimensions may be wrong; without them every cell is read.
            sheet.reset_dimensions()

            def records() -> Iterator[tuple[int, list[str]]]:
                for number, row in enumerate(sheet.iter_rows(), start=1):
                    yield (
                        number,
                        [cell_text(c.value, getattr(c, "number_format", None)) for c in row],
                    )

            return _collect(
                records(),
                file_format="xlsx",
                header_score=header_score,
                max_rows=max_rows,
                max_columns=max_columns,
            )
        except TableError:
            raise
        except Exception as error:
            raise TableError("bad_xlsx") from error
        finally:
            workbook.close()


def read_table(data: bytes, filename: str, *, header_score: HeaderScore, max_rows: int) -> Table:
    """CSV or XLSX bytes as a :class:`Table`; any other kind of file is a TableError."""
    if not data.strip():
        raise TableError("empty")
    if looks_like_xlsx(data, filename):
        return read_xlsx(data, header_score=header_score, max_rows=max_rows)
    text = decode_text(data)
    detected = text_kind(text)
    if detected is not None:
        raise TableError("unsupported_format", detected=detected)
    return read_csv(text, header_score=header_score, max_rows=max_rows)


# --- Values --------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_year(text: str, *, low: int = MIN_YEAR, high: int = MAX_YEAR) -> int | None:
    """The year in "2024" or in a date ("2024-03-01", as a date cell reads), if in range."""
    match = _YEAR.fullmatch(text.strip())
    if not match:
        return None
    year = int(match[1])
    return year if low <= year <= high else None


def _split(text: str, separators: re.Pattern[str]) -> list[str]:
    """The non-empty items of a list cell, without repeats, in order."""
    return list(dict.fromkeys(p.strip() for p in separators.split(text) if p.strip()))


class _RowReader:
    """Reads one row, collecting its errors."""

    def __init__(self, number: int, cells: Mapping[str, str], headers: Mapping[str, str]):
        self.number = number
        self.cells = cells
        self.headers = headers
        self.errors: list[RowError] = []

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def error(self, name: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(self.number, self.headers.get(name, ""), code, params))

    def text(self, name: str, *, one_line: bool = True) -> str:
        """The cell's text (on one line, spaces collapsed), checked against its length limit."""
        value = self.get(name)
        if one_line:
            value = _one_line(value)
        limit = _MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            self.error(name, "too_long", length=len(value), limit=limit)
        return value

    def year(self, name: str) -> int | None:
        raw = self.get(name)
        if not raw:
            return None
        year = parse_year(raw)
        if year is None:
            self.error(name, "bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR)
        return year

    def period(self) -> tuple[int | None, int | None]:
        raw = self.get("period").translate(_DASHES)
        if not raw:
            return None, None
        match = _PERIOD.fullmatch(raw)
        if match:
            start, end = parse_year(match[1]), (parse_year(match[2]) if match[2] else None)
            if start is None or (match[2] and end is None):
                self.error("period", "bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR)
            return start, end
        year = parse_year(raw)
        if year is None:
            self.error("period", "bad_year", value=raw, min=MIN_YEAR, max=MAX_YEAR)
        return year, year

    def status(self) -> str | None:
        raw = self.get("status")
        if not raw:
            return "not_started"
        status = _STATUSES.get(_key(raw))
        if status is None:
            self.error("status", "bad_status", value=raw)
        return status

    def progress(self) -> int | None:
        raw = self.get("progress")
        if not raw:
            return None
        match = _PERCENT.fullmatch(raw)
        if match and int(match[1]) <= 100:
            return int(match[1])
        self.error("progress", "bad_progress", value=raw)
        return None

    def email(self) -> str:
        raw = self.text("contact_email")
        if raw and not _EMAIL.fullmatch(raw):
            self.error("contact_email", "bad_email", value=raw)
        return raw

    def sdg_targets(self) -> tuple[str, ...]:
        known = _sdg_targets()
        found: list[str] = []
        for token in _split(self.get("sdg_targets"), _CODE_SEPARATORS):
            code = token.lower().rstrip(".")
            if code in known:
                found.append(code)
            elif code.isdigit() and 1 <= int(code) <= 17:
                self.error("sdg_targets", "sdg_goal_not_target", value=token)
            else:
                self.error("sdg_targets", "unknown_sdg_target", value=token)
        return tuple(dict.fromkeys(found))

    def gender_goals(self) -> tuple[int, ...]:
        found: list[int] = []
        for token in _split(self.get("gender_equality_goals"), _CODE_SEPARATORS):
            number = token.rstrip(".")
            if number.isdigit() and 1 <= int(number) <= 6:
                found.append(int(number))
            else:
                self.error("gender_equality_goals", "bad_gender_goal", value=token)
        return tuple(dict.fromkeys(found))

    def perspectives(self) -> tuple[str, ...]:
        found: list[str] = []
        for token in _split(self.get("perspectives"), _LIST_SEPARATORS):
            code = _PERSPECTIVES.get(_key(token))
            if code is None:
                self.error("perspectives", "unknown_perspective", value=token)
            else:
                found.append(code)
        return tuple(dict.fromkeys(found))


def _read_row(
    reader: _RowReader, areas: dict[str, str], seen: dict[tuple[str, str], int]
) -> PlanRow | None:
    area = reader.text("area")
    if not area:
        reader.error("area", "missing_area")
    else:
        area = areas.setdefault(fold(area), area)
    title = _one_line(reader.get("title"))
    if not title:
        reader.error("title", "missing_title")
    elif len(title) > MAX_TITLE:
        reader.error("title", "title_too_long", length=len(title), limit=MAX_TITLE)
    if area and title:
        key = (fold(area), fold(title))
        first = seen.setdefault(key, reader.number)
        if first != reader.number:
            reader.error("title", "duplicate_activity", area=area, title=title, first_row=first)
    description = reader.get("description")
    responsible_unit = reader.text("responsible_unit")
    contact_name = reader.text("contact_name")
    contact_email = reader.email()

    if "period" in reader.headers:
        start_year, end_year = reader.period()
        end_name = "period"
    else:
        start_year, end_year = reader.year("start_year"), reader.year("end_year")
        end_name = "end_year"
    if start_year is not None and end_year is not None and end_year < start_year:
        reader.error(end_name, "years_out_of_order", start=start_year, end=end_year)

    status = reader.status()
    status_reason = reader.get("status_reason")
    if status in _NEEDS_REASON and not status_reason:
        name = "status_reason" if "status_reason" in reader.headers else "status"
        reader.error(name, "reason_required", status=status)
    progress = reader.progress()
    goals = tuple(_split(reader.get("goals"), _LIST_SEPARATORS))
    sdg_targets = reader.sdg_targets()
    gender_goals = reader.gender_goals()
    perspectives = reader.perspectives()

    if reader.errors or status is None:
        return None
    return PlanRow(
        area=area,
        title=title,
        description=description,
        responsible_unit=responsible_unit,
        contact_name=contact_name,
        contact_email=contact_email,
        start_year=start_year,
        end_year=end_year,
        status=status,
        status_reason=status_reason,
        progress=progress,
        goals=goals,
        sdg_targets=sdg_targets,
        gender_equality_goals=gender_goals,
        perspectives=perspectives,
        row=reader.number,
    )


def _plan_header_score(header: Sequence[str]) -> int:
    return sum(1 for cell in header if header_key(cell) in _HEADERS)


def map_columns(
    header: Sequence[str], aliases: Mapping[str, str]
) -> tuple[dict[str, int], list[str]]:
    """Field → column index (the first column for each field), and the ignored headers."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        if not cell:
            continue
        name = aliases.get(header_key(cell))
        if name is None or name in positions:
            ignored.append(cell)
        else:
            positions[name] = index
    return positions, ignored


def read_plan(data: bytes, filename: str) -> PlanFile:
    """Read an action plan from CSV or XLSX bytes; ``filename`` is a hint for the format."""
    try:
        table = read_table(data, filename, header_score=_plan_header_score, max_rows=MAX_ROWS)
    except TableError as error:
        raise PlanFileError(error.code, **error.params) from error

    positions, ignored = map_columns(table.header, _HEADERS)
    for name in REQUIRED:
        if name not in positions:
            raise PlanFileError("missing_column", column=name, names=list(COLUMNS[name]))
    if "period" in positions and ({"start_year", "end_year"} & positions.keys()):
        ignored.append(table.header[positions.pop("period")])
    # In the order of the header (linear: header.index per column would be quadratic).
    first_index: dict[str, int] = {}
    for index, cell in enumerate(table.header):
        first_index.setdefault(cell, index)
    ignored.sort(key=first_index.__getitem__)
    if not table.rows:
        raise PlanFileError("no_rows")
    headers = {name: table.header[index] for name, index in positions.items()}
    order = {table.header[index]: index for index in sorted(positions.values(), reverse=True)}

    rows: list[PlanRow] = []
    errors: list[RowError] = []
    areas: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        values = {
            name: (cells[index] if index < len(cells) else "") for name, index in positions.items()
        }
        reader = _RowReader(number, values, headers)
        row = _read_row(reader, areas, seen)
        if row is not None:
            rows.append(row)
        errors.extend(sorted(reader.errors, key=lambda e: order.get(e.column, len(order))))
    return PlanFile(
        rows=rows, errors=errors, ignored_columns=ignored, format=table.format, columns=headers
    )
