"""Raking: weights whose weighted totals match every population margin at once."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class WeightingError(ValueError):
    """The margins cannot be used with these respondents; the message says why.

    ``code`` is stable and ``params`` holds what the message names, so that an interface can
    say the same in its own language.
    """

    def __init__(self, message: str, *, code: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class RakeResult:
    weights: FloatArray
    iterations: int
    max_relative_error: float  # the largest |weighted total − target| / target at the end
    converged: bool


@dataclass(frozen=True)
class _Margin:
    name: str
    codes: NDArray[np.intp]
    targets: FloatArray


def _encode(
    values: Sequence[Hashable], index: dict[Hashable, int]
) -> tuple[NDArray[np.intp], set[Any]]:
    """Category codes for every respondent, and the labels that have no target.

    Integer labels (how surveys store answers) are mapped through a lookup table, other
    array labels through one sort; anything else falls back to a dictionary per value.
    """
    array = np.asarray(values)
    if array.dtype.kind in "iu" and array.size and array.min() >= 0 and array.max() < 10**7:
        lookup = np.full(int(array.max()) + 1, -1, dtype=np.intp)
        for category, code in index.items():
            if isinstance(category, int | np.integer) and 0 <= category < len(lookup):
                lookup[int(category)] = code
        codes = lookup[array]
        missing = codes < 0
        return codes, ({int(v) for v in np.unique(array[missing])} if missing.any() else set())
    if array.dtype.kind in "iuUSb":
        labels, inverse = np.unique(array, return_inverse=True)
        mapped = np.array([index.get(label.item(), -1) for label in labels], dtype=np.intp)
        codes = mapped[inverse]
        return codes, {label.item() for label, m in zip(labels, mapped, strict=True) if m < 0}
    codes = np.empty(len(values), dtype=np.intp)
    unknown: set[Any] = set()
    for i, value in enumerate(values):
        found = index.get(value)
        if found is None:
            unknown.add(value)
        codes[i] = -1 if found is None else found
    return codes, unknown


def _prepare(
    columns: Mapping[str, Sequence[Hashable]], targets: Mapping[str, Mapping[Hashable, float]]
) -> tuple[int, list[_Margin]]:
    if not columns:
        raise WeightingError("No margins to rake on.", code="no_margins")
    if set(columns) != set(targets):
        missing = sorted(set(columns) ^ set(targets))
        raise WeightingError(
            f"Columns and targets name different variables: {missing}.",
            code="variables_differ",
            variables=missing,
        )
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) != 1:
        raise WeightingError(
            f"Every column needs one value per respondent: {lengths}.", code="lengths_differ"
        )
    n = next(iter(lengths.values()))
    if n == 0:
        raise WeightingError("There are no respondents.", code="no_respondents")
    margins = []
    totals = {}
    for name, values in columns.items():
        wanted = {category: float(total) for category, total in targets[name].items()}
        if any(total < 0 or not np.isfinite(total) for total in wanted.values()):
            raise WeightingError(
                f"{name}: population totals must be finite and not negative.",
                code="negative_total",
                variable=name,
            )
        categories = list(wanted)
        index = {category: i for i, category in enumerate(categories)}
        codes, unknown = _encode(values, index)
        if unknown:
            raise WeightingError(
                f"{name}: respondents in {sorted(map(str, unknown))} have no population total.",
                code="no_population",
                variable=name,
                categories=sorted(map(str, unknown)),
            )
        counts = np.bincount(codes, minlength=len(categories))
        empty = [str(c) for c, i in index.items() if wanted[c] > 0 and counts[i] == 0]
        if empty:
            raise WeightingError(
                f"{name}: population in {sorted(empty)} but no respondents.",
                code="no_respondents_in_category",
                variable=name,
                categories=sorted(empty),
            )
        margins.append(_Margin(name, codes, np.array([wanted[c] for c in categories])))
        totals[name] = sum(wanted.values())
    reference = next(iter(totals.values()))
    if reference <= 0:
        raise WeightingError("The population totals are zero.", code="zero_population")
    for total in totals.values():
        if abs(total - reference) > 1e-9 * reference:
            raise WeightingError(
                f"The margins cannot be met: they sum to different populations {totals}.",
                code="different_populations",
                totals=totals,
            )
    return n, margins


# Every respondent in the same combination of categories gets the same adjustment, so
# when the combinations are few the fitting runs on the table of their weighted counts.
_MAX_TABLE_CELLS = 2_000_000


def _no_convergence(max_iterations: int, error: float) -> WeightingError:
    return WeightingError(
        f"The margins cannot be met together: after {max_iterations} iterations the largest "
        f"relative error is {error:.3g}. Some combinations of categories may have no "
        "respondents; merge categories or drop a margin.",
        code="no_convergence",
        iterations=max_iterations,
        error=error,
    )


def _fit_table(
    base: FloatArray, targets: list[FloatArray], tolerance: float, max_iterations: int
) -> tuple[FloatArray, int, float]:
    """Iterative proportional fitting of a table of weighted counts to its margins."""
    fitted = base.copy()
    axes = range(base.ndim)
    error = np.inf
    for iteration in range(1, max_iterations + 1):
        for axis, wanted in enumerate(targets):
            sums = fitted.sum(axis=tuple(a for a in axes if a != axis))
            factors = np.divide(wanted, sums, out=np.zeros_like(sums), where=sums > 0)
            view = [1] * base.ndim
            view[axis] = len(sums)
            fitted *= factors.reshape(view)
        error = 0.0
        for axis, wanted in enumerate(targets):
            sums = fitted.sum(axis=tuple(a for a in axes if a != axis))
            scale = np.maximum(wanted, 1e-300)
            error = max(error, float(np.max(np.abs(sums - wanted) / scale)))
        if error <= tolerance:
            return fitted, iteration, error
    raise _no_convergence(max_iterations, error)


def _rake_table(
    margins: list[_Margin], weights: FloatArray, tolerance: float, max_iterations: int
) -> RakeResult:
    shape = tuple(len(m.targets) for m in margins)
    cell = np.ravel_multi_index(tuple(m.codes for m in margins), shape)
    base = np.asarray(
        np.bincount(cell, weights=weights, minlength=int(np.prod(shape))), dtype=np.float64
    ).reshape(shape)
    fitted, iterations, error = _fit_table(
        base, [m.targets for m in margins], tolerance, max_iterations
    )
    ratio = np.divide(fitted, base, out=np.zeros_like(fitted), where=base > 0)
    return RakeResult(weights * ratio.ravel()[cell], iterations, error, True)


def _integer_cells(
    columns: Mapping[str, Sequence[Hashable]], targets: Mapping[str, Mapping[Hashable, float]]
) -> tuple[NDArray[np.intp], tuple[int, ...], list[list[Hashable]]] | None:
    """Each respondent's cell in the table of all category combinations, in one pass per
    variable, when every column is an array of small non-negative integers (how the survey
    tables store answers) and every category is an integer; otherwise None.

    A value with no population total puts its respondent outside the table (a cell number
    at least the table's size), which the caller notices and sends to the careful path for
    the error message.
    """
    arrays: list[NDArray[np.integer[Any]]] = []
    categories: list[list[Hashable]] = []
    for name, values in columns.items():
        if not isinstance(values, np.ndarray) or values.dtype.kind not in "iu" or not values.size:
            return None
        keys = list(targets[name])
        if not all(isinstance(k, int | np.integer) and 0 <= k < 10**7 for k in keys):
            return None
        arrays.append(values)
        categories.append(keys)
    shape = tuple(len(keys) for keys in categories)
    size = int(np.prod(shape, dtype=np.float64))
    if size > _MAX_TABLE_CELLS or size == 0:
        return None
    cell: NDArray[np.intp] | None = None
    stride = size
    for column, keys in zip(arrays, categories, strict=True):
        if int(column.min()) < 0 or int(column.max()) >= 10**7:
            return None
        stride //= len(keys)
        # Known values map to their code times the stride; unknown ones to ``size``.
        lookup = np.full(int(column.max()) + 1, size, dtype=np.intp)
        for code, key in enumerate(keys):
            value = int(key)  # type: ignore[call-overload]
            if value < len(lookup):
                lookup[value] = code * stride
        part = lookup[column]
        if cell is None:
            cell = part
        else:
            cell += part
    assert cell is not None  # noqa: S101 - at least one column (checked by the caller)
    return cell, shape, categories


def _rake_integer_table(
    columns: Mapping[str, Sequence[Hashable]],
    targets: Mapping[str, Mapping[Hashable, float]],
    base_weights: Sequence[float] | None,
    tolerance: float,
    max_iterations: int,
) -> RakeResult | None:
    """The fast path for integer-coded columns, or None to take the general one.

    Anything unusual (unknown categories, empty ones, bad totals or weights) also returns
    None, so that the general path raises the same errors with the same words.
    """
    if not columns or set(columns) != set(targets):
        return None
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        return None
    found = _integer_cells(columns, targets)
    if found is None:
        return None
    cell, shape, categories = found
    size = int(np.prod(shape))
    wanted = [
        np.array([float(targets[name][k]) for k in keys], dtype=np.float64)
        for name, keys in zip(columns, categories, strict=True)
    ]
    totals = [float(w.sum()) for w in wanted]
    if any((w < 0).any() or not np.isfinite(w).all() for w in wanted) or totals[0] <= 0:
        return None
    if any(abs(t - totals[0]) > 1e-9 * totals[0] for t in totals):
        return None
    counts = np.bincount(cell)
    if len(counts) > size:  # somebody is in a category without a population total
        return None
    counts = np.pad(counts, (0, size - len(counts))).reshape(shape)
    axes = range(len(shape))
    for axis, w in enumerate(wanted):
        present = counts.sum(axis=tuple(a for a in axes if a != axis))
        if ((w > 0) & (present == 0)).any():
            return None
    base: FloatArray
    if base_weights is None:
        base = counts.astype(np.float64)
    else:
        weights = np.array(base_weights, dtype=np.float64)
        if weights.shape != cell.shape or np.any(weights <= 0) or not np.all(np.isfinite(weights)):
            return None
        base = np.bincount(cell, weights=weights, minlength=size).astype(np.float64).reshape(shape)
    fitted, iterations, error = _fit_table(base, wanted, tolerance, max_iterations)
    ratio = np.divide(fitted, base, out=np.zeros_like(fitted), where=base > 0).ravel()
    result = ratio[cell]
    if base_weights is not None:
        result *= weights
    return RakeResult(result, iterations, error, True)


def rake_with_diagnostics(
    columns: Mapping[str, Sequence[Hashable]],
    targets: Mapping[str, Mapping[Hashable, float]],
    *,
    base_weights: Sequence[float] | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> RakeResult:
    """Rake and report how far it got. Raises WeightingError if it does not converge."""
    fast = _rake_integer_table(columns, targets, base_weights, tolerance, max_iterations)
    if fast is not None:
        return fast
    n, margins = _prepare(columns, targets)
    weights = np.ones(n) if base_weights is None else np.array(base_weights, dtype=np.float64)
    if weights.shape != (n,) or np.any(weights <= 0) or not np.all(np.isfinite(weights)):
        raise WeightingError(
            "Base weights must be positive and one per respondent.", code="bad_base_weights"
        )
    if np.prod([len(m.targets) for m in margins], dtype=np.float64) <= _MAX_TABLE_CELLS:
        return _rake_table(margins, weights, tolerance, max_iterations)
    error = np.inf
    for iteration in range(1, max_iterations + 1):
        for margin in margins:
            sums = np.bincount(margin.codes, weights=weights, minlength=len(margin.targets))
            factors = np.divide(margin.targets, sums, out=np.zeros_like(sums), where=sums > 0)
            weights *= factors[margin.codes]
        error = 0.0
        for margin in margins:
            sums = np.bincount(margin.codes, weights=weights, minlength=len(margin.targets))
            scale = np.maximum(margin.targets, 1e-300)
            error = max(error, float(np.max(np.abs(sums - margin.targets) / scale)))
        if error <= tolerance:
            return RakeResult(weights, iteration, error, True)
    raise _no_convergence(max_iterations, error)


def rake(
    columns: Mapping[str, Sequence[Hashable]],
    targets: Mapping[str, Mapping[Hashable, float]],
    *,
    base_weights: Sequence[float] | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> FloatArray:
    """One weight per respondent whose weighted totals match every margin in ``targets``.

    ``columns`` maps a variable name to the respondents' categories (one per respondent);
    ``targets`` maps the same names to ``{category: population total}``. The weights sum to
    the population. Raises :class:`WeightingError` when a category has respondents but no
    population, has population but no respondents, the margins sum to different populations,
    or iterative proportional fitting does not meet them within ``max_iterations``.
    """
    return rake_with_diagnostics(
        columns,
        targets,
        base_weights=base_weights,
        tolerance=tolerance,
        max_iterations=max_iterations,
    ).weights


def kish_design_effect(weights: Sequence[float] | FloatArray) -> float:
    """Kish's design effect from unequal weights: n·Σw² / (Σw)². 1 means no loss."""
    w = np.asarray(weights, dtype=np.float64)
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


def weighting_efficiency(weights: Sequence[float] | FloatArray) -> float:
    """The effective sample size as a share of the real one: 1 / design effect."""
    return 1.0 / kish_design_effect(weights)


def trim_weights(
    weights: Sequence[float] | FloatArray, *, lower: float = 0.0, upper: float = float("inf")
) -> FloatArray:
    """Cap weights at ``lower``/``upper`` times the mean weight, keeping the total."""
    w = np.asarray(weights, dtype=np.float64).copy()
    total = w.sum()
    for _ in range(100):
        mean = w.mean()
        clipped = np.clip(w, lower * mean, upper * mean)
        clipped *= total / clipped.sum()
        if np.allclose(clipped, w, rtol=0, atol=1e-12 * mean):
            return clipped
        w = clipped
    return w


def weighted_crosstab(
    rows: Sequence[int] | NDArray[np.intp],
    cols: Sequence[int] | NDArray[np.intp],
    weights: Sequence[float] | FloatArray,
) -> FloatArray:
    """Weighted counts of ``rows`` × ``cols`` (non-negative integer codes) in one pass.

    Row ``r``, column ``c`` holds the sum of the weights of the respondents with those codes.
    """
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    w = np.asarray(weights, dtype=np.float64)
    if not (len(r) == len(c) == len(w)):
        raise WeightingError("rows, cols and weights differ in length.", code="lengths_differ")
    if len(r) == 0:
        return np.zeros((0, 0))
    if r.min() < 0 or c.min() < 0:
        raise WeightingError("Codes must not be negative.", code="negative_code")
    width = int(c.max()) + 1
    table: FloatArray = np.bincount(
        r * width + c, weights=w, minlength=(int(r.max()) + 1) * width
    ).astype(np.float64)
    return table.reshape(-1, width)
