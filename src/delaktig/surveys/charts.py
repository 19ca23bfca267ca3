"""Geometry for server-rendered SVG bar charts. No Django here.

A chart is horizontal bars, one group per category and one bar per series (for example
"respondents" and "population", or "unweighted" and "weighted"). Series differ in fill *and*
pattern, every bar carries its value as text, and the page puts a table with the same figures
beside the picture, so nothing is told by colour alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 190
PLOT_WIDTH = 300
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 12
TOP = 8


@dataclass(frozen=True)
class Bar:
    series: int
    x: float
    y: float
    width: float
    height: float
    text: str
    text_x: float
    text_y: float
    # The margin of error as a whisker, when there is one.
    low_x: float | None = None
    high_x: float | None = None


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    groups: tuple[Group, ...]
    series: tuple[str, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, label) for 0 %, 25 %, … 100 %


def percent(value: float) -> str:
    return f"{value * 100:.0f} %".replace(".", ",")


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    series: Sequence[str],
    margins: Sequence[Sequence[float | None]] | None = None,
    *,
    scale_max: float = 1.0,
) -> Chart:
    """``values[i][s]`` is category ``i`` in series ``s`` (a share from 0 to ``scale_max``);
    None draws no bar and writes "–" (a suppressed or missing figure)."""
    scale_max = max(scale_max, 1e-9)
    groups = []
    y = float(TOP)
    for i, label in enumerate(labels):
        bars = []
        for s in range(len(series)):
            value = values[i][s]
            width = 0.0 if value is None else PLOT_WIDTH * min(value, scale_max) / scale_max
            margin = margins[i][s] if margins is not None else None
            low = high = None
            if value is not None and margin:
                low = LABEL_WIDTH + PLOT_WIDTH * max(value - margin, 0) / scale_max
                high = LABEL_WIDTH + PLOT_WIDTH * min(value + margin, scale_max) / scale_max
            end = max(LABEL_WIDTH + width, high or 0.0)
            bars.append(
                Bar(
                    series=s,
                    x=LABEL_WIDTH,
                    y=y,
                    width=round(width, 2),
                    height=BAR_HEIGHT,
                    text="–" if value is None else percent(value),
                    text_x=round(end + 4, 2),
                    text_y=y + BAR_HEIGHT - 4,
                    low_x=None if low is None else round(low, 2),
                    high_x=None if high is None else round(high, 2),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        groups.append(Group(label, y - BAR_GAP - group_height / 2 + 4, tuple(bars)))
        y += GROUP_GAP - BAR_GAP
    ticks = tuple(
        (LABEL_WIDTH + PLOT_WIDTH * f, percent(scale_max * f)) for f in (0, 0.25, 0.5, 0.75, 1)
    )
    return Chart(
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        height=int(y + 14),
        plot_x=LABEL_WIDTH,
        plot_width=PLOT_WIDTH,
        groups=tuple(groups),
        series=tuple(series),
        ticks=ticks,
    )


def shorten(label: str, length: int = 28) -> str:
    """Labels in the picture are cut; the table beside it has them in full."""
    return label if len(label) <= length else label[: length - 1] + "…"
