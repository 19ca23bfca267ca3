"""Geometry of the follow-up charts, worked out by hand, and the templates that draw them."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from delaktig.followup.charts import (
    LABEL_GAP,
    MARKER_PATHS,
    LineChart,
    format_number,
    format_percent,
    indicator_chart,
    nice_ticks,
    status_bar,
)

THIN = "\u202f"
NBSP = "\u00a0"

COUNTS = [
    ("not_started", "Inte påbörjad", 10),
    ("ongoing", "Pågår", 12),
    ("done", "Genomförd", 16),
    ("postponed", "Uppskjuten", 0),
    ("cancelled", "Avbruten", 2),
]


# --- format_number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, None, "0"),
        (7, None, "7"),
        (999, None, "999"),
        (1000, None, f"1{THIN}000"),
        (1234567, None, f"1{THIN}234{THIN}567"),
        (41.5, None, "41,5"),
        (41.5, 2, "41,50"),
        (Decimal("41.5000"), None, "41,5"),  # a DecimalField's trailing zeros are dropped
        (Decimal("41.0000"), None, "41"),
        (Decimal("41.0000"), 1, "41,0"),
        (0.1 + 0.2, None, "0,3"),  # no binary noise
        (2.675, 2, "2,68"),  # half up, from the decimal text, not the binary float
        (Decimal("0.125"), 2, "0,13"),
        (12345.678, None, f"12{THIN}345,68"),  # at most two decimals unless asked
        (-1234.5, 1, f"\u22121{THIN}234,5"),  # a real minus sign
        (-0.004, None, "0"),  # no "−0"
        (-0.004, 2, "0,00"),
        (None, None, "–"),
        (float("nan"), None, "–"),
    ],
)
def test_format_number(value: float | Decimal | None, decimals: int | None, expected: str) -> None:
    assert format_number(value, decimals) == expected


def test_format_percent_keeps_the_sign_with_the_number() -> None:
    assert format_percent(30) == f"30{NBSP}%"
    assert format_percent(12.5, 1) == f"12,5{NBSP}%"
    assert format_percent(None) == "–"


# --- status_bar ---------------------------------------------------------------------------


def test_segments_are_proportional_and_fill_the_bar() -> None:
    bar = status_bar(COUNTS, width=404)
    assert bar.bar_width == 400 and bar.bar_x == 2
    assert bar.total == 40
    # Zero counts get no segment, but keep their order otherwise.
    assert [s.status for s in bar.segments] == ["not_started", "ongoing", "done", "cancelled"]
    assert [s.width for s in bar.segments] == [100, 120, 160, 20]
    assert [s.x for s in bar.segments] == [2, 102, 222, 382]
    assert sum(s.width for s in bar.segments) == pytest.approx(bar.bar_width)
    last = bar.segments[-1]
    assert last.x + last.width == pytest.approx(bar.bar_x + bar.bar_width)


def test_awkward_shares_still_add_up_to_the_bar_width() -> None:
    bar = status_bar([("done", "Genomförd", 1), ("ongoing", "Pågår", 1), ("x", "X", 1)], 480)
    assert sum(s.width for s in bar.segments) == pytest.approx(bar.bar_width, abs=1e-9)
    for left, right in zip(bar.segments, bar.segments[1:], strict=False):
        assert left.x + left.width == pytest.approx(right.x)
    assert all(s.width == pytest.approx(476 / 3, abs=0.01) for s in bar.segments)


def test_each_status_has_its_own_pattern() -> None:
    bar = status_bar(COUNTS)
    patterns = {item.status: item.pattern for item in bar.legend}
    assert patterns == {
        "not_started": "outline",
        "ongoing": "stripes",
        "done": "solid",
        "postponed": "dots",
        "cancelled": "crosshatch",
    }
    assert len(set(patterns.values())) == 5


def test_legend_has_every_status_with_count_and_share() -> None:
    bar = status_bar(COUNTS)
    assert [(i.label, i.count_text, i.percent) for i in bar.legend] == [
        ("Inte påbörjad", "10", f"25{NBSP}%"),
        ("Pågår", "12", f"30{NBSP}%"),
        ("Genomförd", "16", f"40{NBSP}%"),
        ("Uppskjuten", "0", f"0{NBSP}%"),
        ("Avbruten", "2", f"5{NBSP}%"),
    ]
    assert bar.total_text == "40"


def test_narrow_segments_keep_their_number_in_the_legend_only() -> None:
    bar = status_bar([("done", "Genomförd", 99), ("cancelled", "Avbruten", 1)], width=484)
    wide, narrow = bar.segments
    assert narrow.width == pytest.approx(4.8)
    assert wide.show_text and not narrow.show_text
    assert narrow.text == "1"  # still known, for the legend and the table
    assert wide.text_x == pytest.approx(wide.x + wide.width / 2)


def test_no_activities_at_all() -> None:
    bar = status_bar([(code, label, 0) for code, label, _ in COUNTS])
    assert bar.empty and bar.total == 0
    assert bar.segments == ()
    assert [i.percent for i in bar.legend] == ["–"] * 5
    assert status_bar([]).empty


# --- indicator_chart ----------------------------------------------------------------------


def turnout() -> LineChart:
    return indicator_chart(
        [
            ("Totalt", {2021: Decimal("41.0"), 2022: Decimal("45.5"), 2024: Decimal("52.0")}),
            ("Kvinnor", {2021: 44, 2022: 47, 2023: 49, 2024: 53}),
            ("Män", {2021: 38.0, 2022: None, 2023: 45.0, 2024: 51.5}),
        ],
        baseline=(2021, Decimal("41")),
        target=(2025, 60),
        unit="%",
        target_label="Mål 2025: 60",
    )


def test_years_come_from_the_data_and_are_evenly_spread() -> None:
    chart = turnout()
    assert chart.years == (2021, 2022, 2023, 2024)
    xs = [tick.position for tick in chart.x_ticks]
    assert [tick.text for tick in chart.x_ticks] == ["2021", "2022", "2023", "2024"]
    steps = {round(b - a, 1) for a, b in zip(xs, xs[1:], strict=False)}
    assert len(steps) == 1
    assert chart.plot_left < xs[0] < xs[-1] < chart.plot_right


def test_a_missing_year_breaks_the_line() -> None:
    total, women, men = turnout().series
    # Totalt lacks 2023: 2021–2022 is a line, 2024 a lone marker.
    assert len(total.lines) == 1 and total.lines[0].count(",") == 2
    assert [p.year for p in total.points] == [2021, 2022, 2024]
    assert total.has_gaps
    assert total.values[2] == (2023, "")
    # Kvinnor has every year: one line through all four points.
    assert len(women.lines) == 1 and women.lines[0].count(",") == 4
    assert not women.has_gaps
    # Män has None for 2022: the 2021 point stands alone, 2023–2024 is a line.
    assert len(men.lines) == 1 and men.lines[0].count(",") == 2
    assert [p.year for p in men.points] == [2021, 2023, 2024]
    # Nothing is interpolated: the line's points are exactly the data points.
    first_x = float(men.lines[0].split()[0].split(",")[0])
    assert first_x == men.points[1].x


def test_missing_years_at_the_ends_are_no_gap() -> None:
    chart = indicator_chart([("A", {2020: 1, 2021: 2}), ("B", {2022: 3})], None, None, "")
    assert not chart.series[0].has_gaps and not chart.series[1].has_gaps
    assert not chart.has_gaps


def test_y_ticks_cover_data_and_target_and_start_at_zero() -> None:
    chart = turnout()
    values = [tick.text for tick in chart.y_ticks]
    assert 4 <= len(values) <= 6
    assert chart.zero_included and chart.y_min == 0
    assert chart.y_max >= 60  # the target is on the axis, above every value
    assert values[0] == "0"
    # Ticks run bottom to top at even distances.
    ys = [tick.position for tick in chart.y_ticks]
    assert ys[0] == chart.plot_bottom and ys[-1] == chart.plot_top
    assert len({round(a - b, 1) for a, b in zip(ys, ys[1:], strict=False)}) == 1
    assert chart.target is not None
    assert chart.plot_top <= chart.target.y < chart.plot_bottom
    assert chart.target.label == "Mål 2025: 60"


def test_a_target_far_from_the_data_widens_the_axis() -> None:
    high = indicator_chart([("Totalt", {2023: 41, 2024: 53})], None, (2030, 90), "%")
    assert high.y_max >= 90 and high.y_min == 0
    assert high.target is not None and high.target.y >= high.plot_top
    # Zoomed in on data far from zero, a low target still fits.
    low = indicator_chart([("Index", {2023: 990, 2024: 1010})], (2020, 950), (2030, 900), "")
    assert not low.zero_included
    assert low.y_min <= 900 and low.y_max >= 1010
    assert low.target is not None and low.target.y <= low.plot_bottom


def test_points_sit_at_their_value() -> None:
    chart = turnout()
    women = chart.series[1]
    span = chart.plot_bottom - chart.plot_top
    for point, value in zip(women.points, (44, 47, 49, 53), strict=True):
        expected = chart.plot_bottom - span * (value - chart.y_min) / (chart.y_max - chart.y_min)
        assert point.y == pytest.approx(expected, abs=0.01)
    assert chart.target is not None
    assert chart.target.y == pytest.approx(chart.plot_bottom - span * 60 / chart.y_max, abs=0.01)


def test_zero_is_left_out_when_far_from_the_data() -> None:
    chart = indicator_chart([("Index", {2020: 980, 2021: 1000, 2022: 1020})], None, None, "")
    assert not chart.zero_included
    assert chart.y_min <= 980 and chart.y_max >= 1020 and chart.y_min > 0
    assert [t.text for t in chart.y_ticks] == [
        "980",
        "990",
        f"1{THIN}000",
        f"1{THIN}010",
        f"1{THIN}020",
    ]


def test_zero_stays_for_negative_values_close_to_it() -> None:
    chart = indicator_chart([("Netto", {2020: -3, 2021: -10})], None, None, "kr")
    assert chart.zero_included and chart.y_max == 0 and chart.y_min <= -10
    assert chart.y_ticks[0].text.startswith("\u2212")


def test_series_differ_in_dash_and_marker() -> None:
    chart = turnout()
    assert [s.marker for s in chart.series] == ["circle", "square", "triangle"]
    assert len({s.dash for s in chart.series}) == 3
    assert len({s.marker_path for s in chart.series}) == 3
    assert len({s.colour for s in chart.series}) == 3
    assert chart.baseline is not None
    assert chart.baseline.marker_path == MARKER_PATHS["diamond"]
    assert chart.baseline.marker_path not in {s.marker_path for s in chart.series}


def test_last_point_is_labelled_and_labels_do_not_overlap() -> None:
    chart = turnout()
    assert [s.label_text for s in chart.series] == ["52,0", "53,0", "51,5"]
    assert all(s.last is not None and s.last.year == 2024 for s in chart.series)
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= LABEL_GAP - 0.01 for a, b in zip(ys, ys[1:], strict=False))
    # The order top to bottom follows the values: the highest value's label is on top.
    by_value = sorted(chart.series, key=lambda s: -float(s.label_text.replace(",", ".")))
    assert [s.label_y for s in by_value] == sorted(s.label_y for s in chart.series)
    assert all(chart.plot_top <= y <= chart.plot_bottom for y in ys)


def test_baseline_adds_its_year_and_can_fall_outside_given_years() -> None:
    chart = indicator_chart([("Totalt", {2023: 5, 2024: 6})], (2020, 4), None, "antal")
    assert chart.years == (2020, 2023, 2024)
    assert chart.baseline is not None and chart.baseline.on_axis
    assert chart.baseline.x == chart.x_ticks[0].position
    # Years are placed by their value: 2020–2023 is three times 2023–2024.
    xs = [t.position for t in chart.x_ticks]
    assert xs[1] - xs[0] == pytest.approx(3 * (xs[2] - xs[1]), abs=0.02)

    given = indicator_chart(
        [("Totalt", {2023: 5, 2024: 6})], (2020, 4), None, "antal", years=[2023, 2024]
    )
    assert given.years == (2023, 2024)
    assert given.baseline is not None and not given.baseline.on_axis


def test_value_labels_share_the_decimals_the_data_needs() -> None:
    chart = indicator_chart(
        [("A", {2020: Decimal("1.2500"), 2021: Decimal("2.0000")})], None, None, ""
    )
    assert [p.text for p in chart.series[0].points] == ["1,25", "2,00"]
    assert (
        indicator_chart([("A", {2020: 1.25})], None, None, "", decimals=0).series[0].points[0].text
        == "1"
    )


def test_no_values_at_all() -> None:
    chart = indicator_chart([("Totalt", {})], None, (2030, 10), "%")
    assert chart.empty and chart.series[0].lines == () and chart.series[0].last is None
    assert 4 <= len(chart.y_ticks) <= 6


def test_table_rows_are_years_by_series() -> None:
    chart = turnout()
    assert chart.table_rows[2] == (2023, ("", "49,0", "45,0"))
    assert [year for year, _ in chart.table_rows] == [2021, 2022, 2023, 2024]


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 1), (0, 7), (0, 60), (41, 60), (980, 1020), (-5, 5), (0, 0.35), (0, 12345), (3, 3.01)],
)
def test_nice_ticks(low: float, high: float) -> None:
    ticks = nice_ticks(Decimal(str(low)), Decimal(str(high)))
    assert 4 <= len(ticks) <= 6
    assert ticks[0] <= Decimal(str(low)) and ticks[-1] >= Decimal(str(high))
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step.scaleb(-step.adjusted()).normalize()
    assert mantissa in {Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)}


# --- templates ----------------------------------------------------------------------------


def svg_numbers(html: str) -> list[str]:
    return re.findall(r'(?:x|y|width|height)="([^"]*)"', html)


def test_status_bar_template() -> None:
    html = render_to_string(
        "followup/includes/status_bar.html",
        {"chart": status_bar(COUNTS), "title": "Aktiviteter efter status", "id_prefix": "p1"},
    )
    assert 'role="img"' in html and 'aria-labelledby="p1-title"' in html
    assert '<title id="p1-title">Aktiviteter efter status</title>' in html
    desc = re.search(r'<desc id="p1-desc">(.*?)</desc>', html, re.S)
    assert desc is not None
    assert "40 aktiviteter." in desc.group(1)
    assert f"Pågår: 12 av 40, 30{NBSP}%" in desc.group(1)
    assert f"Uppskjuten: 0 av 40, 0{NBSP}%" in desc.group(1)
    # Legend as text outside the picture, every status.
    legend = html.split("</svg>", 1)[1]
    for label in ("Inte påbörjad", "Pågår", "Genomförd", "Uppskjuten", "Avbruten"):
        assert label in legend
    assert 'fill="url(#p1-stripes)"' in html and 'id="p1-stripes"' in html
    assert 'id="p1-key-done-solid"' in html
    assert all("," not in number for number in svg_numbers(html))


def test_status_bar_template_without_activities() -> None:
    html = render_to_string(
        "followup/includes/status_bar.html",
        {"chart": status_bar([("done", "Genomförd", 0)]), "title": "T", "id_prefix": "e"},
    )
    assert "Inga aktiviteter" in html


def test_indicator_templates() -> None:
    chart = turnout()
    html = render_to_string(
        "followup/includes/indicator_chart.html",
        {"chart": chart, "title": "Valdeltagande", "id_prefix": "ind"},
    )
    desc = re.search(r'<desc id="ind-desc">(.*?)</desc>', html, re.S)
    assert desc is not None
    assert "Totalt: 2021 41,0; 2022 45,5; 2023 värde saknas; 2024 52,0." in desc.group(1)
    assert "Mål 2025: 60" in desc.group(1) and "Utgångsvärde 2021: 41,0" in desc.group(1)
    assert html.count("<polyline") == 3
    assert 'stroke-dasharray="7 4"' in html
    assert "Där linjen är bruten saknas värde för året." in html
    assert all("," not in number for number in svg_numbers(html))

    table = render_to_string(
        "followup/includes/indicator_table.html", {"chart": chart, "title": "Valdeltagande"}
    )
    assert "<caption>Valdeltagande (%)</caption>" in table
    assert '<th scope="col">Kvinnor</th>' in table
    assert '<th scope="row">2023</th>' in table
    assert table.count("värde saknas") == 2  # Totalt 2023 and Män 2022


def test_indicator_chart_template_without_values() -> None:
    html = render_to_string(
        "followup/includes/indicator_chart.html",
        {
            "chart": indicator_chart([("Totalt", {})], None, None, "%"),
            "title": "T",
            "id_prefix": "x",
        },
    )
    assert "<svg" not in html and "Inga värden." in html
