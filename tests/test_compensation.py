from decimal import Decimal as D

import pytest

from delaktig.councils.compensation import Claim, Rules, owed

HALF_DAY = Rules("half_day", D("600"), D("900"), "distance", D("2.50"))
PER_MEETING = Rules("meeting", D("800"), D("900"), "actual", D("0"))


def claim(**kw: object) -> Claim:
    values: dict[str, object] = {
        "present": True,
        "half_days": 1,
        "lost_earnings": D("0"),
        "travel_km": D("0"),
        "travel_cost": D("0"),
    }
    values.update(kw)
    return Claim(**values)


def test_missing_attendance_or_absence_owes_nothing() -> None:
    assert owed(HALF_DAY, None).total == D("0.00")
    assert owed(HALF_DAY, claim(present=False, travel_km=D("100"))).total == D("0.00")


@pytest.mark.parametrize(
    ("half_days", "fee"), [(1, D("600.00")), (2, D("1200.00")), (0, D("600.00")), (3, D("1200.00"))]
)
def test_fee_per_half_day_counts_one_or_two(half_days: int, fee: D) -> None:
    assert owed(HALF_DAY, claim(half_days=half_days)).fee == fee


def test_fee_per_meeting_ignores_half_days() -> None:
    assert owed(PER_MEETING, claim(half_days=2)).fee == D("800.00")


@pytest.mark.parametrize(
    ("claimed", "half_days", "paid"),
    [
        (D("899.99"), 1, D("899.99")),
        (D("900.00"), 1, D("900.00")),
        (D("900.01"), 1, D("900.00")),
        (D("2000"), 2, D("1800.00")),
        (D("-50"), 1, D("0.00")),
    ],
)
def test_lost_earnings_are_capped_per_half_day(claimed: D, half_days: int, paid: D) -> None:
    assert owed(HALF_DAY, claim(lost_earnings=claimed, half_days=half_days)).lost_earnings == paid


def test_travel_by_distance_or_actual_cost() -> None:
    assert owed(HALF_DAY, claim(travel_km=D("123.4"), travel_cost=D("999"))).travel == D("308.50")
    assert owed(PER_MEETING, claim(travel_km=D("500"), travel_cost=D("245.50"))).travel == D(
        "245.50"
    )
    total = owed(HALF_DAY, claim(half_days=2, lost_earnings=D("1000"), travel_km=D("10")))
    assert total.total == D("1200.00") + D("1000.00") + D("25.00")
