"""Survey weighting: raking (iterative proportional fitting) and weight diagnostics.

No Django here: the engine is tested and benchmarked on its own and used by the survey
results, management commands and tasks alike. See docs/weighting.md.

    >>> w = rake({"sex": ["k", "m", "m"]}, {"sex": {"k": 50, "m": 50}})
    >>> [round(x, 6) for x in w]
    [50.0, 25.0, 25.0]
"""

from .rake import (
    RakeResult,
    WeightingError,
    kish_design_effect,
    rake,
    rake_with_diagnostics,
    trim_weights,
    weighted_crosstab,
    weighting_efficiency,
)

__all__ = [
    "RakeResult",
    "WeightingError",
    "kish_design_effect",
    "rake",
    "rake_with_diagnostics",
    "trim_weights",
    "weighted_crosstab",
    "weighting_efficiency",
]
