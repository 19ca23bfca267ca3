"""The SCB population file parser: fixtures in every format, aggregation, and every error."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from delaktig.core.errors import ValidationFailed
from delaktig.insights import suppression
from delaktig.population.scb import (
    AGE_GROUPS,
    ERROR_CODES,
    SEXES,
    PopulationFileError,
    PopulationRow,
    PopulationTable,
    parse_csv,
    parse_json_stat2,
    parse_population_file,
)

DATA = Path(__file__).parent / "data" / "scb"
SRC = Path(__file__).parent.parent / "src"

# The made-up fixtures aggregated by hand from their generating formula, in row order:
# for each age group, kvinna then man.
EXPECTED = {
    "2303": [807, 802, 464, 472, 755, 748, 997, 999, 854, 864, 323, 279],
    "2305": [908, 903, 510, 518, 840, 833, 1116, 1135, 971, 947, 349, 327],
    "2380": [10370, 10365, 5955, 5946, 9595, 9605, 12812, 12797, 11029, 11039, 4054, 3756],
}
NAMES = {"2303": "Ragunda", "2305": "Bräcke", "2380": "Östersund"}
SAME_TABLE = [
    "folkmangd_jamtland_2023.json",
    "folkmangd_jamtland_2023_komma.csv",
    "folkmangd_jamtland_2023_semikolon_cp1252.csv",
    "folkmangd_jamtland_2023_tabb_engelska.csv",
]

# With one person of every single year of age 0–99 and one aged 100+, per sex.
ONE_EACH = [18, 18, 12, 12, 15, 15, 20, 20, 15, 15, 21, 21]


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def counts(table: PopulationTable) -> dict[str, list[int]]:
    """Region → its 12 counts in row order; checks the rows are complete and sorted."""
    out: dict[str, list[int]] = {}
    for row in table.rows:
        out.setdefault(row.region_code, []).append(row.count)
    expected_keys = [
        (code, age_group, sex) for code in sorted(out) for age_group in AGE_GROUPS for sex in SEXES
    ]
    assert [(r.region_code, r.age_group, r.sex) for r in table.rows] == expected_keys
    return out


# --- Building tables in memory ---------------------------------------------------------------

Categories = Sequence[tuple[str, str]]
SINGLE_AGES: Categories = [(str(a), f"{a} år") for a in range(100)] + [("100+", "100+ år")]
AGE_LABELS = [label for _, label in SINGLE_AGES]
SEX: Categories = [("1", "män"), ("2", "kvinnor")]
RAGUNDA: Categories = [("2303", "Ragunda")]


def cube(
    dims: Sequence[tuple[str, Categories]],
    value: Callable[[dict[str, str]], object] = lambda cell: 1,
    **extra: object,
) -> dict[str, Any]:
    """A JSON-stat2 dataset with these dimensions; ``value`` gives each cell from its codes."""
    ids = [dim_id for dim_id, _ in dims]
    codes = [[code for code, _ in cats] for _, cats in dims]
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "id": ids,
        "size": [len(cats) for _, cats in dims],
        "dimension": {
            dim_id: {
                "label": dim_id.lower(),
                "category": {
                    "index": {code: i for i, (code, _) in enumerate(cats)},
                    "label": dict(cats),
                },
            }
            for dim_id, cats in dims
        },
        "value": [value(dict(zip(ids, cell, strict=True))) for cell in product(*codes)],
    }
    doc.update(extra)
    return doc


def dims(
    *,
    regions: Categories = RAGUNDA,
    ages: Categories = SINGLE_AGES,
    sexes: Categories = SEX,
    contents: Categories = (("BE0101N1", "Folkmängd"),),
    years: Categories = (("2023", "2023"),),
    extra: Sequence[tuple[str, Categories]] = (),
) -> list[tuple[str, Categories]]:
    return [
        ("Region", regions),
        *extra,
        ("Alder", ages),
        ("Kon", sexes),
        ("ContentsCode", contents),
        ("Tid", years),
    ]


def encode(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def js(**kwargs: object) -> bytes:
    """A JSON-stat2 file of one Ragunda with one person per age and sex, altered by kwargs."""
    value = kwargs.pop("value", lambda cell: 1)
    return encode(cube(dims(**kwargs), value))


def quote(cell: object) -> str:
    return str(cell) if isinstance(cell, int) else '"' + str(cell).replace('"', '""') + '"'


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    title: bool = True,
    encoding: str = "utf-8",
) -> bytes:
    lines = ['"Folkmängden efter region, ålder, kön och år"', ""] if title else []
    lines.append(delimiter.join(quote(h) for h in header))
    lines += [delimiter.join(quote(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def ages_rows(
    region: str = "2303 Ragunda",
    *,
    ages: Iterable[str] = AGE_LABELS,
    sexes: Sequence[str] = ("män", "kvinnor"),
    value: object = 1,
) -> list[list[object]]:
    return [[region, age, sex, value] for age in ages for sex in sexes]


WIDE = ["region", "ålder", "kön", "2023"]


def wide(rows: Iterable[Sequence[object]], **kwargs: object) -> bytes:
    return csv_bytes(WIDE, rows, **kwargs)


# --- Interface -------------------------------------------------------------------------------


def test_age_groups_and_sexes_are_the_platforms() -> None:
    assert AGE_GROUPS == suppression.AGE_GROUPS
    assert AGE_GROUPS == ["0–17", "18–29", "30–44", "45–64", "65–79", "80+"]
    assert SEXES == ("kvinna", "man")


@pytest.mark.parametrize("age", range(101))
def test_each_age_lands_in_the_platforms_age_group(age: int) -> None:
    code = "100+" if age == 100 else str(age)
    table = parse_json_stat2(js(value=lambda cell: int(cell["Alder"] == code)))
    groups = {(row.age_group, row.sex) for row in table.rows if row.count}
    expected = suppression.age_group(2023 - age, 2023)
    assert groups == {(expected, "kvinna"), (expected, "man")}


def test_the_parser_does_not_import_django() -> None:
    code = (
        "import sys; import delaktig.population.scb; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_error_is_a_validation_failed_with_a_prefixed_code_and_params() -> None:
    error = PopulationFileError("population.unknown_age", value="gammal", line=7)
    assert isinstance(error, ValidationFailed) and error.status == 400
    assert error.code == "population.unknown_age"
    assert error.params == {"value": "gammal", "line": 7}
    assert str(error) == "population.unknown_age(line=7, value='gammal')"
    assert error.at_line(9) is error
    assert PopulationFileError("population.unknown_age", value="x").at_line(9).params == {
        "value": "x",
        "line": 9,
    }
    with pytest.raises(ValueError, match="unknown population file error code"):
        PopulationFileError("population.no_such_code")
    with pytest.raises(ValueError, match="unknown population file error code"):
        PopulationFileError("unknown_age")


def test_rows_are_frozen() -> None:
    row = PopulationRow("2303", "Ragunda", "0–17", "man", 5)
    with pytest.raises(AttributeError):
        row.count = 6


# --- The fixtures ----------------------------------------------------------------------------


def test_json_stat2_fixture_exact_counts() -> None:
    table = parse_json_stat2(fixture("folkmangd_jamtland_2023.json"))
    assert table.year == 2023
    assert table.source_format == "json-stat2"
    assert counts(table) == EXPECTED
    assert {r.region_code: r.region_name for r in table.rows} == NAMES
    assert len(table.rows) == 3 * 12
    # Ragunda's explicit zero (no man aged 100+) is kept, not treated as missing.
    assert sum(r.count for r in table.rows) == 8364 + 9357 + 107323
    first = table.rows[0]
    assert first == PopulationRow("2303", "Ragunda", "0–17", "kvinna", 807)


@pytest.mark.parametrize("name", SAME_TABLE)
def test_every_format_gives_the_same_table(name: str) -> None:
    table = parse_population_file(fixture(name), filename=name)
    reference = parse_json_stat2(fixture(SAME_TABLE[0]))
    assert table.rows == reference.rows
    assert table.year == 2023
    assert table.source_format == ("json-stat2" if name.endswith(".json") else "csv")
    assert counts(table) == EXPECTED


@pytest.mark.parametrize("name", SAME_TABLE[1:])
def test_parse_csv_reads_the_csv_fixtures(name: str) -> None:
    assert counts(parse_csv(fixture(name))) == EXPECTED


def test_pxwebapi2_fixture_sums_marital_status_and_picks_population() -> None:
    table = parse_population_file(fixture("folkmangd_bracke_2023_pxwebapi2.json"))
    assert counts(table) == {"2305": EXPECTED["2305"]}
    assert {r.region_name for r in table.rows} == {"Bräcke"}
    reference = parse_json_stat2(fixture(SAME_TABLE[0]))
    assert table.rows == tuple(r for r in reference.rows if r.region_code == "2305")


def test_content_decides_the_format_not_the_name() -> None:
    json_bytes = fixture("folkmangd_jamtland_2023.json")
    csv_file = fixture("folkmangd_jamtland_2023_komma.csv")
    assert parse_population_file(json_bytes, filename="befolkning.csv").source_format == (
        "json-stat2"
    )
    assert parse_population_file(csv_file, filename="befolkning.json").source_format == "csv"
    assert parse_population_file(csv_file, filename="befolkning.xlsx").source_format == "csv"


# --- JSON-stat2 variants ---------------------------------------------------------------------


def test_json_one_person_each_aggregates_into_bands() -> None:
    assert counts(parse_json_stat2(js())) == {"2303": ONE_EACH}


def test_json_index_as_array_and_sparse_values() -> None:
    dense = cube(dims(), lambda cell: int(cell["Alder"].rstrip("+")) + int(cell["Kon"]))
    sparse = json.loads(json.dumps(dense))
    for dimension in sparse["dimension"].values():
        category = dimension["category"]
        category["index"] = list(category["index"])
    sparse["value"] = {str(i): v for i, v in enumerate(dense["value"]) if v}
    assert parse_json_stat2(encode(sparse)).rows == parse_json_stat2(encode(dense)).rows


@pytest.mark.parametrize(
    "ids",
    [
        ("region", "ålder", "kön", "tabellinnehåll", "år"),
        ("Region", "age", "sex", "ContentsCode", "year"),
        ("REGION", "ALDER", "KON", "CONTENTSCODE", "TID"),
    ],
)
def test_json_dimension_ids_in_any_case_and_language(ids: Sequence[str]) -> None:
    renamed = [(new, cats) for new, (_, cats) in zip(ids, dims(), strict=True)]
    assert counts(parse_json_stat2(encode(cube(renamed)))) == {"2303": ONE_EACH}


def test_json_dimensions_recognised_by_label_or_role() -> None:
    doc = cube(
        [
            ("R", RAGUNDA),
            ("A", SINGLE_AGES),
            ("K", SEX),
            ("C", [("BE0101N1", "Folkmängd")]),
            ("T", [("2023", "2023")]),
        ]
    )
    dimension = doc["dimension"]
    assert isinstance(dimension, dict)
    dimension["A"]["label"] = "ålder"
    dimension["K"]["label"] = "kön"
    doc["role"] = {"geo": ["R"], "time": ["T"], "metric": ["C"]}
    assert counts(parse_json_stat2(encode(doc))) == {"2303": ONE_EACH}


def test_json_region_labels_with_codes_and_the_whole_country() -> None:
    regions = [("00", "Riket"), ("23", "23 Jämtlands län"), ("2303", "2303 Ragunda")]
    table = parse_json_stat2(js(regions=regions))
    assert {r.region_code: r.region_name for r in table.rows} == {
        "00": "Riket",
        "23": "Jämtlands län",
        "2303": "Ragunda",
    }


def test_json_totals_are_left_out_not_double_counted() -> None:
    ages = [*SINGLE_AGES, ("tot", "totalt ålder")]
    sexes = [("TotSa", "totalt, samtliga män och kvinnor"), *SEX, ("1+2", "totalt")]
    civil = [("SC", "totalt, samtliga civilstånd"), ("OG", "ogifta"), ("G", "gifta")]

    def value(cell: dict[str, str]) -> object:
        if cell["Alder"] == "tot" or cell["Kon"] in ("TotSa", "1+2"):
            return None if cell["Civilstand"] == "G" else 10**6  # never read
        return 1 if cell["Civilstand"] == "SC" else 10**5  # only the total is read

    doc = cube(dims(ages=ages, sexes=sexes, extra=[("Civilstand", civil)]), value)
    assert counts(parse_json_stat2(encode(doc))) == {"2303": ONE_EACH}


def test_json_marital_statuses_are_summed_without_a_total() -> None:
    civil = [("OG", "ogifta"), ("G", "gifta"), ("ÄNKL", "änkor/änklingar"), ("SK", "skilda")]
    doc = cube(dims(extra=[("Civilstand", civil)]))
    assert counts(parse_json_stat2(encode(doc))) == {"2303": [4 * n for n in ONE_EACH]}


def test_json_other_variable_at_its_total_is_harmless() -> None:
    extra = [("Fodelseregion", [("tot", "totalt, samtliga födelseregioner")])]
    assert counts(parse_json_stat2(js(extra=extra))) == {"2303": ONE_EACH}


def test_json_age_classes_that_fit_the_bands() -> None:
    ages = [
        ("-4", "0-4 år"),
        ("5-9", "5-9 år"),
        ("10-14", "10–14 år"),
        *[(str(a), f"{a} år") for a in range(15, 20)],
        *[(f"{a}-{a + 4}", f"{a}-{a + 4} år") for a in range(20, 85, 5)],
        ("85+", "85 år eller äldre"),
    ]
    table = parse_json_stat2(js(ages=ages))
    # 0–17: three classes + 15, 16, 17; 18–29: 18, 19 + two classes; 30–44: three; 45–64:
    # four; 65–79: three; 80+: 80-84 and 85+.
    assert counts(table) == {"2303": [6, 6, 4, 4, 3, 3, 4, 4, 3, 3, 2, 2]}


def test_json_pxwebapi2_age_codes_and_english_labels() -> None:
    ages = [(str(a), f"{a} years") for a in range(100)] + [("100+1", "100+ years")]
    table = parse_json_stat2(js(ages=ages, sexes=[("1", "men"), ("2", "women")]))
    assert counts(table) == {"2303": ONE_EACH}
    # Without labels, the codes are read.
    doc = cube(dims(ages=ages))
    for dimension in doc["dimension"].values():
        del dimension["category"]["label"]
    assert counts(parse_json_stat2(encode(doc))) == {"2303": ONE_EACH}


def test_json_floats_that_are_whole_numbers_are_counts() -> None:
    assert counts(parse_json_stat2(js(value=lambda cell: 1.0))) == {"2303": ONE_EACH}


def test_json_picks_the_population_among_several_measures() -> None:
    contents = [("BE0101N2", "Folkökning"), ("BE0101N1", "Folkmängd")]
    doc = js(contents=contents, value=lambda c: 1 if c["ContentsCode"] == "BE0101N1" else -5)
    assert counts(parse_json_stat2(doc)) == {"2303": ONE_EACH}


def test_whole_country_table_parses_with_exact_totals() -> None:
    counties = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13"]
    counties += ["14", "17", "18", "19", "20", "21", "22", "23", "24", "25"]
    municipalities = [f"{counties[i % 21]}{10 + i // 21:02d}" for i in range(290)]
    regions = (
        [("00", "Riket")]
        + [(c, f"Län {c}") for c in counties]
        + [(m, f"Kommun {m}") for m in municipalities]
    )
    ages = [*SINGLE_AGES, ("tot", "totalt ålder")]
    index = {code: i for i, (code, _) in enumerate(regions)}

    def value(cell: dict[str, str]) -> int:
        if cell["Alder"] == "tot":
            return 0
        age = int(cell["Alder"].rstrip("+"))
        return (index[cell["Region"]] * 7 + age * 3 + int(cell["Kon"])) % 50

    doc = cube(dims(regions=regions, ages=ages), value)
    assert len(doc["value"]) == 312 * 102 * 2
    table = parse_population_file(encode(doc))
    assert len(table.rows) == 312 * 12
    assert len(counts(table)) == 312
    by_cell = {(r.region_code, r.age_group, r.sex): r.count for r in table.rows}
    bands = [(0, 17), (18, 29), (30, 44), (45, 64), (65, 79), (80, 100)]
    for code, i in index.items():
        for (low, high), age_group in zip(bands, AGE_GROUPS, strict=True):
            for sex_code, sex in (("1", "man"), ("2", "kvinna")):
                expected = sum((i * 7 + a * 3 + int(sex_code)) % 50 for a in range(low, high + 1))
                assert by_cell[(code, age_group, sex)] == expected
    assert sum(table_row.count for table_row in table.rows) == sum(v for v in doc["value"])


# --- CSV variants ----------------------------------------------------------------------------


def test_csv_wide_with_title_comma() -> None:
    assert counts(parse_csv(wide(ages_rows()))) == {"2303": ONE_EACH}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("title", [True, False])
def test_csv_delimiters_encodings_and_titles(delimiter: str, encoding: str, title: bool) -> None:
    data = wide(ages_rows(), delimiter=delimiter, encoding=encoding, title=title)
    table = parse_population_file(data)
    assert counts(table) == {"2303": ONE_EACH}
    assert table.rows[0].region_name == "Ragunda"


def test_csv_unquoted_title_with_commas_is_not_the_header() -> None:
    body = wide(ages_rows(), title=False).decode()
    data = "Folkmängd efter region, ålder, kön och år\r\n\r\n" + body
    assert counts(parse_csv(data.encode())) == {"2303": ONE_EACH}


def test_csv_long_format_with_year_and_value_columns() -> None:
    header = ["region", "ålder", "kön", "år", "Folkmängd"]
    rows = [[r, a, s, "2023", v] for r, a, s, v in ages_rows()]
    table = parse_csv(csv_bytes(header, rows, delimiter=";"))
    assert table.year == 2023
    assert counts(table) == {"2303": ONE_EACH}


def test_csv_long_format_value_column_names() -> None:
    for value_header in ("Folkmängd 31 december", "värde", "value", "Antal"):
        header = ["region", "ålder", "kön", "år", value_header]
        rows = [[r, a, s, 2023, v] for r, a, s, v in ages_rows()]
        assert counts(parse_csv(csv_bytes(header, rows))) == {"2303": ONE_EACH}


def test_csv_english_export() -> None:
    rows = [
        ["2303 Ragunda", "100+ years" if a == 100 else f"{a} years", sex, 1]
        for a in range(101)
        for sex in ("men", "women")
    ]
    assert counts(parse_csv(csv_bytes(["region", "age", "sex", "2023"], rows))) == {
        "2303": ONE_EACH
    }


def test_csv_thousands_separators_and_dash_as_zero() -> None:
    rows = ages_rows(value=1)
    rows[0][3] = "1 000"  # 0 år, män: plain space
    rows[1][3] = "2\u00a0000"  # 0 år, kvinnor: non-breaking space
    rows[2][3] = "-"  # 1 år, män: nothing
    rows[3][3] = "3\u202f000"  # 1 år, kvinnor: narrow no-break space
    table = counts(parse_csv(wide(rows)))["2303"]
    assert table[:2] == [18 - 2 + 2000 + 3000, 18 - 2 + 1000]


def test_csv_codes_and_names_of_regions() -> None:
    rows = (
        ages_rows("00 Riket")
        + ages_rows("2303")
        + ages_rows("114 Upplands Väsby")
        + ages_rows("1 Stockholms län")
    )
    table = parse_csv(wide(rows))
    assert {r.region_code: r.region_name for r in table.rows} == {
        "00": "Riket",
        "01": "Stockholms län",
        "0114": "Upplands Väsby",
        "2303": "",
    }
    alone = parse_csv(wide(ages_rows("Riket")))
    assert {(r.region_code, r.region_name) for r in alone.rows} == {("00", "Riket")}


def test_csv_separate_code_column() -> None:
    header = ["regionkod", "region", "ålder", "kön", "2023"]
    rows = [["2303", "Ragunda", a, s, v] for _, a, s, v in ages_rows()]
    table = parse_csv(csv_bytes(header, rows))
    assert counts(table) == {"2303": ONE_EACH}
    assert table.rows[0].region_name == "Ragunda"


def test_csv_sexes_and_measure_in_the_year_columns() -> None:
    header = ["region", "ålder", "Folkmängd män 2023", "Folkmängd kvinnor 2023", "totalt 2023"]
    rows = [["2303 Ragunda", label, 1, 1, 2] for _, label in SINGLE_AGES]
    assert counts(parse_csv(csv_bytes(header, rows))) == {"2303": ONE_EACH}
    header = ["region", "ålder", "kön", "Folkmängd 2023", "Folkökning 2023"]
    rows = [[r, a, s, v, -3] for r, a, s, v in ages_rows()]
    assert counts(parse_csv(csv_bytes(header, rows))) == {"2303": ONE_EACH}


def test_csv_measure_column_picks_the_population() -> None:
    header = ["region", "ålder", "kön", "tabellinnehåll", "2023"]
    rows = [
        [r, a, s, m, v if m == "Folkmängd" else 99]
        for r, a, s, v in ages_rows()
        for m in (
            "Folkmängd",
            "Folkökning",
        )
    ]
    assert counts(parse_csv(csv_bytes(header, rows))) == {"2303": ONE_EACH}


def test_csv_marital_status_total_or_sum() -> None:
    header = ["region", "civilstånd", "ålder", "kön", "2023"]
    with_total = [
        [r, c, a, s, v if c.startswith("totalt") else 50]
        for r, a, s, v in ages_rows()
        for c in ("totalt, samtliga civilstånd", "ogifta", "gifta")
    ]
    assert counts(parse_csv(csv_bytes(header, with_total))) == {"2303": ONE_EACH}
    parts = [[r, c, a, s, v] for r, a, s, v in ages_rows() for c in ("ogifta", "gifta")]
    assert counts(parse_csv(csv_bytes(header, parts))) == {"2303": [2 * n for n in ONE_EACH]}


def test_csv_totals_blank_cells_trailing_delimiters_and_footnotes() -> None:
    rows = ages_rows(ages=["totalt ålder", *AGE_LABELS])
    rows += [["2303 Ragunda", a, "totalt", 2] for _, a in SINGLE_AGES]
    for row in rows[1:]:
        row[0] = ""  # as a spreadsheet-style export leaves repeated labels out
    text = wide(rows).decode().replace("\r\n", ",\r\n")  # a trailing delimiter on every line
    text += '\r\n"Källa: påhittade siffror"\r\n'
    assert counts(parse_csv(text.encode())) == {"2303": ONE_EACH}


def test_csv_several_regions_keep_their_own_names() -> None:
    rows = ages_rows("2303 Ragunda") + ages_rows("2305 Bräcke", value=2)
    assert counts(parse_csv(wide(rows))) == {"2303": ONE_EACH, "2305": [2 * n for n in ONE_EACH]}


# --- Errors ----------------------------------------------------------------------------------


def json_with(**changes: object) -> bytes:
    doc = cube(dims())
    doc.update(changes)
    return encode(doc)


def json_v1_bundle() -> bytes:
    return encode(
        {"dataset": {"dimension": {"id": ["Region"], "size": [1], "Region": {}}, "value": [1]}}
    )


def json_bad_positions() -> bytes:
    doc = cube(dims())
    doc["dimension"]["Kon"]["category"]["index"] = {"1": 0, "2": 2}
    return encode(doc)


def json_huge() -> bytes:
    """2,500 regions × 2,001 ages × 2 sexes: refused before any value is looked at."""
    doc = cube(dims())
    dimension = doc["dimension"]
    assert isinstance(dimension, dict)
    dimension["Region"]["category"] = {"index": [f"{i:04d}" for i in range(2500)]}
    dimension["Alder"]["category"] = {"index": [str(a) for a in range(2001)]}
    doc["size"] = [2500, 2001, 2, 1, 1]
    doc["value"] = {}
    return encode(doc)


def json_without_sex() -> bytes:
    return encode(cube([d for d in dims() if d[0] != "Kon"]))


def json_null_at(age: str, sex: str) -> bytes:
    return js(value=lambda c: None if (c["Alder"], c["Kon"]) == (age, sex) else 1)


def json_sparse_gap() -> bytes:
    doc = cube(dims())
    doc["value"] = {str(i): 1 for i in range(len(doc["value"])) if i != 5}
    return encode(doc)


def csv_missing_kvinnor_100(region: str) -> list[list[object]]:
    return [row for row in ages_rows(region) if row[1:3] != ["100+ år", "kvinnor"]]


def huge_field() -> bytes:
    return wide([*ages_rows(), ["2303 Ragunda", "x" * 200_000, "män", 1]])


def too_wide() -> bytes:
    """A header of 200,000 year columns (1.5 MB), above the ages of one region."""
    header = ["region", "ålder", "kön", *(f"{2000 + n % 30} v{n}" for n in range(200_000))]
    return csv_bytes(header, ages_rows(), title=False)


def replace_cell(
    rows: list[list[object]], index: int, column: int, value: object
) -> list[list[object]]:
    rows[index][column] = value
    return rows


ErrorCase = tuple[str, Callable[[], object], dict[str, object]]

F = parse_population_file

ERROR_CASES: list[ErrorCase] = [
    ("empty", lambda: F(b""), {}),
    ("empty", lambda: F(b" \r\n\t "), {}),
    ("empty", lambda: parse_csv(b"\xef\xbb\xbf"), {}),
    ("unreadable_encoding", lambda: F(b'"region";"\x81lder"\r\n'), {}),
    ("unsupported_format", lambda: F(b"PK\x03\x04\x14\x00xl/workbook.xml"), {"detected": "xlsx"}),
    ("unsupported_format", lambda: F(b"PK\x03\x04\x14\x00word/document.xml"), {"detected": "zip"}),
    ("unsupported_format", lambda: F(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), {"detected": "xls"}),
    ("unsupported_format", lambda: F(b"%PDF-1.7\n..."), {"detected": "pdf"}),
    ("unsupported_format", lambda: F(b"<!DOCTYPE html><html><body>"), {"detected": "html"}),
    ("unsupported_format", lambda: parse_csv(b'<?xml version="1.0"?><a/>'), {"detected": "xml"}),
    ("unsupported_format", lambda: F(b'CHARSET="ANSI";\nAXIS-VERSION="2010";'), {"detected": "px"}),
    ("unsupported_format", lambda: F(b"\x00\x01\x02region"), {"detected": "binary"}),
    ("unsupported_format", lambda: F(b"no table here", filename="a.XLSX"), {"detected": "xlsx"}),
    ("invalid_json", lambda: F(b'{"version": "2.0",\n "id": ['), {"line": 2}),
    ("invalid_json", lambda: F(b"no table here", filename="befolkning.json"), {"line": 1}),
    ("invalid_json", lambda: parse_json_stat2(b'"region","age"'), {"line": 1}),
    ("invalid_json", lambda: F(b'{"value": [' + b"9" * 5000 + b"]}"), {}),
    ("not_json_stat", lambda: F(b'{"hello": "world"}'), {}),
    ("not_json_stat", lambda: F(b"[1, 2, 3]"), {}),
    ("not_json_stat", lambda: F(json_with(**{"class": "collection"})), {}),
    ("json_stat_version", lambda: F(json_v1_bundle()), {"version": "1"}),
    ("json_stat_version", lambda: F(json_with(version="1.0")), {"version": "1.0"}),
    ("malformed_json_stat", lambda: F(json_with(size=[1, 101, 2, 1, 2])), {}),
    ("malformed_json_stat", lambda: F(json_with(size=[1, 101])), {}),
    ("malformed_json_stat", lambda: F(json_with(id="Region")), {}),
    ("malformed_json_stat", lambda: F(json_with(value=[1, 2, 3])), {}),
    ("malformed_json_stat", lambda: F(json_with(value="1 2 3")), {}),
    ("malformed_json_stat", lambda: F(json_with(dimension={"Region": {}})), {}),
    ("malformed_json_stat", lambda: F(json_bad_positions()), {}),
    ("too_large", lambda: F(json_huge()), {"cells": 10_005_000, "limit": 5_000_000}),
    ("missing_dimension", lambda: F(json_without_sex()), {"dimension": "sex"}),
    (
        "missing_dimension",
        lambda: F(csv_bytes(["region", "kön", "2023"], [["2303 Ragunda", "män", 1]])),
        {"dimension": "age", "line": 3},
    ),
    (
        "missing_dimension",
        lambda: F(csv_bytes(["region", "ålder", "2023"], [["2303 Ragunda", "0 år", 1]])),
        {"dimension": "sex", "line": 3},
    ),
    (
        "missing_dimension",
        lambda: F(csv_bytes(["region", "ålder", "kön", "Folkmängd"], [["2303", "0 år", "män", 1]])),
        {"dimension": "year"},
    ),
    (
        "unexpected_dimension",
        lambda: F(js(extra=[("Fodelseregion", [("010", "Sverige"), ("020", "Norden")])])),
        {"dimension": "fodelseregion"},
    ),
    (
        "unexpected_dimension",
        lambda: F(js(extra=[("Fodelseregion", [("010", "Sverige")])])),
        {"dimension": "fodelseregion"},
    ),
    (
        "unexpected_dimension",
        lambda: F(js(extra=[("Civilstand", [("OG", "ogifta")])])),
        {"dimension": "civilstand"},
    ),
    (
        "unexpected_dimension",
        lambda: F(
            csv_bytes(
                ["region", "födelseregion", "ålder", "kön", "2023"],
                [["2303", "Sverige", "0 år", "män", 1]],
            )
        ),
        {"dimension": "födelseregion", "line": 3},
    ),
    (
        "unexpected_dimension",
        lambda: F(
            csv_bytes(
                ["region", "civilstånd", "ålder", "kön", "2023"],
                [[r, "ogifta", a, s, v] for r, a, s, v in ages_rows()],
            )
        ),
        {"dimension": "civilstånd", "line": 4},
    ),
    (
        "several_contents",
        lambda: F(js(contents=[("BE0101N2", "Folkökning"), ("BE0101N3", "Födda")])),
        {"contents": "Folkökning, Födda"},
    ),
    (
        "several_contents",
        lambda: F(
            csv_bytes(
                ["region", "ålder", "kön", "tabellinnehåll", "2023"],
                [[r, a, s, m, v] for r, a, s, v in ages_rows() for m in ("Döda", "Födda")],
            )
        ),
        {"contents": "Döda, Födda"},
    ),
    (
        "several_contents",
        lambda: F(csv_bytes(["region", "ålder", "kön", "Döda 2023", "Födda 2023"], [])),
        {"contents": "Döda 2023, Födda 2023", "line": 3},
    ),
    (
        "several_years",
        lambda: F(js(years=[("2022", "2022"), ("2023", "2023")])),
        {"years": "2022, 2023"},
    ),
    (
        "several_years",
        lambda: F(csv_bytes(["region", "ålder", "kön", "2022", "2023"], [])),
        {"years": "2022, 2023", "line": 3},
    ),
    (
        "several_years",
        lambda: F(
            csv_bytes(
                ["region", "ålder", "kön", "år", "värde"],
                [["2303", "0 år", "män", y, 1] for y in ("2023", "2021", "2022")],
            )
        ),
        {"years": "2021, 2022, 2023"},
    ),
    ("bad_year", lambda: F(js(years=[("2023M12", "2023M12")])), {"value": "2023M12"}),
    (
        "bad_year",
        lambda: F(
            csv_bytes(["region", "ålder", "kön", "år", "värde"], [["2303", "0 år", "män", "23", 1]])
        ),
        {"value": "23", "line": 4},
    ),
    (
        "bad_region_code",
        lambda: F(js(regions=[("2303A0010", "Ragunda DeSO")])),
        {"value": "2303A0010"},
    ),
    (
        "bad_region_code",
        lambda: F(wide(ages_rows("0114A0010 Upplands Väsby"))),
        {"value": "0114A0010", "line": 4},
    ),
    (
        "bad_region_code",
        lambda: F(
            csv_bytes(["regionkod", "ålder", "kön", "2023"], [["Ragunda", "0 år", "män", 1]])
        ),
        {"value": "Ragunda", "line": 4},
    ),
    ("region_without_code", lambda: F(wide(ages_rows("Ragunda"))), {"value": "Ragunda", "line": 4}),
    (
        "unknown_age",
        lambda: F(wide(replace_cell(ages_rows(), 7, 1, "gammal"))),
        {"value": "gammal", "line": 11},
    ),
    ("unknown_age", lambda: F(js(ages=[*SINGLE_AGES, ("X", "äldre")])), {"value": "äldre"}),
    (
        "age_band_straddles",
        lambda: F(wide(ages_rows(ages=["15-19 år"]))),
        {"value": "15-19 år", "bands": "0–17, 18–29", "line": 4},
    ),
    (
        "age_band_straddles",
        lambda: F(js(ages=[(str(a), f"{a} år") for a in range(65)] + [("65+", "65+ år")])),
        {"value": "65+ år", "bands": "65–79, 80+"},
    ),
    (
        "overlapping_ages",
        lambda: F(js(ages=[*SINGLE_AGES, ("0-4", "0-4 år")])),
        {"value": "0 år", "other": "0-4 år"},
    ),
    (
        "overlapping_ages",
        lambda: F(wide(ages_rows() + ages_rows(ages=["0-4 år"]))),
        {"value": "0 år", "other": "0-4 år", "line": 207},
    ),
    (
        "age_gap",
        lambda: F(js(ages=SINGLE_AGES[:65])),
        {"ages": "65+", "age_group": "65–79"},
    ),
    (
        "age_gap",
        lambda: F(wide(ages_rows(ages=[lab for c, lab in SINGLE_AGES if c != "17"]))),
        {"ages": "17", "age_group": "0–17"},
    ),
    (
        "age_gap",
        lambda: F(js(ages=[("tot", "totalt ålder")])),
        {"ages": "0+", "age_group": "0–17"},
    ),
    ("unknown_sex", lambda: F(js(sexes=[*SEX, ("3", "okänt")])), {"value": "okänt"}),
    (
        "unknown_sex",
        lambda: F(wide(replace_cell(ages_rows(), 0, 2, "okänt"))),
        {"value": "okänt", "line": 4},
    ),
    ("missing_sex", lambda: F(js(sexes=[("1", "män")])), {"sex": "kvinna"}),
    ("missing_sex", lambda: F(wide(ages_rows(sexes=["kvinnor"]))), {"sex": "man"}),
    (
        "incomplete_region",
        lambda: F(wide(ages_rows() + csv_missing_kvinnor_100("2305 Bräcke"))),
        {"region": "2305 Bräcke", "age_group": "80+", "sex": "kvinna"},
    ),
    (
        "incomplete_region",
        lambda: F(wide(ages_rows() + ages_rows("2305 Bräcke", sexes=["män"]))),
        {"region": "2305 Bräcke", "age_group": "0–17", "sex": "kvinna"},
    ),
    (
        "missing_value",
        lambda: F(json_null_at("30", "2")),
        {"region": "2303 Ragunda", "age": "30 år", "sex": "kvinna"},
    ),
    (
        "missing_value",
        lambda: F(json_sparse_gap()),
        {"region": "2303 Ragunda", "age": "2 år", "sex": "kvinna"},
    ),
    (
        "bad_number",
        lambda: F(wide(replace_cell(ages_rows(), 4, 3, ".."))),
        {"value": "..", "line": 8},
    ),
    ("bad_number", lambda: F(wide(replace_cell(ages_rows(), 0, 3, "12,5"))), {"value": "12,5"}),
    ("bad_number", lambda: F(wide(replace_cell(ages_rows(), 0, 3, ""))), {"value": ""}),
    ("bad_number", lambda: F(js(value=lambda c: 12.5)), {"value": "12.5"}),
    ("bad_number", lambda: F(js(value=lambda c: "12")), {"value": "12"}),
    ("bad_number", lambda: F(js(value=lambda c: -3)), {"value": "-3"}),
    ("bad_number", lambda: F(js(value=lambda c: True)), {"value": "true"}),
    ("bad_number", lambda: F(js(value=lambda c: 10**12)), {"value": str(10**12)}),
    (
        "duplicate_row",
        lambda: F(wide([*ages_rows(), ["2303 Ragunda", "5 år", "kvinnor", 1]])),
        {"region": "2303 Ragunda", "age": "5 år", "sex": "kvinna", "line": 206},
    ),
    ("no_header", lambda: parse_csv(b"a,b,c\r\n1,2,3\r\n"), {}),
    ("no_header", lambda: F(b"just some words\n"), {}),
    (
        "no_value_column",
        lambda: F(csv_bytes(["region", "ålder", "kön"], [["2303", "0 år", "män"]])),
        {"line": 3},
    ),
    (
        "ragged_row",
        lambda: F(wide([*ages_rows(), ["2303 Ragunda", "0 år"]])),
        {"found": 2, "expected": 4, "line": 206},
    ),
    ("bad_csv", lambda: F(huge_field()), {"line": 206}),
    ("too_many_columns", lambda: F(too_wide()), {"limit": 200, "line": 1}),
    ("no_data", lambda: F(wide(ages_rows(ages=["totalt ålder"]))), {}),
    ("no_data", lambda: F(js(regions=[])), {}),
]


@pytest.mark.parametrize(
    ("code", "call", "params"),
    ERROR_CASES,
    ids=[f"{code}-{i}" for i, (code, _, _) in enumerate(ERROR_CASES)],
)
def test_error(code: str, call: Callable[[], object], params: dict[str, object]) -> None:
    with pytest.raises(PopulationFileError) as info:
        call()
    error = info.value
    assert error.code == f"population.{code}", str(error)
    assert params.items() <= error.params.items(), error.params
    with translation.override("sv"):
        message = error.message
    assert message.endswith(".") and "%(" not in message and "None" not in message
    if error.params.get("line") is not None:
        assert message.startswith(f"Rad {error.params['line']}: ")


def test_every_error_code_is_raised_by_a_test() -> None:
    assert {f"population.{code}" for code, _, _ in ERROR_CASES} == ERROR_CODES


def test_garbage_never_escapes_as_another_exception() -> None:
    samples = [
        b"\xff\xfe\x00",
        b"{",
        b'{"dimension": 5, "version": "2.0", "id": [], "size": []}',
        b'{"version":"2.0","id":["A"],"size":[1],"dimension":{"A":{"category":{"index":{"x":"0"}}}}}',
        b'{"version":"2.0","id":["A"],"size":[1],"dimension":{"A":{"category":[]}},"value":[1]}',
        b'"region","\xc3\xa5lder","k\xc3\xb6n","2023"\r\n"2303",',
        b'"region","\xc3\xa5lder","k\xc3\xb6n","2023"\r\n"unterminated',
        bytes(range(256)),
        "år;kön;ålder;region\n1;2;3;4\n".encode(),
    ]
    for data in samples:
        with pytest.raises(PopulationFileError):
            parse_population_file(data)
        for parser in (parse_csv, parse_json_stat2):
            with pytest.raises(PopulationFileError):
                parser(data)
