"""Geometry for the follow-up charts: activities per status, and indicators over time. No Django.

Same house style as ``surveys.charts``: every position is worked out here and the templates only
place it. Each status or series differs in fill *and* pattern (or dash *and* marker shape), the
figures are printed as text, the legend is text, and the page puts a table with the same figures
beside the picture, so nothing is told by colour alone.

Numbers are written the Swedish way by ``format_number``: decimal comma, a narrow no-break space
(U+202F, a thin space that never wraps) between thousands, and a real minus sign.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

Number = int | float | Decimal

THIN_SPACE = "\u202f"  # narrow no-break space: the thousands separator
NO_BREAK_SPACE = "\u00a0"  # between a number and "%"
MINUS = "\u2212"
MISSING = "–"
# With ``decimals=None`` a value gets the decimals it needs, but never more than this.
MAX_AUTO_DECIMALS = 2


def _to_decimal(value: Number) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.1 stays 0.1.
        return Decimal(repr(value)) if math.isfinite(value) else None
    return Decimal(int(value))


def _places(number: Decimal) -> int:
    """Decimal places ``number`` needs once trailing zeros are dropped."""
    exponent = number.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _needed_decimals(number: Decimal) -> int:
    """What ``format_number`` without ``decimals`` would show."""
    capped = number.quantize(Decimal(1).scaleb(-MAX_AUTO_DECIMALS), rounding=ROUND_HALF_UP)
    return _places(capped)


def format_number(value: Number | None, decimals: int | None = None) -> str:
    """``41.5`` → ``"41,5"``, ``12345`` → ``"12 345"`` (thin space), ``None`` → ``"–"``.

    ``decimals`` rounds half up to that many places. Without it a value keeps the decimals it
    needs, trailing zeros dropped, at most ``MAX_AUTO_DECIMALS``: ``Decimal("41.5000")`` → "41,5".
    """
    if value is None:
        return MISSING
    number = _to_decimal(value)
    if number is None:
        return MISSING
    if decimals is None:
        places = _needed_decimals(number)
    else:
        places = max(decimals, 0)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    negative = rounded < 0  # -0,0 is written 0,0
    text = f"{abs(rounded):.{places}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = THIN_SPACE.join(groups) + ("," + fraction if fraction else "")
    return (MINUS if negative else "") + result


def format_percent(value: Number | None, decimals: int = 0) -> str:
    """A percentage (30, not 0.3) as ``"30 %"`` with a no-break space; ``None`` → ``"–"``."""
    if value is None:
        return MISSING
    return format_number(value, decimals) + NO_BREAK_SPACE + "%"


# --- Activities per status: one stacked bar ------------------------------------------------

# Each status has its own pattern and colour class (see followup.css); an unknown status falls
# back to the solid fill.
STATUS_PATTERNS: dict[str, str] = {
    "not_started": "outline",
    "ongoing": "stripes",
    "done": "solid",
    "postponed": "dots",
    "cancelled": "crosshatch",
}
BAR_HEIGHT = 32
BAR_PAD = 2  # room for the outline stroke
# A segment narrower than this has no number inside it; the legend and the table still have it.
MIN_TEXT_WIDTH = 22
DIGIT_WIDTH = 7.5  # at the chart's 12 px


@dataclass(frozen=True)
class StatusSegment:
    status: str
    label: str
    count: int
    percent: str  # "30 %"
    pattern: str  # "solid", "stripes", "outline", "dots", "crosshatch"
    x: float
    width: float
    show_text: bool  # wide enough to print the count inside
    text: str  # the count, "12"
    text_x: float  # centre of the segment


@dataclass(frozen=True)
class StatusLegendItem:
    status: str
    label: str
    count: int
    count_text: str
    percent: str  # "30 %", "–" when there are no activities at all
    pattern: str


@dataclass(frozen=True)
class StatusBar:
    width: int
    height: int
    bar_x: float
    bar_y: float
    bar_width: float
    bar_height: int
    text_y: float  # baseline for the counts inside the segments
    total: int
    total_text: str
    segments: tuple[StatusSegment, ...]  # statuses with a count above zero, left to right
    legend: tuple[StatusLegendItem, ...]  # every status, in the order given

    @property
    def empty(self) -> bool:
        return self.total == 0

    @property
    def centre_x(self) -> float:
        return self.width / 2


def status_bar(counts: Sequence[tuple[str, str, int]], width: int = 480) -> StatusBar:
    """``counts`` is (status code, translated label, count), in the order to draw them.

    Segment edges are rounded cumulatively, so the widths always add up to the bar width.
    """
    total = sum(max(count, 0) for _, _, count in counts)
    bar_x = float(BAR_PAD)
    bar_width = float(width - 2 * BAR_PAD)
    segments = []
    legend = []
    running = 0
    for status, label, raw_count in counts:
        count = max(raw_count, 0)
        pattern = STATUS_PATTERNS.get(status, "solid")
        share = format_percent(100 * count / total) if total else MISSING
        legend.append(StatusLegendItem(status, label, count, format_number(count), share, pattern))
        if not count:
            continue
        start = round(bar_x + bar_width * running / total, 2)
        running += count
        end = round(bar_x + bar_width * running / total, 2)
        if running == total:
            end = bar_x + bar_width
        segment_width = round(end - start, 2)
        text = format_number(count)
        needed = max(MIN_TEXT_WIDTH, len(text) * DIGIT_WIDTH + 8)
        segments.append(
            StatusSegment(
                status=status,
                label=label,
                count=count,
                percent=share,
                pattern=pattern,
                x=start,
                width=segment_width,
                show_text=segment_width >= needed,
                text=text,
                text_x=round(start + segment_width / 2, 2),
            )
        )
    return StatusBar(
        width=width,
        height=BAR_HEIGHT + 2 * BAR_PAD,
        bar_x=bar_x,
        bar_y=float(BAR_PAD),
        bar_width=bar_width,
        bar_height=BAR_HEIGHT,
        text_y=BAR_PAD + BAR_HEIGHT / 2 + 4.5,
        total=total,
        total_text=format_number(total),
        segments=tuple(segments),
        legend=tuple(legend),
    )


# --- Indicators over time: a line chart ----------------------------------------------------

# Series differ in dash *and* marker shape *and* colour; the fifth series starts over.
DASHES = ("", "7 4", "2 3", "9 3 2 3")
MARKERS = ("circle", "square", "triangle", "triangle-down")
MARKER_PATHS = {
    "circle": "M -4.5 0 A 4.5 4.5 0 1 0 4.5 0 A 4.5 4.5 0 1 0 -4.5 0 Z",
    "square": "M -4 -4 H 4 V 4 H -4 Z",
    "triangle": "M 0 -5.5 L 5 3.5 L -5 3.5 Z",
    "triangle-down": "M 0 5.5 L 5 -3.5 L -5 -3.5 Z",
    "diamond": "M 0 -6.5 L 6.5 0 L 0 6.5 L -6.5 0 Z",
}
# Fallback colours for renderers without the stylesheet (PDF); followup.css sets the same
# site colours through its variables.
COLOURS = ("#00457a", "#7a2e00", "#0b5a2a", "#1b1b1f")
BASELINE_MARKER = "diamond"

CHART_HEIGHT = 260
TOP = 26  # the unit and room for the target label
BOTTOM = 28  # the years
RIGHT = 84  # the value labels after the last points
X_PAD = 14  # keeps the first and last markers off the axes
CHAR_WIDTH = 6.8  # rough width of a character at 11–12 px, for margins
LABEL_GAP = 14  # least vertical distance between two end labels
# Zero stays on the y axis unless every value is at least this share of the largest (for
# negative values: of the smallest). Then zero is "far" and the axis zooms in on the data, so
# that 980–1 020 is not drawn as a flat line; 41–60 still starts at 0.
ZERO_FAR_RATIO = Decimal("0.75")
TICK_MANTISSAS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))


@dataclass(frozen=True)
class Tick:
    position: float  # x for a year, y for a value
    text: str


@dataclass(frozen=True)
class Point:
    year: int
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Series:
    index: int
    name: str
    colour: str
    dash: str  # stroke-dasharray; "" is a solid line
    marker: str  # "circle", "square", "triangle", "triangle-down"
    marker_path: str  # path data centred on 0,0: place it with transform="translate(x y)"
    lines: tuple[str, ...]  # polyline points "x,y x,y …", one per unbroken run of two or more
    points: tuple[Point, ...]  # every year with a value
    values: tuple[tuple[int, str], ...]  # every year on the axis with its value, "" if missing
    last: Point | None
    label_x: float  # the end label: a marker glyph centred on (label_x, label_y), text after it
    label_y: float  # moved up or down from the last point when labels would overlap
    label_text: str

    @property
    def label_text_x(self) -> float:
        return round(self.label_x + 9, 2)

    @property
    def label_baseline(self) -> float:
        return round(self.label_y + 4, 2)

    @property
    def has_gaps(self) -> bool:
        """A year without a value between two with one: the line breaks there."""
        present = [bool(text) for _, text in self.values]
        if True not in present:
            return False
        first = present.index(True)
        last = len(present) - 1 - present[::-1].index(True)
        return not all(present[first : last + 1])


@dataclass(frozen=True)
class Target:
    year: int | None
    year_text: str
    text: str  # the value, "60"
    label: str  # given by the caller, e.g. "Mål 2025: 60"; "" lets the template compose one
    y: float
    x1: float
    x2: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Baseline:
    year: int | None
    year_text: str
    text: str
    label: str
    on_axis: bool  # false when its year is outside the chart's years: then only the legend
    x: float
    y: float
    marker_path: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    unit: str
    years: tuple[int, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    y_min: float
    y_max: float
    zero_included: bool
    decimals: int  # used for the value labels
    series: tuple[Series, ...]
    target: Target | None
    baseline: Baseline | None

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)

    @property
    def has_gaps(self) -> bool:
        return any(s.has_gaps for s in self.series)

    @property
    def y_label_x(self) -> float:
        """Right edge of the value labels on the y axis."""
        return round(self.plot_left - 6, 2)

    @property
    def x_label_y(self) -> float:
        """Baseline of the years under the x axis."""
        return round(self.plot_bottom + 18, 2)

    @property
    def table_rows(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """(year, the series' values in order, "" when missing), for a table of the figures."""
        return tuple(
            (year, tuple(s.values[i][1] for s in self.series)) for i, year in enumerate(self.years)
        )


def _value_range(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, bool]:
    """The span the y axis must cover, and whether zero is on it."""
    if not values:
        return Decimal(0), Decimal(10), True
    low, high = min(values), max(values)
    if low >= 0:
        zero_far = high > 0 and low >= high * ZERO_FAR_RATIO
        if not zero_far:
            low = Decimal(0)
    elif high <= 0:
        zero_far = low < 0 and high <= low * ZERO_FAR_RATIO
        if not zero_far:
            high = Decimal(0)
    else:
        zero_far = False
    if low == high:
        pad = abs(low) / 10 if low else Decimal(1)
        if zero_far:
            low, high = low - pad, high + pad
        else:
            low, high = min(low, Decimal(0)), max(high, Decimal(0))
        if low == high:
            high = low + 1
    return low, high, not zero_far


def nice_ticks(low: Decimal, high: Decimal) -> tuple[Decimal, ...]:
    """Four to six evenly spaced round values (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering
    ``low``–``high`` with the least room to spare; five ticks break a tie."""
    span = high - low
    if span <= 0:
        raise ValueError("high must be above low")
    magnitude = span.adjusted()
    candidates = []
    for exponent in range(magnitude - 2, magnitude + 2):
        for mantissa in TICK_MANTISSAS:
            step = mantissa.scaleb(exponent)
            start = (low / step).to_integral_value(ROUND_FLOOR) * step
            end = (high / step).to_integral_value(ROUND_CEILING) * step
            count = int((end - start) / step) + 1
            outside = 0 if 4 <= count <= 6 else min(abs(count - 4), abs(count - 6))
            # A step of 2,5 only where it brings no decimals the data may not have.
            odd = Decimal("0.1") if mantissa == Decimal("2.5") and exponent <= 0 else Decimal(0)
            score = (outside, (end - start) / span + odd, abs(count - 5))
            candidates.append((score, start, step, count))
    _, start, step, count = min(candidates, key=lambda candidate: candidate[0])
    return tuple(start + i * step for i in range(count))


def _spread(wanted: Sequence[float], low: float, high: float) -> list[float]:
    """Label centres at least LABEL_GAP apart, each as near its wanted place as the others
    allow and all within low–high: overlapping labels form a group centred where they wanted
    to be on average."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    groups: list[list[int]] = []  # runs of indexes into ``order``
    starts: list[float] = []

    def place(members: list[int]) -> float:
        middle = sum(wanted[order[m]] for m in members) / len(members)
        start = middle - (len(members) - 1) * LABEL_GAP / 2
        return max(low, min(start, high - (len(members) - 1) * LABEL_GAP))

    for rank in range(len(order)):
        groups.append([rank])
        starts.append(place([rank]))
        while len(groups) > 1 and starts[-2] + len(groups[-2]) * LABEL_GAP > starts[-1]:
            merged = groups[-2] + groups.pop()
            starts.pop()
            groups[-1] = merged
            starts[-1] = place(merged)
    result = [0.0] * len(wanted)
    for members, start in zip(groups, starts, strict=True):
        for offset, rank in enumerate(members):
            result[order[rank]] = round(start + offset * LABEL_GAP, 2)
    return result


@dataclass(frozen=True)
class _Frame:
    """Where values and years go: the plot area, the y axis's span and the x axis's years."""

    left: float
    right: float
    top: float
    bottom: float
    y_min: Decimal
    y_max: Decimal
    years: tuple[int, ...]

    def y_of(self, value: Decimal) -> float:
        share = float((value - self.y_min) / (self.y_max - self.y_min))
        return round(self.bottom - share * (self.bottom - self.top), 2)

    def x_of(self, year: int) -> float:
        first_year = self.years[0] if self.years else 0
        year_span = (self.years[-1] - first_year) if self.years else 0
        if not year_span:
            return round((self.left + self.right) / 2, 2)
        inner = self.right - self.left - 2 * X_PAD
        return round(self.left + X_PAD + inner * (year - first_year) / year_span, 2)


def _decimal_series(
    series: Sequence[tuple[str, Mapping[int, Number | None]]],
) -> list[tuple[str, dict[int, Decimal]]]:
    """Each series with the years it has a value for: missing and non-finite values left out."""
    cleaned: list[tuple[str, dict[int, Decimal]]] = []
    for name, by_year in series:
        kept = {}
        for year, raw in by_year.items():
            number = None if raw is None else _to_decimal(raw)
            if number is not None:
                kept[year] = number
        cleaned.append((name, kept))
    return cleaned


def _axis_years(
    cleaned: list[tuple[str, dict[int, Decimal]]],
    base_year: int | None,
    base_value: Decimal | None,
    years: Sequence[int] | None,
) -> tuple[int, ...]:
    """The given years, or every year with a value and the baseline year."""
    if years is not None:
        return tuple(sorted(set(years)))
    axis_years = {year for _, kept in cleaned for year in kept}
    if base_value is not None and base_year is not None:
        axis_years.add(base_year)
    return tuple(sorted(axis_years))


def _frame(
    extent: list[Decimal], years: tuple[int, ...], width: int, height: int
) -> tuple[_Frame, tuple[Decimal, ...], list[str], bool]:
    """The plot area, with y ticks covering ``extent``: the frame, the ticks, their texts and
    whether zero is on the axis."""
    low, high, zero_included = _value_range(extent)
    tick_values = nice_ticks(low, high)
    step = tick_values[1] - tick_values[0]
    tick_decimals = _places(step)
    tick_texts = [format_number(t, tick_decimals) for t in tick_values]
    frame = _Frame(
        left=max(34.0, 10 + CHAR_WIDTH * max(len(t) for t in tick_texts)),
        right=float(width - RIGHT),
        top=float(TOP),
        bottom=float(height - BOTTOM),
        y_min=tick_values[0],
        y_max=tick_values[-1],
        years=years,
    )
    return frame, tick_values, tick_texts, zero_included


def _drawn_series(
    index: int, name: str, kept: dict[int, Decimal], frame: _Frame, decimals: int
) -> Series:
    """One line: a polyline per unbroken run of years, a point per value, an end label."""
    points: list[Point] = []
    lines: list[str] = []
    run: list[Point] = []
    values = []
    for year in frame.years:
        value = kept.get(year)
        if value is None:
            values.append((year, ""))
            if len(run) > 1:
                lines.append(" ".join(f"{p.x},{p.y}" for p in run))
            run = []
            continue
        point = Point(year, frame.x_of(year), frame.y_of(value), format_number(value, decimals))
        points.append(point)
        run.append(point)
        values.append((year, point.text))
    if len(run) > 1:
        lines.append(" ".join(f"{p.x},{p.y}" for p in run))
    marker = MARKERS[index % len(MARKERS)]
    last = points[-1] if points else None
    return Series(
        index=index,
        name=name,
        colour=COLOURS[index % len(COLOURS)],
        dash=DASHES[index % len(DASHES)],
        marker=marker,
        marker_path=MARKER_PATHS[marker],
        lines=tuple(lines),
        points=tuple(points),
        values=tuple(values),
        last=last,
        label_x=0.0 if last is None else round(last.x + 13, 2),
        label_y=0.0 if last is None else last.y,
        label_text="" if last is None else last.text,
    )


def _spread_end_labels(drawn: list[Series], frame: _Frame) -> list[Series]:
    """End labels that start at the same x must not overlap: spread them vertically."""
    by_x: dict[float, list[int]] = {}
    for item in drawn:
        if item.last is not None:
            by_x.setdefault(item.label_x, []).append(item.index)
    spread = list(drawn)
    for indexes in by_x.values():
        wanted = [spread[i].label_y for i in indexes]
        for i, y in zip(indexes, _spread(wanted, frame.top, frame.bottom), strict=True):
            spread[i] = replace(spread[i], label_y=y)
    return spread


def _target_line(
    year: int | None, value: Decimal, label: str, frame: _Frame, decimals: int
) -> Target:
    ty = frame.y_of(value)
    # The label sits above the line, or below it when the line is at the top.
    label_y = ty - 5 if ty - 5 - 11 >= 2 else ty + 14
    return Target(
        year=year,
        year_text="" if year is None else str(year),
        text=format_number(value, decimals),
        label=label,
        y=ty,
        x1=frame.left,
        x2=frame.right,
        label_x=frame.left + 4,
        label_y=round(label_y, 2),
    )


def _baseline_marker(
    year: int | None, value: Decimal, label: str, frame: _Frame, decimals: int
) -> Baseline:
    on_axis = year in set(frame.years)
    return Baseline(
        year=year,
        year_text="" if year is None else str(year),
        text=format_number(value, decimals),
        label=label,
        on_axis=on_axis,
        x=frame.x_of(year) if on_axis and year is not None else 0.0,
        y=frame.y_of(value) if on_axis else 0.0,
        marker_path=MARKER_PATHS[BASELINE_MARKER],
    )


def indicator_chart(
    series: Sequence[tuple[str, Mapping[int, Number | None]]],
    baseline: tuple[int | None, Number | None] | None,
    target: tuple[int | None, Number | None] | None,
    unit: str,
    years: Sequence[int] | None = None,
    *,
    target_label: str = "",
    baseline_label: str = "",
    decimals: int | None = None,
    width: int = 480,
    height: int = CHART_HEIGHT,
) -> LineChart:
    """One line per series (for example "Totalt", "Kvinnor", "Män") over ``years``.

    ``baseline`` and ``target`` are (year, value). Without ``years`` the axis has every year any
    series has a value for, and the baseline year. A year a series has no value for breaks its
    line: nothing is interpolated. The y axis covers every value, the baseline and the target.
    ``decimals`` is for the value labels; by default as many as the data needs (at most two).
    """
    cleaned = _decimal_series(series)
    base_value = None if baseline is None or baseline[1] is None else _to_decimal(baseline[1])
    base_year = None if baseline is None else baseline[0]
    years_sorted = _axis_years(cleaned, base_year, base_value, years)
    on_axis = set(years_sorted)
    base_on_axis = base_value is not None and base_year in on_axis
    target_value = None if target is None or target[1] is None else _to_decimal(target[1])

    shown = [value for _, kept in cleaned for year, value in kept.items() if year in on_axis]
    if decimals is None:
        pool = shown + ([base_value] if base_value is not None else [])
        decimals = max((_needed_decimals(v) for v in pool), default=0)
    extent = list(shown)
    if base_on_axis and base_value is not None:
        extent.append(base_value)
    if target_value is not None:
        extent.append(target_value)
    frame, tick_values, tick_texts, zero_included = _frame(extent, years_sorted, width, height)
    drawn = [
        _drawn_series(index, name, kept, frame, decimals)
        for index, (name, kept) in enumerate(cleaned)
    ]
    return LineChart(
        width=width,
        height=height,
        plot_left=frame.left,
        plot_right=frame.right,
        plot_top=frame.top,
        plot_bottom=frame.bottom,
        unit=unit,
        years=years_sorted,
        x_ticks=tuple(Tick(frame.x_of(year), str(year)) for year in years_sorted),
        y_ticks=tuple(
            Tick(frame.y_of(t), text) for t, text in zip(tick_values, tick_texts, strict=True)
        ),
        y_min=float(frame.y_min),
        y_max=float(frame.y_max),
        zero_included=zero_included,
        decimals=decimals,
        series=tuple(_spread_end_labels(drawn, frame)),
        target=(
            _target_line(target[0], target_value, target_label, frame, decimals)
            if target is not None and target_value is not None
            else None
        ),
        baseline=(
            _baseline_marker(base_year, base_value, baseline_label, frame, decimals)
            if base_value is not None
            else None
        ),
    )
