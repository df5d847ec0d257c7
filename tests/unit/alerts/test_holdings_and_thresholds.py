"""Stock levels follow holdings and per-warehouse thresholds (docs/adr/0011-holdings.md):
a return, an inspection or a hold is on hand but not available; each warehouse's reorder
point, max stock and minimum shelf life override the product's."""

from datetime import timedelta

from lotledger.alerts.domain.facts import LotFacts, ProductThresholds
from lotledger.alerts.domain.levels import product_stock
from lotledger.alerts.domain.rules import low_stock, overstock, stock_out
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.catalog import WarehouseThresholds
from lotledger.shared.contracts.stock import BatchStatus
from tests.unit.alerts.fixtures import A1, A2, B1, GTIN, NOW, ZONES


def _lot(on_hand: dict[str, int], held: dict[str, int] | None = None, days: int = 365) -> LotFacts:
    expiry = NOW.date() + timedelta(days=days)
    return LotFacts(GTIN, f"L{days}", expiry, BatchStatus.AVAILABLE, on_hand, held or {})


def test_held_stock_is_on_hand_but_not_available() -> None:
    returned = _lot({A1: 30, A2: 5}, held={A2: 5})
    (level,) = product_stock(GTIN, [returned], ["WH1"], ZONES, NOW).levels
    assert (level.available, level.on_hand) == (30, 35)
    inspected = _lot({A1: 30}, held={A1: 30})
    stock = product_stock(GTIN, [inspected], ["WH1"], ZONES, NOW)
    (out,) = stock_out(stock, ProductThresholds(GTIN, reorder_point=5)).conditions
    assert out.details["on_hand"] == 30


def test_each_warehouse_alerts_on_its_own_thresholds() -> None:
    thresholds = ProductThresholds(
        GTIN,
        reorder_point=10,
        max_stock=100,
        warehouses={"WH2": WarehouseThresholds(reorder_point=50, max_stock=60)},
    )
    stock = product_stock(GTIN, [_lot({A1: 40, B1: 40})], ["WH1", "WH2"], ZONES, NOW)
    low = low_stock(stock, thresholds).conditions
    assert [
        (c.key.alert_type, c.details["warehouse"], c.details["reorder_point"]) for c in low
    ] == [(AlertType.LOW_STOCK, "WH2", 50)]
    assert overstock(stock, thresholds).conditions == ()
    flooded = product_stock(GTIN, [_lot({A1: 70, B1: 70})], ["WH1", "WH2"], ZONES, NOW)
    assert [c.details["warehouse"] for c in overstock(flooded, thresholds).conditions] == ["WH2"]


def test_stock_short_of_the_minimum_shelf_life_is_not_available() -> None:
    thresholds = ProductThresholds(
        GTIN,
        reorder_point=5,
        min_remaining_days=30,
        warehouses={"WH2": WarehouseThresholds(min_remaining_days=90)},
    )
    short = _lot({A1: 20, B1: 20}, days=60)
    stock = product_stock(GTIN, [short], ["WH1", "WH2"], ZONES, NOW, thresholds)
    assert [(lv.warehouse, lv.available, lv.on_hand) for lv in stock.levels] == [
        ("WH1", 20, 20),
        ("WH2", 0, 20),
    ]
    assert [c.details["warehouse"] for c in stock_out(stock, thresholds).conditions] == ["WH2"]
