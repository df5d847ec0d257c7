"""The forecast page's stock curve follows the FEFO walk the alerts service reported."""

from datetime import date, timedelta

from lotledger.console.domain.forecast import LotRisk, ProductRisk, stock_curve

TODAY = date(2026, 12, 4)


def lot(name: str, qty: int, at_risk: int, reached: int | None, stops: int) -> LotRisk:
    return LotRisk(
        name,
        TODAY + timedelta(days=stops - 1),
        qty,
        at_risk,
        None,
        None,
        None if reached is None else TODAY + timedelta(days=reached),
        TODAY + timedelta(days=stops),
    )


def test_lots_drain_in_turn_and_what_is_left_at_the_end_of_selling_drops_out() -> None:
    first = lot("A", 100, 50, 0, 10)
    second = lot("B", 30, 0, 10, 40)
    risk = ProductRisk("04012345678901", "WH1", 5.0, 50, {}, 16.0, None, (first, second), 0)

    curve = stock_curve(risk, TODAY)

    assert curve.days[0] == TODAY.isoformat()
    assert len(curve.days) == 41
    assert curve.units[0] == 130
    assert curve.units[9] == 130 - 45
    assert curve.units[10] == 30
    assert curve.units[16] == 0
    assert curve.units[-1] == 0


def test_without_demand_stock_stays_until_each_lot_stops_being_sellable() -> None:
    risk = ProductRisk(
        "04012345678901", "WH1", 0.0, 30, {}, None, None,
        (lot("A", 10, 10, None, 3), lot("B", 20, 20, None, 5)), 0,
    )  # fmt: skip
    assert stock_curve(risk, TODAY).units == [30, 30, 30, 20, 20, 0]
