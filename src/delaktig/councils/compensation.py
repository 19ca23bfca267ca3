"""What a council member is owed for a meeting. Plain Python, no Django.

All amounts are Decimal kronor. The rules are the organisation's (Ersättningsmodell):
a fee per meeting or per half day, loss of earnings up to a cap per half day, and travel
either by distance or by the actual cost. No attendance recorded means nothing is owed.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Rules:
    fee_basis: str  # "meeting" or "half_day"
    fee: Decimal
    lost_earnings_cap_per_half_day: Decimal
    travel_basis: str  # "distance" or "actual"
    travel_per_km: Decimal


@dataclass(frozen=True)
class Claim:
    present: bool
    half_days: int
    lost_earnings: Decimal
    travel_km: Decimal
    travel_cost: Decimal


@dataclass(frozen=True)
class Owed:
    fee: Decimal
    lost_earnings: Decimal
    travel: Decimal

    @property
    def total(self) -> Decimal:
        return self.fee + self.lost_earnings + self.travel


def _kr(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def owed(rules: Rules, claim: Claim | None) -> Owed:
    if claim is None or not claim.present:
        return Owed(ZERO, ZERO, ZERO)
    half_days = max(1, min(claim.half_days, 2))
    fee = rules.fee if rules.fee_basis == "meeting" else rules.fee * half_days
    lost = min(max(claim.lost_earnings, ZERO), rules.lost_earnings_cap_per_half_day * half_days)
    if rules.travel_basis == "distance":
        travel = max(claim.travel_km, ZERO) * rules.travel_per_km
    else:
        travel = max(claim.travel_cost, ZERO)
    return Owed(_kr(fee), _kr(lost), _kr(travel))
