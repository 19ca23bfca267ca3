"""Colour contrast as WCAG 2.1 defines it (success criterion 1.4.3), for an organisation's
brand colours. No Django import: tested on its own (tests/test_branding.py).

An organisation's primary colour is the header's background under white text, the colour of
links and the background of buttons under white text; its accent colour marks notices and
chart series. Both must reach :data:`MIN_RATIO` against white and against the light grey the
site uses behind links (:data:`SURFACES`, kept equal to ``--paper`` and ``--soft`` in
``static/css/delaktig.css``). White text on the colour is the same pair, so one check covers it.
"""

import math
import re
from typing import Final

MIN_RATIO: Final = 4.5
WHITE: Final = "#ffffff"
# The light backgrounds links and brand-coloured text stand on: --paper and --soft.
SURFACES: Final = (WHITE, "#f3f4f7")

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalise_hex(value: str) -> str:
    """``value`` as ``#rrggbb`` in lower case; ``ValueError`` if it is no hex colour."""
    found = _HEX.match(value.strip())
    if found is None:
        raise ValueError(f"not a hex colour: {value!r}")
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(2 * d for d in digits)
    return f"#{digits}"


def _rgb(value: str) -> tuple[int, int, int]:
    digits = normalise_hex(value)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = _rgb(colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def weakest_contrast(colour: str, surfaces: tuple[str, ...] = SURFACES) -> float:
    """The lowest contrast of ``colour`` against any of ``surfaces``."""
    return min(contrast_ratio(colour, surface) for surface in surfaces)


def passes(colour: str, surfaces: tuple[str, ...] = SURFACES) -> bool:
    return weakest_contrast(colour, surfaces) >= MIN_RATIO


def shown_ratio(ratio: float) -> str:
    """A ratio as people read it, ``4.49`` for 4.4999 (rounded down: never shown passing
    when it fails)."""
    return f"{math.floor(ratio * 100) / 100:.2f}"


def darken(colour: str, amount: float) -> str:
    """``colour`` mixed with black: ``amount`` 0 keeps it, 1 gives black."""
    r, g, b = _rgb(colour)
    keep = 1 - amount
    return "#{:02x}{:02x}{:02x}".format(*(round(c * keep) for c in (r, g, b)))


def nearest_passing_shade(colour: str, surfaces: tuple[str, ...] = SURFACES) -> str:
    """The lightest shade of ``colour`` (the same hue, mixed with black) that reaches
    :data:`MIN_RATIO` against every surface; the colour itself if it already does."""
    colour = normalise_hex(colour)
    if passes(colour, surfaces):
        return colour
    for step in range(1, 101):
        shade = darken(colour, step / 100)
        if passes(shade, surfaces):
            return shade
    return "#000000"


def hover_shade(colour: str) -> str:
    """A darker shade for hover and pressed states (``--brand-dark``)."""
    return darken(colour, 0.4)
