"""The raking engine against textbook results, a reference implementation and its errors."""

from typing import Any

import numpy as np
import pandas as pd
import pytest
from weightipy import scheme_from_dict, weight

from delaktig.weighting import (
    WeightingError,
    kish_design_effect,
    rake,
    rake_with_diagnostics,
    trim_weights,
    weighted_crosstab,
    weighting_efficiency,
)


def weighted_totals(column: list[str], weights: np.ndarray) -> dict[str, float]:
    totals: dict[str, float] = {}
    for category, w in zip(column, weights, strict=True):
        totals[category] = totals.get(category, 0.0) + float(w)
    return totals


def test_one_margin_is_post_stratification() -> None:
    w = rake({"sex": ["k", "k", "k", "m"]}, {"sex": {"k": 60, "m": 40}})
    assert list(w) == pytest.approx([20, 20, 20, 40])


def test_textbook_two_margins() -> None:
    # A 2×2 sample (sex × age) with cell counts 30, 20 / 10, 40, raked to margins
    # sex 50/50 and age 60/40 (Deming–Stephan). Fitted cells must meet both margins.
    sex = ["k"] * 50 + ["m"] * 50
    age = ["ung"] * 30 + ["äldre"] * 20 + ["ung"] * 10 + ["äldre"] * 40
    w = rake(
        {"sex": sex, "age": age}, {"sex": {"k": 500, "m": 500}, "age": {"ung": 600, "äldre": 400}}
    )
    assert weighted_totals(sex, w) == pytest.approx({"k": 500, "m": 500})
    assert weighted_totals(age, w) == pytest.approx({"ung": 600, "äldre": 400})
    # Raking keeps the sample's odds ratio: cells are fitted multiplicatively.
    cell = {key: 0.0 for key in [("k", "ung"), ("k", "äldre"), ("m", "ung"), ("m", "äldre")]}
    for s, a, x in zip(sex, age, w, strict=True):
        cell[(s, a)] += x
    odds = (cell[("k", "ung")] * cell[("m", "äldre")]) / (cell[("k", "äldre")] * cell[("m", "ung")])
    assert odds == pytest.approx((30 * 40) / (20 * 10))


def test_matches_weightipy_on_random_data() -> None:
    rng = np.random.default_rng(2026)
    n = 3000
    data = {
        "sex": rng.choice(["kvinna", "man", "annat"], n, p=[0.55, 0.43, 0.02]).tolist(),
        "age": rng.choice(["18-29", "30-44", "45-64", "65+"], n, p=[0.1, 0.2, 0.35, 0.35]).tolist(),
        "kommun": rng.choice([f"k{i}" for i in range(8)], n).tolist(),
    }
    targets = {
        "sex": {"kvinna": 49.0, "man": 50.0, "annat": 1.0},
        "age": {"18-29": 20.0, "30-44": 25.0, "45-64": 30.0, "65+": 25.0},
        "kommun": {f"k{i}": 12.5 for i in range(8)},
    }
    ours = rake(data, targets, tolerance=1e-12)
    scheme = scheme_from_dict(targets, rim_params={"convcrit": 1e-12, "max_iterations": 10000})
    theirs = weight(pd.DataFrame(data), scheme).to_numpy()
    assert np.max(np.abs(ours / ours.mean() - theirs / theirs.mean())) < 1e-6


def test_base_weights_are_respected() -> None:
    w = rake({"sex": ["k", "k", "m"]}, {"sex": {"k": 4, "m": 2}}, base_weights=[1, 3, 1])
    assert list(w) == pytest.approx([1, 3, 2])


@pytest.mark.parametrize(
    ("columns", "targets", "message"),
    [
        ({"sex": ["k", "x"]}, {"sex": {"k": 10}}, "no population total"),
        ({"sex": ["k", "k"]}, {"sex": {"k": 10, "m": 5}}, "but no respondents"),
        (
            {"sex": ["k", "m"], "age": ["a", "b"]},
            {"sex": {"k": 5, "m": 5}, "age": {"a": 5, "b": 6}},
            "different populations",
        ),
        ({"sex": ["k"]}, {"age": {"a": 1}}, "different variables"),
        ({"sex": ["k"], "age": []}, {"sex": {"k": 1}, "age": {"a": 1}}, "one value per"),
        ({"sex": []}, {"sex": {"k": 1}}, "no respondents"),
        ({"sex": ["k"]}, {"sex": {"k": -1}}, "not negative"),
    ],
)
def test_errors_say_what_is_wrong(
    columns: dict[str, Any], targets: dict[str, Any], message: str
) -> None:
    with pytest.raises(WeightingError, match=message):
        rake(columns, targets)


def test_impossible_margins_are_reported() -> None:
    # Every woman is young and every man is old: sex and age cannot be fitted separately.
    columns = {"sex": ["k", "k", "m", "m"], "age": ["ung", "ung", "äldre", "äldre"]}
    targets = {"sex": {"k": 50, "m": 50}, "age": {"ung": 70, "äldre": 30}}
    with pytest.raises(WeightingError, match="cannot be met together"):
        rake(columns, targets, max_iterations=200)


def test_zero_population_category_without_respondents_is_fine() -> None:
    w = rake({"sex": ["k", "m"]}, {"sex": {"k": 5, "m": 5, "annat": 0}})
    assert list(w) == pytest.approx([5, 5])


def test_diagnostics_and_design_effect() -> None:
    result = rake_with_diagnostics({"sex": ["k", "m", "m", "m"]}, {"sex": {"k": 2, "m": 2}})
    assert result.converged and result.iterations == 1 and result.max_relative_error < 1e-12
    assert kish_design_effect([1, 1, 1, 1]) == pytest.approx(1.0)
    deff = kish_design_effect(result.weights)  # weights 2, 2/3, 2/3, 2/3
    assert deff == pytest.approx(4 * (4 + 3 * 4 / 9) / 16)
    assert weighting_efficiency(result.weights) == pytest.approx(1 / deff)


def test_trimming_caps_extremes_and_keeps_the_total() -> None:
    weights = np.array([1.0, 1.0, 1.0, 9.0])
    trimmed = trim_weights(weights, upper=2.0)
    assert trimmed.sum() == pytest.approx(weights.sum())
    assert trimmed.max() <= 2.0 * trimmed.mean() + 1e-9


@pytest.mark.parametrize(
    ("columns", "targets", "code"),
    [
        ({}, {}, "no_margins"),
        ({"sex": ["k"]}, {"age": {"k": 1}}, "variables_differ"),
        ({"sex": ["k", "x"]}, {"sex": {"k": 1}}, "no_population"),
        ({"sex": ["k"]}, {"sex": {"k": 1, "m": 1}}, "no_respondents_in_category"),
        (
            {"sex": ["k", "m"], "age": ["y", "o"]},
            {"sex": {"k": 1, "m": 1}, "age": {"y": 1, "o": 2}},
            "different_populations",
        ),
    ],
)
def test_errors_carry_a_stable_code(
    columns: dict[str, Any], targets: dict[str, Any], code: str
) -> None:
    with pytest.raises(WeightingError) as caught:
        rake(columns, targets)
    assert caught.value.code == code


def test_weighted_crosstab_sums_weights_per_cell() -> None:
    table = weighted_crosstab([0, 0, 1, 2], [1, 1, 0, 1], [1.5, 2.0, 3.0, 0.5])
    assert table.tolist() == [[0.0, 3.5], [3.0, 0.0], [0.0, 0.5]]
    with pytest.raises(WeightingError):
        weighted_crosstab([0], [1, 2], [1.0])


def test_integer_columns_take_the_table_path_and_agree_with_the_general_one() -> None:
    rng = np.random.default_rng(11)
    n = 5000
    codes = {
        "sex": rng.choice(3, n, p=[0.55, 0.43, 0.02]),
        "age": rng.choice(np.array([0, 1, 2, 5]), n),  # a gap in the codes
        "kommun": rng.choice(np.array([2303, 2380, 2309]), n),
    }
    targets = {
        "sex": {0: 490.0, 1: 500.0, 2: 10.0},
        "age": {0: 200.0, 1: 250.0, 2: 300.0, 5: 250.0, 7: 0.0},
        "kommun": {2303: 100.0, 2380: 700.0, 2309: 200.0},
    }
    base = rng.uniform(0.5, 2.0, n)
    labelled = {k: [f"c{v}" for v in values] for k, values in codes.items()}
    labelled_targets = {k: {f"c{c}": t for c, t in v.items()} for k, v in targets.items()}
    for weights in (None, base):
        fast = rake_with_diagnostics(codes, targets, base_weights=weights, tolerance=1e-12)
        general = rake_with_diagnostics(
            labelled, labelled_targets, base_weights=weights, tolerance=1e-12
        )
        assert np.max(np.abs(fast.weights - general.weights)) < 1e-9 * fast.weights.max()
        assert fast.iterations == general.iterations
        for name, column in codes.items():
            totals = weighted_crosstab(column, np.zeros(n, dtype=np.intp), fast.weights)[:, 0]
            for category, target in targets[name].items():
                got = totals[category] if category < len(totals) else 0.0
                assert got == pytest.approx(target, rel=1e-9)


def test_integer_columns_report_the_same_errors() -> None:
    codes = {"sex": np.array([0, 1, 2, 2])}
    with pytest.raises(WeightingError) as caught:
        rake(codes, {"sex": {0: 1.0, 1: 1.0}})
    assert caught.value.code == "no_population" and caught.value.params["categories"] == ["2"]
    with pytest.raises(WeightingError) as caught:
        rake(codes, {"sex": {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0}})
    assert caught.value.code == "no_respondents_in_category"
    with pytest.raises(WeightingError) as caught:
        rake(codes, {"sex": {0: 1.0, 1: 1.0, 2: -1.0}})
    assert caught.value.code == "negative_total"
