"""Risk levels: likelihood × consequence on SKR's four-step scales. Pure functions, no models.

The level follows the product: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

SCALE = (1, 2, 3, 4)

LIKELIHOOD_LABELS = {
    1: _("1 – Osannolik"),
    2: _("2 – Möjlig"),
    3: _("3 – Sannolik"),
    4: _("4 – Mycket sannolik"),
}
CONSEQUENCE_LABELS = {
    1: _("1 – Begränsad"),
    2: _("2 – Märkbar"),
    3: _("3 – Allvarlig"),
    4: _("4 – Mycket allvarlig"),
}


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


LEVEL_LABELS = {
    Level.LOW: _("Låg"),
    Level.MEDIUM: _("Medel"),
    Level.HIGH: _("Hög"),
    Level.VERY_HIGH: _("Mycket hög"),
}


def level(likelihood: int, consequence: int) -> Level:
    """The level of a risk rated ``likelihood`` and ``consequence`` (each 1–4)."""
    if likelihood not in SCALE or consequence not in SCALE:
        raise ValueError("likelihood and consequence are 1–4")
    product = likelihood * consequence
    if product >= 12:
        return Level.VERY_HIGH
    if product >= 8:
        return Level.HIGH
    if product >= 4:
        return Level.MEDIUM
    return Level.LOW
