"""Survey statistics: shares with margins of error, representativeness, weighting to the
population. No Django here; ``results.py`` feeds it from the database.

Conventions: a respondent who did not give a background answer has ``None`` for it. Margins of
error are at 95 % and use the Kish design effect of the weights of those who answered the
question, so weighting that costs precision shows as wider margins.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from delaktig.weighting import (
    WeightingError,
    kish_design_effect,
    rake_with_diagnostics,
    trim_weights,
)

Z95 = 1.959963984540054
UNKNOWN = "__okand__"


@dataclass(frozen=True)
class GroupComparison:
    label: str
    respondents: int
    respondent_share: float
    population: float
    population_share: float
    # Respondents per inhabitant in this group relative to the whole: 1 is a fair share,
    # 0.5 half as many as the group's size would give, 2 twice as many.
    response_rate_ratio: float | None


@dataclass(frozen=True)
class Representativeness:
    variable: str
    groups: tuple[GroupComparison, ...]
    # 1 − ½·Σ|respondent share − population share| over the groups (1 − the dissimilarity
    # index): 1 when the respondents mirror the population, 0 when no group overlaps.
    index: float
    unknown: int  # respondents who did not say


def compare_to_population(
    variable: str, values: Sequence[str | None], population: Mapping[str, float]
) -> Representativeness:
    """Respondents against the population, group by group (in the population's order)."""
    known = [v for v in values if v is not None and v in population]
    n = len(known)
    total = float(sum(population.values()))
    counts: dict[str, int] = {}
    for value in known:
        counts[value] = counts.get(value, 0) + 1
    groups = []
    distance = 0.0
    for label, size in population.items():
        r = counts.get(label, 0)
        r_share = r / n if n else 0.0
        p_share = size / total if total else 0.0
        distance += abs(r_share - p_share)
        groups.append(
            GroupComparison(
                label=label,
                respondents=r,
                respondent_share=r_share,
                population=float(size),
                population_share=p_share,
                response_rate_ratio=(r_share / p_share) if p_share > 0 and n else None,
            )
        )
    return Representativeness(
        variable=variable,
        groups=tuple(groups),
        index=1.0 - distance / 2 if n else 0.0,
        unknown=len(values) - n,
    )


def targets_keeping_unknown(
    values: Sequence[str | None], population: Mapping[str, float]
) -> tuple[list[str], dict[str, float]]:
    """The column and targets to rake one margin on when some respondents did not say.

    Respondents who did not answer keep their share of the sample as a category of their
    own; the known categories share the rest of the population in its proportions. Nobody is
    dropped and nobody is guessed into a group.
    """
    column = [UNKNOWN if v is None else v for v in values]
    unknown = column.count(UNKNOWN)
    total = float(sum(population.values()))
    known_share = 1.0 - unknown / len(column) if column else 1.0
    targets = {k: float(v) * known_share for k, v in population.items()}
    if unknown:
        targets[UNKNOWN] = total * unknown / len(column)
    return column, targets


@dataclass(frozen=True)
class WeightingOutcome:
    weights: NDArray[np.float64]  # one per respondent passed in; they sum to the population
    margins: tuple[str, ...]
    iterations: int
    max_relative_error: float  # after trimming, when trimmed
    design_effect: float
    efficiency: float
    effective_n: float
    trimmed: bool


def weight_respondents(
    columns: Mapping[str, Sequence[str | None]],
    population: Mapping[str, Mapping[str, float]],
    *,
    trim_upper: float | None = None,
) -> WeightingOutcome:
    """Rake to the population margins in ``population`` (same keys as ``columns``).

    Raises :class:`WeightingError` with the engine's explanation when the margins cannot be
    met.
    """
    prepared: dict[str, list[str]] = {}
    targets: dict[str, Mapping[Hashable, float]] = {}
    for name, values in columns.items():
        prepared[name], margin = targets_keeping_unknown(values, population[name])
        targets[name] = dict(margin.items())
    result = rake_with_diagnostics(prepared, targets)
    weights = result.weights
    error = result.max_relative_error
    trimmed = False
    if trim_upper is not None and float(weights.max()) > trim_upper * float(weights.mean()):
        weights = trim_weights(weights, upper=trim_upper)
        trimmed = True
        error = _max_relative_error(prepared, targets, weights)
    deff = kish_design_effect(weights)
    return WeightingOutcome(
        weights=weights,
        margins=tuple(columns),
        iterations=result.iterations,
        max_relative_error=error,
        design_effect=deff,
        efficiency=1.0 / deff,
        effective_n=len(weights) / deff,
        trimmed=trimmed,
    )


def _max_relative_error(
    columns: Mapping[str, Sequence[str]],
    targets: Mapping[str, Mapping[Hashable, float]],
    weights: NDArray[np.float64],
) -> float:
    worst = 0.0
    for name, values in columns.items():
        sums: dict[Hashable, float] = {}
        for value, w in zip(values, weights, strict=True):
            sums[value] = sums.get(value, 0.0) + float(w)
        for category, target in targets[name].items():
            if target > 0:
                worst = max(worst, abs(sums.get(category, 0.0) - target) / target)
    return worst


@dataclass(frozen=True)
class Share:
    count: int
    share: float
    margin: float  # ± at 95 %, as a share
    weighted_share: float | None = None
    weighted_margin: float | None = None


def margin_of_error(p: float, n: int, design_effect: float = 1.0) -> float:
    """Half the width of the 95 % interval of a share ``p`` from ``n`` answers."""
    if n <= 0:
        return 0.0
    return Z95 * float(np.sqrt(max(p * (1.0 - p), 0.0) / n * design_effect))


def choice_shares(
    ticks: NDArray[np.bool_], weights: NDArray[np.float64] | None = None
) -> list[Share]:
    """Shares per choice among those who answered the question.

    ``ticks`` is respondents × choices (True where ticked); only rows with a tick count. A
    single-choice question has one tick per answering row, a multiple-choice question may
    have several, and its shares then add up to more than 1.
    """
    answered = ticks.any(axis=1)
    n = int(answered.sum())
    counts = ticks[answered].sum(axis=0)
    shares = []
    w = None if weights is None else weights[answered]
    deff = kish_design_effect(w) if w is not None and n else 1.0
    for j, count in enumerate(counts):
        p = float(count) / n if n else 0.0
        if w is None:
            shares.append(Share(int(count), p, margin_of_error(p, n)))
            continue
        wp = float(w[ticks[answered][:, j]].sum() / w.sum()) if n else 0.0
        shares.append(Share(int(count), p, margin_of_error(p, n), wp, margin_of_error(wp, n, deff)))
    return shares


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: float
    median: float
    margin: float
    weighted_mean: float | None = None
    weighted_margin: float | None = None


def number_summary(
    values: NDArray[np.float64], weights: NDArray[np.float64] | None = None
) -> NumberSummary | None:
    """Mean and median of the numbers given, with the mean's 95 % margin of error."""
    n = len(values)
    if n == 0:
        return None
    sd = float(values.std(ddof=1)) if n > 1 else 0.0
    margin = Z95 * sd / float(np.sqrt(n))
    if weights is None:
        return NumberSummary(n, float(values.mean()), float(np.median(values)), margin)
    wmean = float(np.average(values, weights=weights))
    wsd = float(np.sqrt(np.average((values - wmean) ** 2, weights=weights) * n / max(n - 1, 1)))
    wmargin = Z95 * wsd / float(np.sqrt(n)) * float(np.sqrt(kish_design_effect(weights)))
    return NumberSummary(n, float(values.mean()), float(np.median(values)), margin, wmean, wmargin)


__all__ = [
    "UNKNOWN",
    "GroupComparison",
    "NumberSummary",
    "Representativeness",
    "Share",
    "WeightingError",
    "WeightingOutcome",
    "choice_shares",
    "compare_to_population",
    "margin_of_error",
    "number_summary",
    "targets_keeping_unknown",
    "weight_respondents",
]
