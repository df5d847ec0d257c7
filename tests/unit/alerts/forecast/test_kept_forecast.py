"""A kept forecast decodes to the velocity and expiry risk that were computed, so the
warehouse-wide report built from the table equals the live one."""

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from lotledger.alerts.adapters.forecast_latest import decode, encode
from lotledger.alerts.domain.forecast_risk import Cost, ForecastLot, expiry_risk
from lotledger.alerts.domain.forecast_velocity import Velocity
from tests.unit.alerts.forecast.test_expiry_risk import TODAY, lot_lists, velocities

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
ODD = Cost(Decimal("0.3333333"), "JPY")


@given(lot_lists(), velocities, st.integers(0, 20), st.floats(0, 1e6), st.booleans())
def test_a_kept_forecast_decodes_to_what_was_computed(
    lots: list[ForecastLot], per_day: Fraction, min_remaining: int, sigma: float, odd: bool
) -> None:
    if odd:
        lots = [ForecastLot(x.lot, x.expiry, x.sellable, x.held, ODD) for x in lots]
    risk = expiry_risk(lots, per_day, TODAY, min_remaining)
    speed = Velocity(per_day, sigma, 31, 7, TODAY if per_day else None)

    kept = decode("04012345678901", "WH1", AT, encode(speed, risk))

    assert (kept.gtin, kept.warehouse, kept.computed_at) == ("04012345678901", "WH1", AT)
    assert kept.velocity == speed
    assert kept.risk == risk
