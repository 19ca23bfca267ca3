"""Read SCB population tables (people by region × age × sex) as Statistikdatabasen exports them.

No Django here: the Django layer passes the uploaded bytes in, gets a :class:`PopulationTable`
or a :class:`PopulationFileError` back, and translates the error by its ``code`` and ``params``.

Formats
-------
**JSON-stat2**, as the PxWeb API v1 returns it for ``"response": {"format": "json-stat2"}``
and PxWebApi 2 by default. Dimensions are recognised by id, label or role, in any case and
in Swedish or English: region (``Region``/``län``/``kommun``/role ``geo``), age
(``Alder``/``ålder``/``age``), sex (``Kon``/``kön``/``sex``), year (``Tid``/``år``/``year``/role
``time``), measure (``ContentsCode``/``tabellinnehåll``/role ``metric``) and marital status
(``Civilstand``/``civilstånd``). ``category.index`` may be an object or an array; ``value``
an array or a sparse object keyed by position.

**CSV**, as Statistikdatabasen's "Kommaavgränsad/Semikolonavgränsad/Tabbavgränsad, med eller
utan rubrik" exports it: title lines may precede the header, which is the line (among the
first 50) that names at least two of the variables and has the most recognisable columns;
comma, semicolon and tab are told apart by which one gives the best such line. Either
*wide* (``"region","ålder","kön","2023"``; the year columns may also carry the sex or the
measure, ``"män 2023"``, ``"Folkmängd 2023"``) or *long* (a year column and a value column:
``Folkmängd``/``värde``/``value``/``antal``). The text is UTF-8 (with or without BOM) or,
failing that, cp1252/ISO-8859-1 as older exports are; UTF-16 with a BOM is read too.

Rules
-----
* Ages are single years (``"0 år"``, ``"100+ år"``, ``"0 years"``) or classes
  (``"0-4 år"``, ``"-4"``, ``"90+"``, ``"100+1"`` as PxWebApi 2 codes ``100+``). They are added
  up into :data:`AGE_GROUPS`; a class that crosses a group boundary (``"15-19 år"``) is an
  error, and so are overlapping classes (``"0 år"`` beside ``"0-4 år"``), which would count
  people twice. Total ages (``"totalt ålder"``, ``tot``) and ``"uppgift saknas"`` (age not
  known) are left out.
* Sexes: ``män``/``men``/``1`` are ``"man"``, ``kvinnor``/``women``/``2`` are ``"kvinna"``;
  totals (``"totalt"``, ``TotSa``, ``"1+2"``) are left out.
* Marital status: if a total category exists (``"totalt, samtliga civilstånd"``, ``SC``) only
  it is used, otherwise the statuses are summed. Any other variable must have a single value.
* Measures: exactly one is expected; with several, the one called Folkmängd/Population.
* Exactly one year; several are an error naming them.
* Regions: SCB codes, ``"00"`` Sweden, two digits a county, four a municipality. A CSV cell
  ``"2303 Ragunda"`` gives code and name, ``"2303"`` the code alone; ``"Riket"``/``"Sweden"``
  is ``"00"``; a name without code is an error unless a separate code column exists. Codes
  whose leading zero a spreadsheet dropped (``"114"``) get it back.
* Counts are whole numbers; spaces and non-breaking spaces as thousands separators are fine,
  ``"-"`` (SCB's "nothing to report") is 0. A missing figure (``".."``, a JSON ``null`` in a
  cell that is used) is an error rather than a zero, because guessing would bias the weights.

Completeness: the output has one row per region × age group × sex, every region with all 12.
The file must say so explicitly: for every region and both sexes (and every marital status
summed) the ages must run from 0 to an open top class (``"100+"``) without gaps or overlaps.
Explicit zeros are fine; a region lacking rows is ``incomplete_region``, ages that the whole
file lacks are ``age_gap``, and a sex the file lacks is ``missing_sex``.

Errors are :class:`PopulationFileError` (a ``ValidationFailed``) with a stable ``code`` from
:data:`ERROR_CODES` and ``params``; ``population.errors`` has their messages. Whenever an
error concerns one row of a CSV file, ``params`` has ``"line"`` (1-based, counting title
lines, as a spreadsheet numbers its rows) and the message starts with "Rad N:".

The text and its CSV records are read by :mod:`delaktig.core.tables`, as every file importer
reads them; finding the header below SCB's title lines, and the rest, is this module's.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, NamedTuple

from delaktig.core.errors import ValidationFailed
from delaktig.core.tables import (
    DELIMITERS,
    TableError,
    csv_records,
    decode_text,
    fold,
    text_kind,
    width,
)
from delaktig.core.tables import key as _key
from delaktig.insights.suppression import AGE_GROUPS

__all__ = [
    "AGE_GROUPS",
    "ERROR_CODES",
    "SEXES",
    "PopulationFileError",
    "PopulationRow",
    "PopulationTable",
    "parse_csv",
    "parse_json_stat2",
    "parse_population_file",
]

SEXES: Final = ("kvinna", "man")

# Lowest age of each of AGE_GROUPS.
_BAND_LOWER: Final = (0, 18, 30, 45, 65, 80)

# A JSON-stat cube with more cells than this is refused before it is walked.
_MAX_CELLS: Final = 5_000_000
# A CSV header with more columns than this is refused before its cells are looked at; a table
# from Statistikdatabasen has a handful (region, age, sex, a year or two).
_MAX_COLUMNS: Final = 200
# No single cell of a real table comes near this; larger numbers are mistakes.
_MAX_CELL_COUNT: Final = 100_000_000
# What the database column holds.
_MAX_TOTAL_COUNT: Final = 2_147_483_647


@dataclass(frozen=True)
class PopulationRow:
    region_code: str  # SCB code as text: "00" Sweden, two digits a county, four a municipality
    region_name: str  # "Ragunda" (without the code); "" if the file only gives codes
    age_group: str  # one of AGE_GROUPS
    sex: str  # "kvinna" or "man"
    count: int


@dataclass(frozen=True)
class PopulationTable:
    year: int  # the reference year (the "Tid"/"år" of the file)
    rows: tuple[PopulationRow, ...]  # one row per region × age group × sex, sorted
    source_format: str  # "json-stat2" or "csv"


# The codes; population.errors holds their messages (in the one catalogue of error messages).
_PREFIX: Final = "population."
ERROR_CODES: Final[frozenset[str]] = frozenset(
    _PREFIX + code
    for code in (
        "empty",
        "unreadable_encoding",
        "unsupported_format",  # detected
        "invalid_json",  # line, column (where json could tell)
        "not_json_stat",
        "json_stat_version",  # version
        "malformed_json_stat",  # detail
        "too_large",  # cells, limit
        "too_many_columns",  # limit
        "bad_csv",  # detail
        "no_header",
        "no_value_column",
        "ragged_row",  # found, expected
        "missing_dimension",  # dimension
        "unexpected_dimension",  # dimension
        "several_contents",  # contents
        "several_years",  # years
        "bad_year",  # value
        "bad_region_code",  # value
        "region_without_code",  # value
        "unknown_age",  # value
        "age_band_straddles",  # value, bands
        "overlapping_ages",  # value, other
        "age_gap",  # ages, age_group
        "unknown_sex",  # value
        "missing_sex",  # sex
        "incomplete_region",  # region, age_group, sex
        "missing_value",  # region, age, sex
        "bad_number",  # value
        "duplicate_row",  # region, age, sex
        "no_data",
    )
)


class PopulationFileError(ValidationFailed):
    """The file cannot be read as a population table; ``code`` and ``params`` say why.

    ``params["line"]``, where there is one, is the CSV row the error concerns."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown population file error code {code!r}")
        super().__init__(code, **params)

    @classmethod
    def from_table(cls, error: TableError) -> PopulationFileError:
        """The table reader's refusal as this parser's."""
        return cls(_PREFIX + error.code, **error.params)

    def at_line(self, line: int) -> PopulationFileError:
        """The same error, placed on a line of a CSV file (unless it already is)."""
        if self.params.get("line") is not None:
            return self
        return PopulationFileError(self.code, **{**self.params, "line": line})


# --- Entry points --------------------------------------------------------------------------


def parse_population_file(data: bytes, *, filename: str = "") -> PopulationTable:
    """Detect JSON-stat2 or CSV by content (and filename as a hint), parse, aggregate.

    The content decides; the filename only sharpens the error for a file that is no CSV
    either (a broken ``.json``, an ``.xlsx`` whose bytes do not give it away).
    """
    text = _text(data)
    if text_kind(text) == "json":
        return _parse_json_text(text)
    try:
        return _parse_csv_text(text)
    except PopulationFileError as error:
        if error.code != "population.no_header":
            raise
        suffix = filename.lower().rpartition(".")[2] if "." in filename else ""
        if suffix == "json":
            raise PopulationFileError("population.invalid_json", line=1, column=1) from error
        if suffix in _UNSUPPORTED_SUFFIXES:
            raise PopulationFileError(
                "population.unsupported_format", detected=_UNSUPPORTED_SUFFIXES[suffix]
            ) from error
        raise


def parse_json_stat2(data: bytes) -> PopulationTable:
    """Parse a JSON-stat2 dataset (PxWeb API v1 ``json-stat2`` or PxWebApi 2)."""
    return _parse_json_text(_text(data))


def parse_csv(data: bytes) -> PopulationTable:
    """Parse a CSV export from Statistikdatabasen (comma, semicolon or tab; wide or long)."""
    return _parse_csv_text(_text(data))


# --- Bytes to text -------------------------------------------------------------------------

_UNSUPPORTED_SUFFIXES: Final = {
    "xlsx": "xlsx",
    "xls": "xls",
    "ods": "zip",
    "zip": "zip",
    "pdf": "pdf",
    "px": "px",
    "html": "html",
    "htm": "html",
}


def _text(data: bytes) -> str:
    """The file as text, or an error for what is empty, binary or evidently not a table."""
    try:
        text = decode_text(data)
    except TableError as error:
        raise PopulationFileError.from_table(error) from error
    kind = text_kind(text)
    if kind is not None and kind != "json":
        raise PopulationFileError("population.unsupported_format", detected=kind)
    return text


# --- Words ---------------------------------------------------------------------------------


def _is_total(key: str) -> bool:
    return key.startswith(("tot", "samtlig", "all", "both", "bada"))


# Dimension names, as _key() leaves them.
_REGION_KEYS: Final = {
    "region",
    "regioner",
    "regionnamn",
    "regionname",
    "lan",
    "kommun",
    "county",
    "municipality",
    "geo",
    "omrade",
    "area",
}
_REGION_CODE_KEYS: Final = {
    "regionkod",
    "regionskod",
    "regioncode",
    "kod",
    "code",
    "lanskod",
    "kommunkod",
    "countycode",
    "municipalitycode",
}
_SEX_KEYS: Final = {"kon", "sex", "gender"}
_YEAR_KEYS: Final = {"tid", "ar", "year", "time", "period", "referensar"}
_CONTENTS_KEYS: Final = {
    "contentscode",
    "contents",
    "tabellinnehall",
    "innehall",
    "observations",
    "measure",
}
_VALUE_KEYS: Final = {"value", "values", "varde", "antal", "number", "count", "population"}
_POPULATION_KEYS: Final = {"folkmangd", "folkmangden", "population", "befolkning"}


def _dimension_role(name: str) -> str | None:
    """What a dimension or CSV column called ``name`` is, if it is one we know."""
    key = _key(name)
    if key in _REGION_KEYS:
        return "region"
    if key in _REGION_CODE_KEYS:
        return "region_code"
    if key.startswith("alder") or key in ("age", "ages", "agegroup", "agegroups"):
        return "age"
    if key in _SEX_KEYS:
        return "sex"
    if key.startswith(("civilstand", "maritalstatus")):
        return "civil"
    if key in _YEAR_KEYS:
        return "year"
    if key in _CONTENTS_KEYS:
        return "contents"
    return None


def _is_population_measure(label: str) -> bool:
    key = _key(label)
    return key.startswith("folkmangd") or "population" in key


def _pick_population(labels: Sequence[str]) -> int | None:
    """Which of several measures is the population, if exactly one evidently is."""
    candidates = [i for i, label in enumerate(labels) if _is_population_measure(label)]
    if len(candidates) > 1:
        candidates = [i for i in candidates if _key(labels[i]) in _POPULATION_KEYS]
    return candidates[0] if len(candidates) == 1 else None


# --- Regions -------------------------------------------------------------------------------

_COUNTRY_KEYS: Final = {"riket", "helariket", "sverige", "sweden", "wholecountry"}


def _region_code(token: str) -> str | None:
    """An SCB region code from digits, the leading zero restored if a spreadsheet dropped it."""
    if not (0 < len(token) <= 4 and token.isascii() and token.isdigit()):
        return None
    return token.zfill(2) if len(token) <= 2 else token.zfill(4)


@lru_cache(maxsize=4096)
def _split_region(text: str) -> tuple[str, str] | None:
    """``"2303 Ragunda"`` → ``("2303", "Ragunda")``; None when the text starts with no code.

    A first word that mixes digits and letters (a DeSO code like "2303A0010") is no region
    code we take.
    """
    stripped = text.strip()
    first, _, rest = stripped.partition(" ")
    code = _region_code(first)
    if code is not None:
        return code, rest.strip()
    if first[:1].isdigit():
        raise PopulationFileError("population.bad_region_code", value=first)
    if _key(stripped) in _COUNTRY_KEYS:
        return "00", stripped
    return None


def _name_without_code(label: str, code: str) -> str:
    stripped = label.strip()
    first, _, rest = stripped.partition(" ")
    if first in (code, code.lstrip("0")) and first:
        return rest.strip()
    return "" if stripped == code else stripped


# --- Ages ----------------------------------------------------------------------------------


class _AgeClass(NamedTuple):
    low: int
    high: int | None  # None: open-ended ("100+")
    band: int  # index into AGE_GROUPS
    label: str

    @property
    def end(self) -> float:
        return math.inf if self.high is None else self.high


_IGNORE: Final = "ignore"
_AGE_UNITS = re.compile(r"\b(ar|years?|yrs?|arsklass|arsaldern?)\b")
_AGE_SINGLE = re.compile(r"(\d{1,3})")
_AGE_RANGE = re.compile(r"(\d{1,3}) ?- ?(\d{1,3})")
_AGE_UP_TO = re.compile(r"- ?(\d{1,3})")
_AGE_OPEN = re.compile(
    r"(\d{1,3}) ?(?:\+ ?\d*|-|(?:och|eller|and|or) (?:aldre|over|older|above|more))"
)
_AGE_UNKNOWN_KEYS: Final = {"uppgiftsaknas", "okand", "okandalder", "unknown", "notstated", "us"}


def _age_interval(text: str) -> tuple[int, int | None] | str | None:
    """(low, high) of an age text, _IGNORE for totals and unknown age, None if not an age."""
    key = _key(text)
    if not key:
        return None
    if _is_total(key) or key in _AGE_UNKNOWN_KEYS:
        return _IGNORE
    plain = " ".join(_AGE_UNITS.sub(" ", fold(text)).split())
    if match := _AGE_SINGLE.fullmatch(plain):
        age = int(match[1])
        return age, age
    if match := _AGE_RANGE.fullmatch(plain):
        low, high = int(match[1]), int(match[2])
        return (low, high) if low <= high else None
    if match := _AGE_UP_TO.fullmatch(plain):
        return 0, int(match[1])
    if match := _AGE_OPEN.fullmatch(plain):
        return int(match[1]), None
    return None


def _band(age: int) -> int:
    return bisect_right(_BAND_LOWER, age) - 1


@lru_cache(maxsize=4096)
def _age_class(label: str, code: str = "") -> _AgeClass | None:
    """The age class of a category (label first, then code); None if it is to be left out."""
    interval = _age_interval(label)
    if interval is None and code:
        interval = _age_interval(code)
    if interval is None:
        raise PopulationFileError("population.unknown_age", value=label.strip() or code)
    if isinstance(interval, str):
        return None
    low, high = interval
    first = _band(low)
    last = len(AGE_GROUPS) - 1 if high is None else _band(high)
    if first != last:
        raise PopulationFileError(
            "population.age_band_straddles",
            value=label.strip() or code,
            bands=", ".join(AGE_GROUPS[first : last + 1]),
        )
    return _AgeClass(low, high, first, label.strip() or code)


def _ages_text(low: int, high: float) -> str:
    if high == math.inf:
        return f"{low}+"
    return str(low) if high == low else f"{low}–{int(high)}"


def _first_gap(classes: Iterable[_AgeClass]) -> tuple[int, float] | None:
    """The first ages, from 0 up, that none of the classes covers."""
    reach: float = 0
    for age_class in sorted(classes, key=lambda c: (c.low, c.end)):
        if age_class.low > reach:
            return int(reach), age_class.low - 1
        reach = max(reach, age_class.end + 1)
    return None if reach == math.inf else (int(reach), math.inf)


def _first_overlap(classes: Iterable[_AgeClass]) -> tuple[_AgeClass, _AgeClass] | None:
    widest: _AgeClass | None = None
    for age_class in sorted(classes, key=lambda c: (c.low, c.end)):
        if widest is not None and age_class.low <= widest.end:
            return widest, age_class
        if widest is None or age_class.end > widest.end:
            widest = age_class
    return None


def _gap_error(gap: tuple[int, float]) -> PopulationFileError:
    low, high = gap
    return PopulationFileError(
        "population.age_gap", ages=_ages_text(low, high), age_group=AGE_GROUPS[_band(low)]
    )


# --- Sexes, marital status, numbers, years -------------------------------------------------

_MEN: Final = {"man", "men", "male", "males", "pojkar", "boys", "m"}
_WOMEN: Final = {
    "kvinnor",
    "kvinna",
    "women",
    "woman",
    "female",
    "females",
    "flickor",
    "girls",
    "k",
}


def _sex_of_text(text: str) -> int | str | None:
    """Index into SEXES, _IGNORE for a total, None if not understood."""
    words = set(re.findall(r"[0-9a-z]+", fold(text)))
    key = _key(text)
    if (words & _MEN and words & _WOMEN) or _is_total(key) or key in ("t", "12"):
        return _IGNORE
    if key in _MEN or key == "1":
        return SEXES.index("man")
    if key in _WOMEN or key == "2":
        return SEXES.index("kvinna")
    return None


@lru_cache(maxsize=256)
def _sex(label: str, code: str = "") -> int | None:
    """Index into SEXES of a category (label first, then code); None for a total."""
    sex = _sex_of_text(label)
    if sex is None and code:
        sex = _sex_of_text(code)
    if sex is None:
        raise PopulationFileError("population.unknown_sex", value=label.strip() or code)
    return None if isinstance(sex, str) else sex


def _is_civil_total(label: str, code: str = "") -> bool:
    return _is_total(_key(label)) or _key(code) in ("sc", "tot", "totalt")


_NUMBER_SPACES: Final = str.maketrans(dict.fromkeys(" \u00a0\u2007\u2009\u202f'", ""))


def _count(text: str) -> int:
    """A count from a CSV cell: "1 234" and "1\u00a0234" are 1234, "-" is 0."""
    compact = text.strip().translate(_NUMBER_SPACES)
    if 0 < len(compact) <= 12 and compact.isascii() and compact.isdigit():
        count = int(compact)
        if count <= _MAX_CELL_COUNT:
            return count
    elif compact in ("-", "–", "—"):
        return 0
    raise PopulationFileError("population.bad_number", value=text.strip())


def _json_count(value: object) -> int:
    """A count from a JSON-stat value (not None; the caller handles missing ones)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PopulationFileError("population.bad_number", value=_show(value))
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise PopulationFileError("population.bad_number", value=_show(value))
        value = int(value)
    if not 0 <= value <= _MAX_CELL_COUNT:
        raise PopulationFileError("population.bad_number", value=_show(value))
    return value


def _show(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _year(text: str) -> int:
    stripped = text.strip()
    if not re.fullmatch(r"[0-9]{4}", stripped):
        raise PopulationFileError("population.bad_year", value=stripped)
    return int(stripped)


# --- The result ----------------------------------------------------------------------------

_SLOTS: Final = len(AGE_GROUPS) * len(SEXES)


def _slot(band: int, sex: int) -> int:
    return band * len(SEXES) + sex


def _build_table(
    year: int, names: Mapping[str, str], counts: Mapping[str, Sequence[int]], source: str
) -> PopulationTable:
    if not counts:
        raise PopulationFileError("population.no_data")
    rows = []
    for code in sorted(counts):
        for band, age_group in enumerate(AGE_GROUPS):
            for sex_index, sex in enumerate(SEXES):
                count = counts[code][_slot(band, sex_index)]
                if count > _MAX_TOTAL_COUNT:
                    raise PopulationFileError("population.bad_number", value=str(count))
                rows.append(PopulationRow(code, names[code], age_group, sex, count))
    return PopulationTable(year=year, rows=tuple(rows), source_format=source)


def _region_title(code: str, name: str) -> str:
    return f"{code} {name}".strip()


# --- JSON-stat2 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dimension:
    id: str
    label: str
    role: str | None
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    stride: int


def _malformed(detail: str) -> PopulationFileError:
    return PopulationFileError("population.malformed_json_stat", detail=detail)


def _parse_json_text(text: str) -> PopulationTable:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PopulationFileError(
            "population.invalid_json", line=error.lineno, column=error.colno
        ) from error
    except (ValueError, RecursionError) as error:  # e.g. a number with thousands of digits
        raise PopulationFileError("population.invalid_json") from error
    try:
        return _parse_dataset(document)
    except PopulationFileError:
        raise
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        # A shape the checks below did not foresee: still the user's file, not our crash.
        raise _malformed(type(error).__name__) from error


def _parse_dataset(document: object) -> PopulationTable:
    """A JSON-stat2 dataset, checked and added up by region × age group × sex."""
    dataset = _json_stat2(document)
    dimensions = _json_dimensions(dataset)
    total_cells = math.prod(len(d.codes) for d in dimensions)
    if total_cells > _MAX_CELLS:
        raise PopulationFileError("population.too_large", cells=total_cells, limit=_MAX_CELLS)
    get_value = _json_values(dataset.get("value"), total_cells)
    by_role = _json_roles(dimensions)
    year = _json_year(by_role["year"])
    base = _json_contents_offset(by_role.get("contents"))
    names, counts = _json_counts(by_role, get_value, base)
    return _build_table(year, names, counts, "json-stat2")


def _json_stat2(document: object) -> dict[str, object]:
    """The document, if it is a JSON-stat2 dataset (not version 1, not a collection)."""
    if not isinstance(document, dict):
        raise PopulationFileError("population.not_json_stat")
    if "dimension" not in document:
        if any(isinstance(v, dict) and "dimension" in v for v in document.values()):
            raise PopulationFileError("population.json_stat_version", version="1")
        raise PopulationFileError("population.not_json_stat")
    version = document.get("version")
    if version is not None and not str(version).startswith("2"):
        raise PopulationFileError("population.json_stat_version", version=str(version))
    if document.get("class", "dataset") != "dataset":
        raise PopulationFileError("population.not_json_stat")
    if version is None and "id" not in document:
        raise PopulationFileError("population.json_stat_version", version="1")
    return document


def _json_roles(dimensions: Iterable[_Dimension]) -> dict[str, _Dimension]:
    """Each variable the table must (region, age, sex, year) or may have, by its role."""
    by_role: dict[str, _Dimension] = {}
    for dimension in dimensions:
        role = dimension.role
        if role is None or role in by_role or role == "region_code":
            # Another variable is harmless only as its total: one value alone ("born in
            # Sweden") would be part of the population, several would be counted twice.
            if len(dimension.codes) != 1 or not _is_total_category(dimension, 0):
                raise PopulationFileError(
                    "population.unexpected_dimension", dimension=dimension.label
                )
            continue
        by_role[role] = dimension
    for role in ("region", "age", "sex", "year"):
        if role not in by_role:
            raise PopulationFileError("population.missing_dimension", dimension=role)
    return by_role


def _json_year(years: _Dimension) -> int:
    if len(years.codes) != 1:
        raise PopulationFileError("population.several_years", years=", ".join(years.labels))
    return _year(years.codes[0] if re.fullmatch(r"[0-9]{4}", years.codes[0]) else years.labels[0])


def _json_contents_offset(contents: _Dimension | None) -> int:
    """The offset of the population among several measures (0 with one measure or none)."""
    if contents is None or len(contents.codes) <= 1:
        return 0
    chosen = _pick_population(contents.labels)
    if chosen is None:
        raise PopulationFileError(
            "population.several_contents", contents=", ".join(contents.labels)
        )
    return chosen * contents.stride


def _json_counts(
    by_role: Mapping[str, _Dimension], get_value: Callable[[int], object], base: int
) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Each region's name and its counts by slot, the cells to use added up.

    ``base`` is the offset of the fixed categories of every other dimension."""
    regions = _json_regions(by_role["region"])
    ages = _json_ages(by_role["age"])
    sexes = _json_sexes(by_role["sex"])
    part_offsets = _json_civil_offsets(by_role.get("civil"))

    # Every cell of one region, relative to the region's first: (offset, slot, age, sex).
    walk = [
        (part + sex_offset + age_offset, _slot(band, sex), age_label, sex)
        for part in part_offsets
        for sex_offset, sex in sexes
        for age_offset, band, age_label in ages
    ]
    region_stride = by_role["region"].stride
    names: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for position, code, name in regions:
        acc = [0] * _SLOTS
        start = base + position * region_stride
        for offset, slot, age_label, sex in walk:
            value = get_value(start + offset)
            if type(value) is int and 0 <= value <= _MAX_CELL_COUNT:
                acc[slot] += value
            elif value is None:
                raise PopulationFileError(
                    "population.missing_value",
                    region=_region_title(code, name),
                    age=age_label,
                    sex=SEXES[sex],
                )
            else:
                acc[slot] += _json_count(value)
        names[code] = name
        counts[code] = acc
    return names, counts


def _is_total_category(dimension: _Dimension, position: int) -> bool:
    return _is_total(_key(dimension.labels[position])) or _is_total(_key(dimension.codes[position]))


def _json_civil_offsets(civil: _Dimension | None) -> list[int]:
    """The marital-status categories to add up: the total if there is one, else all."""
    if civil is None:
        return [0]
    totals = [
        i
        for i, (code, label) in enumerate(zip(civil.codes, civil.labels, strict=True))
        if _is_civil_total(label, code)
    ]
    if totals:
        return [totals[0] * civil.stride]
    if len(civil.codes) == 1:
        raise PopulationFileError("population.unexpected_dimension", dimension=civil.label)
    return [i * civil.stride for i in range(len(civil.codes))]


def _json_dimensions(document: dict[str, object]) -> list[_Dimension]:
    ids = document.get("id")
    sizes = document.get("size")
    dimension_map = document.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _malformed("“id” is not a list of dimension names")
    if len(set(ids)) != len(ids):
        raise _malformed("“id” names a dimension twice")
    if not isinstance(sizes, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes
    ):
        raise _malformed("“size” is not a list of whole numbers")
    if len(sizes) != len(ids):
        raise _malformed("“id” and “size” differ in length")
    if not isinstance(dimension_map, dict):
        raise _malformed("“dimension” is not an object")
    roles: dict[str, str] = {}
    role_map = document.get("role")
    if isinstance(role_map, dict):
        for json_role, ours in (("geo", "region"), ("time", "year"), ("metric", "contents")):
            listed = role_map.get(json_role)
            if isinstance(listed, list):
                for dimension_id in listed:
                    if isinstance(dimension_id, str):
                        roles.setdefault(dimension_id, ours)

    dimensions = []
    stride = 1
    for dimension_id, size in reversed(list(zip(ids, sizes, strict=True))):
        raw = dimension_map.get(dimension_id)
        if not isinstance(raw, dict):
            raise _malformed(f"dimension “{dimension_id}” is not described")
        label = raw.get("label")
        label = label if isinstance(label, str) and label.strip() else dimension_id
        codes, labels = _json_categories(dimension_id, raw.get("category"))
        if len(codes) != size:
            raise _malformed(f"dimension “{dimension_id}” has {len(codes)} categories, not {size}")
        role = _dimension_role(dimension_id) or _dimension_role(label) or roles.get(dimension_id)
        dimensions.append(_Dimension(dimension_id, label, role, codes, labels, stride))
        stride *= size
    dimensions.reverse()
    return dimensions


def _json_categories(
    dimension_id: str, category: object
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(category, dict):
        raise _malformed(f"dimension “{dimension_id}” has no categories")
    index = category.get("index")
    label_map = category.get("label")
    if not isinstance(label_map, dict):
        label_map = {}
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        positions = list(index.values())
        if sorted(p for p in positions if type(p) is int) != list(range(len(index))):
            raise _malformed(f"the category positions of “{dimension_id}” are not 0, 1, 2, …")
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    elif index is None and label_map:
        codes = [str(code) for code in label_map]
    else:
        raise _malformed(f"dimension “{dimension_id}” has no category index")
    if len(set(codes)) != len(codes):
        raise _malformed(f"dimension “{dimension_id}” lists a category twice")
    labels = []
    for code in codes:
        label = label_map.get(code)
        labels.append(label if isinstance(label, str) and label.strip() else code)
    return tuple(codes), tuple(labels)


def _json_values(values: object, total_cells: int) -> Callable[[int], object]:
    if isinstance(values, list):
        if len(values) != total_cells:
            raise _malformed(f"“value” has {len(values)} numbers, the dimensions {total_cells}")
        return values.__getitem__
    if isinstance(values, dict):
        sparse: dict[str, object] = values
        return lambda position: sparse.get(str(position))
    raise _malformed("“value” is neither a list nor an object")


def _json_regions(dimension: _Dimension) -> list[tuple[int, str, str]]:
    regions = []
    seen: set[str] = set()
    for position, (raw_code, label) in enumerate(
        zip(dimension.codes, dimension.labels, strict=True)
    ):
        code = _region_code(raw_code.strip())
        if code is not None:
            name = _name_without_code(label, raw_code.strip())
        else:
            split = _split_region(label) if not raw_code.strip()[:1].isdigit() else None
            if split is None:
                raise PopulationFileError("population.bad_region_code", value=raw_code)
            code, name = split
        if code in seen:
            raise _malformed(f"region {code} appears twice")
        seen.add(code)
        regions.append((position, code, name))
    return regions


def _json_ages(dimension: _Dimension) -> list[tuple[int, int, str]]:
    """(offset, band, label) of the age categories to add up."""
    used: list[tuple[int, _AgeClass]] = []
    for position, (code, label) in enumerate(zip(dimension.codes, dimension.labels, strict=True)):
        age_class = _age_class(label, code)
        if age_class is not None:
            used.append((position, age_class))
    classes = [age_class for _, age_class in used]
    if (overlap := _first_overlap(classes)) is not None:
        raise PopulationFileError(
            "population.overlapping_ages", value=overlap[0].label, other=overlap[1].label
        )
    if (gap := _first_gap(classes)) is not None:
        raise _gap_error(gap)
    return [(p * dimension.stride, c.band, c.label) for p, c in used]


def _json_sexes(dimension: _Dimension) -> list[tuple[int, int]]:
    """(offset, index into SEXES) of the sex categories to use."""
    used = []
    for position, (code, label) in enumerate(zip(dimension.codes, dimension.labels, strict=True)):
        sex = _sex(label, code)
        if sex is not None:
            used.append((position * dimension.stride, sex))
    _check_sexes({sex for _, sex in used})
    return used


def _check_sexes(present: set[int]) -> None:
    for index, sex in enumerate(SEXES):
        if index not in present:
            raise PopulationFileError("population.missing_sex", sex=sex)


# --- CSV -----------------------------------------------------------------------------------

_HEADER_SEARCH_LINES: Final = 50
_YEAR_IN_HEADER = re.compile(r"(?<![0-9])(1[6-9][0-9]{2}|2[0-9]{3})(?![0-9])")
_DIMENSION_ROLES: Final = frozenset({"region", "region_code", "age", "sex", "civil", "year"})
_VALUE_HEADER_KEYS: Final = _VALUE_KEYS | _POPULATION_KEYS | {"antalpersoner", "persons"}


@dataclass(frozen=True)
class _YearColumn:
    index: int
    header: str
    year: int
    sex: int | str | None  # from the header ("män 2023"), _IGNORE for a total, else None
    measure: str  # what else the header says ("folkmangd"), normalised; "" if nothing


@dataclass(frozen=True)
class _Layout:
    line: int  # of the header
    width: int
    columns: Mapping[str, int]  # role → column
    year_columns: Sequence[_YearColumn]


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[list[str], int]]:
    """The records of the text with their numbers, read by :func:`core.tables.csv_records`."""
    try:
        for number, row in csv_records(text, delimiter):
            yield row, number
    except TableError as error:
        raise PopulationFileError.from_table(error) from error


def _is_value_header(name: str) -> bool:
    """ "Folkmängd", "värde", "value", "antal", "Folkmängd 31 december" (but no year)."""
    key = _key(name)
    if key in _VALUE_HEADER_KEYS:
        return True
    return key.startswith("folkmangd") and not _YEAR_IN_HEADER.search(name)


def _header_score(row: Sequence[str]) -> tuple[int, int]:
    """How many variables, and how many recognisable columns, a line names."""
    roles = {_dimension_role(cell) for cell in row}
    recognised = sum(
        1
        for cell in row
        if cell.strip()
        and (
            _dimension_role(cell) is not None
            or _is_value_header(cell)
            or _year_column(0, cell) is not None
        )
    )
    return len(roles & _DIMENSION_ROLES), recognised


def _find_header(text: str) -> tuple[str, int, list[str]]:
    """The delimiter, line and cells of the header.

    That is the line among the first few that names at least two variables and has the most
    recognisable columns, under the delimiter that gives it the most; a title line
    ("Folkmängden efter region, ålder, kön och år") loses to the real header.
    """
    head = "\n".join(text.split("\n", _HEADER_SEARCH_LINES)[:_HEADER_SEARCH_LINES])
    best: tuple[int, int, str, list[str]] | None = None
    too_wide: int | None = None
    for delimiter in DELIMITERS:
        try:
            for row, line in _csv_rows(head, delimiter):
                if width(row) > _MAX_COLUMNS:
                    # Not scored: every cell costs, and such a header is refused anyway.
                    too_wide = line if too_wide is None else min(too_wide, line)
                    continue
                variables, recognised = _header_score(row)
                if variables >= 2 and (best is None or recognised > best[0]):
                    best = (recognised, line, delimiter, row)
        except PopulationFileError:
            continue  # not readable with this delimiter: the others may be
    if best is None:
        if too_wide is not None:
            raise PopulationFileError(
                "population.too_many_columns", limit=_MAX_COLUMNS, line=too_wide
            )
        raise PopulationFileError("population.no_header")
    _, line, delimiter, row = best
    return delimiter, line, row


def _layout(line: int, header: Sequence[str]) -> _Layout:
    columns: dict[str, int] = {}
    year_columns: list[_YearColumn] = []
    for index, cell in enumerate(header):
        name = cell.strip()
        if not name:
            continue
        role = _dimension_role(name)
        if role is None and _is_value_header(name):
            role = "value"
        if role is not None:
            if role in columns:
                raise PopulationFileError(
                    "population.unexpected_dimension", dimension=name, line=line
                )
            columns[role] = index
            continue
        year_column = _year_column(index, name)
        if year_column is None:
            raise PopulationFileError("population.unexpected_dimension", dimension=name, line=line)
        if year_column.sex != _IGNORE:
            year_columns.append(year_column)
    return _Layout(line, len(header), columns, year_columns)


def _year_column(index: int, header: str) -> _YearColumn | None:
    """A header such as "2023", "Folkmängd 2023", "män 2023" or "Folkmängd män 2023"."""
    found = _YEAR_IN_HEADER.findall(header)
    if len(found) != 1:
        return None
    words = _YEAR_IN_HEADER.sub(" ", header).split()
    measure = ""
    if len(words) > 1 and _is_population_measure(words[0]):
        measure, words = fold(words[0]), words[1:]
    elif len(words) > 1 and _is_population_measure(words[-1]):
        measure, words = fold(words[-1]), words[:-1]
    rest = " ".join(words)
    sex = _sex_of_text(rest) if rest else None
    if rest and sex is None:
        measure = fold(" ".join(header.split()).replace(found[0], " ")).strip()
    return _YearColumn(index, header.strip(), int(found[0]), sex, measure)


def _choose_year_columns(layout: _Layout) -> list[_YearColumn]:
    columns = list(layout.year_columns)
    measures = sorted({c.measure for c in columns})
    if len(measures) > 1:
        chosen = _pick_population([m or "folkmängd" for m in measures])
        if chosen is None:
            shown = ", ".join(c.header for c in columns)
            raise PopulationFileError(
                "population.several_contents", contents=shown, line=layout.line
            )
        columns = [c for c in columns if c.measure == measures[chosen]]
    years = sorted({c.year for c in columns})
    if len(years) > 1:
        raise PopulationFileError(
            "population.several_years", years=", ".join(map(str, years)), line=layout.line
        )
    return columns


class _Accumulator:
    """Counts by region × age group × sex, with what is needed to check completeness."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.counts: dict[str, list[int]] = {}
        # (region, sex, marital status) → {(low, high): (label, line)}
        self.groups: dict[tuple[str, int, str], dict[tuple[int, int | None], tuple[str, int]]] = {}
        self.parts: set[str] = set()

    def add(
        self, code: str, name: str, age: _AgeClass, sex: int, part: str, count: int, line: int
    ) -> None:
        counts = self.counts.get(code)
        if counts is None:
            counts = self.counts[code] = [0] * _SLOTS
            self.names[code] = name
        group = self.groups.setdefault((code, sex, part), {})
        key = (age.low, age.high)
        if key in group:
            raise PopulationFileError(
                "population.duplicate_row",
                region=_region_title(code, self.names[code]),
                age=age.label,
                sex=SEXES[sex],
                line=line,
            )
        group[key] = (age.label, line)
        self.parts.add(part)
        counts[_slot(age.band, sex)] += count

    def check(self) -> None:
        """Every region complete: both sexes, every marital status, all ages exactly once."""
        if not self.counts:
            raise PopulationFileError("population.no_data")
        labels = {age: label for group in self.groups.values() for age, (label, _) in group.items()}
        everything = [
            _AgeClass(low, high, _band(low), label) for (low, high), label in labels.items()
        ]
        if (gap := _first_gap(everything)) is not None:
            raise _gap_error(gap)
        _check_sexes({sex for _, sex, _ in self.groups})
        for code in sorted(self.counts):
            region = _region_title(code, self.names[code])
            for sex in range(len(SEXES)):
                for part in sorted(self.parts):
                    group = self.groups.get((code, sex, part))
                    if group is None:
                        raise PopulationFileError(
                            "population.incomplete_region",
                            region=region,
                            age_group=AGE_GROUPS[0],
                            sex=SEXES[sex],
                        )
                    self._check_group(region, sex, group)

    @staticmethod
    def _check_group(
        region: str, sex: int, group: Mapping[tuple[int, int | None], tuple[str, int]]
    ) -> None:
        classes = [_AgeClass(lo, hi, _band(lo), label) for (lo, hi), (label, _) in group.items()]
        if (overlap := _first_overlap(classes)) is not None:
            wide, narrow = overlap
            line = max(group[(wide.low, wide.high)][1], group[(narrow.low, narrow.high)][1])
            raise PopulationFileError(
                "population.overlapping_ages", value=wide.label, other=narrow.label, line=line
            )
        if (gap := _first_gap(classes)) is not None:
            raise PopulationFileError(
                "population.incomplete_region",
                region=region,
                age_group=AGE_GROUPS[_band(gap[0])],
                sex=SEXES[sex],
            )


def _parse_csv_text(text: str) -> PopulationTable:
    try:
        return _parse_csv_rows(text)
    except PopulationFileError:
        raise
    except (KeyError, IndexError, TypeError, ValueError) as error:
        # A shape the checks did not foresee: still the user's file, not our crash.
        raise PopulationFileError("population.bad_csv", detail=type(error).__name__) from error


def _parse_csv_rows(text: str) -> PopulationTable:
    delimiter, header_line, header = _find_header(text)
    layout = _layout(header_line, header)
    columns = layout.columns

    def header_error(code: str, **params: object) -> PopulationFileError:
        return PopulationFileError(code, **params, line=header_line)

    if "region" not in columns and "region_code" not in columns:
        raise header_error("population.missing_dimension", dimension="region")
    if "age" not in columns:
        raise header_error("population.missing_dimension", dimension="age")
    long_format = "value" in columns
    year_columns: list[_YearColumn] = []
    if long_format:
        if layout.year_columns:
            raise header_error(
                "population.unexpected_dimension", dimension=layout.year_columns[0].header
            )
        if "year" not in columns:
            raise header_error("population.missing_dimension", dimension="year")
    else:
        if not layout.year_columns:
            raise header_error("population.no_value_column")
        if "year" in columns:
            raise header_error(
                "population.unexpected_dimension", dimension=header[columns["year"]].strip()
            )
        year_columns = _choose_year_columns(layout)
    sexed = [c for c in year_columns if c.sex is not None]
    if "sex" in columns and sexed:
        raise header_error("population.unexpected_dimension", dimension=sexed[0].header)
    if "sex" not in columns and not (year_columns and len(sexed) == len(year_columns)):
        raise header_error("population.missing_dimension", dimension="sex")

    rows = _only_population_rows(_data_rows(text, delimiter, layout), columns)
    civil_header = header[columns["civil"]].strip() if "civil" in columns else ""
    use_civil_totals = _civil_totals(rows, columns, civil_header)
    if long_format:
        years = sorted({_csv_cell(row, columns["year"], line, _year) for row, line in rows})
        if len(years) > 1:
            raise PopulationFileError("population.several_years", years=", ".join(map(str, years)))
        year = years[0] if years else 0
    else:
        year = year_columns[0].year

    acc = _Accumulator()
    for row, line in rows:
        try:
            _add_row(acc, row, line, columns, year_columns, use_civil_totals)
        except PopulationFileError as error:
            raise error.at_line(line) from None
    acc.check()
    return _build_table(year, acc.names, acc.counts, "csv")


def _csv_cell(row: Sequence[str], column: int, line: int, parse: Callable[[str], int]) -> int:
    try:
        return parse(row[column])
    except PopulationFileError as error:
        raise error.at_line(line) from None


def _data_rows(text: str, delimiter: str, layout: _Layout) -> list[tuple[list[str], int]]:
    """The rows after the header with their lines; a blank variable cell repeats the one above.

    Blank lines, and lines of a single field (a footnote under the table), are skipped.
    """
    fill_columns = [column for role, column in layout.columns.items() if role != "value"]
    previous: dict[int, str] = {}
    rows = []
    for row, line in _csv_rows(text, delimiter):
        if line <= layout.line or len(row) <= 1:
            continue
        if not any(row) or not any(cell.strip() for cell in row):
            continue
        if len(row) > layout.width and not any(cell.strip() for cell in row[layout.width :]):
            row = row[: layout.width]  # trailing delimiters
        if len(row) != layout.width:
            raise PopulationFileError(
                "population.ragged_row", found=len(row), expected=layout.width, line=line
            )
        for column in fill_columns:
            if row[column].strip():
                previous[column] = row[column]
            elif column in previous:
                row[column] = previous[column]
        rows.append((row, line))
    return rows


def _only_population_rows(
    rows: list[tuple[list[str], int]], columns: Mapping[str, int]
) -> list[tuple[list[str], int]]:
    """With a measure column listing several measures, the rows of the population."""
    if "contents" not in columns:
        return rows
    column = columns["contents"]
    measures = sorted({row[column].strip() for row, _ in rows})
    if len(measures) <= 1:
        return rows
    chosen = _pick_population(measures)
    if chosen is None:
        raise PopulationFileError("population.several_contents", contents=", ".join(measures))
    return [(row, line) for row, line in rows if row[column].strip() == measures[chosen]]


def _civil_totals(
    rows: Sequence[tuple[list[str], int]], columns: Mapping[str, int], header: str
) -> bool:
    """Whether to use the marital-status total rows (True) or sum the statuses (False)."""
    if "civil" not in columns:
        return False
    statuses = {row[columns["civil"]].strip() for row, _ in rows}
    if any(_is_civil_total(status) for status in statuses):
        return True
    if len(statuses) == 1:
        # One marital status alone is part of the population, not all of it.
        raise PopulationFileError(
            "population.unexpected_dimension", dimension=header, line=rows[0][1]
        )
    return False


def _add_row(
    acc: _Accumulator,
    row: Sequence[str],
    line: int,
    columns: Mapping[str, int],
    year_columns: Sequence[_YearColumn],
    use_civil_totals: bool,
) -> None:
    part = ""
    if "civil" in columns:
        civil = row[columns["civil"]]
        if use_civil_totals != _is_civil_total(civil):
            return
        part = "" if use_civil_totals else fold(civil)
    age = _age_class(row[columns["age"]])
    if age is None:
        return
    row_sex = _sex(row[columns["sex"]]) if "sex" in columns else None
    if "sex" in columns and row_sex is None:
        return  # the total of both sexes
    code, name = _csv_region(row, columns)
    if "value" in columns:
        if row_sex is not None:  # always: a long table has a sex column
            acc.add(code, name, age, row_sex, part, _count(row[columns["value"]]), line)
        return
    for year_column in year_columns:
        sex = year_column.sex if isinstance(year_column.sex, int) else row_sex
        if sex is not None:  # always: a sex column, or a sex in every year column
            acc.add(code, name, age, sex, part, _count(row[year_column.index]), line)


def _csv_region(row: Sequence[str], columns: Mapping[str, int]) -> tuple[str, str]:
    name_cell = row[columns["region"]].strip() if "region" in columns else ""
    if "region_code" in columns:
        raw = row[columns["region_code"]].strip()
        code = _region_code(raw)
        if code is None:
            raise PopulationFileError("population.bad_region_code", value=raw)
        return code, _name_without_code(name_cell, raw)
    split = _split_region(name_cell)
    if split is None:
        raise PopulationFileError("population.region_without_code", value=name_cell)
    return split
