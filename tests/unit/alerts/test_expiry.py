"""near_expiry and expired_on_hand, with the clock moved day by day."""

from datetime import UTC, date, datetime, timedelta

import pytest

from lotledger.alerts.domain.alert import ChangeKind
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds
from lotledger.alerts.domain.rules import evaluate_lot, expired_on_hand, near_expiry
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.catalog import Product, StorageClass
from lotledger.shared.contracts.stock import BatchStatus
from tests.unit.alerts.fixtures import A1, A2, B1, GTIN, THRESHOLDS, ZONES, Desk, json_native, lot

CONFIG = RulesConfig()
SUBJECT = f"{GTIN}/L1@WH1"


def days(start: date, end: date) -> list[datetime]:
    """09:00 UTC on every day from `start` to `end` inclusive."""
    first = datetime(start.year, start.month, start.day, 9, tzinfo=UTC)
    return [first + timedelta(days=n) for n in range((end - start).days + 1)]


def run(desk: Desk, facts: LotFacts, start: date, end: date) -> None:
    for now in days(start, end):
        desk.evaluate(evaluate_lot(facts, THRESHOLDS, ZONES, CONFIG, now), now)
        assert desk.evaluate(evaluate_lot(facts, THRESHOLDS, ZONES, CONFIG, now), now) == []


def test_a_lot_gets_one_near_expiry_alert_per_tier_then_expired_on_hand() -> None:
    desk = Desk()
    run(desk, lot(expiry=date(2026, 12, 31)), date(2026, 6, 1), date(2027, 1, 10))
    assert desk.summary() == [
        ("raised", "near_expiry", SUBJECT, "180d"),
        ("resolved", "near_expiry", SUBJECT, "180d"),
        ("raised", "near_expiry", SUBJECT, "90d"),
        ("resolved", "near_expiry", SUBJECT, "90d"),
        ("raised", "near_expiry", SUBJECT, "30d"),
        ("resolved", "near_expiry", SUBJECT, "30d"),
        ("raised", "expired_on_hand", SUBJECT, ""),
    ]
    raised_on = [c.alert.raised_at.date() for c in desk.changes if c.kind is ChangeKind.RAISED]
    assert raised_on == [date(2026, 7, 4), date(2026, 10, 2), date(2026, 12, 1), date(2027, 1, 1)]
    assert [a.key.alert_type for a in desk.open()] == [AlertType.EXPIRED_ON_HAND]
    assert all(c.by is None for c in desk.changes)


def test_no_alert_while_the_lot_has_no_stock() -> None:
    for on_hand in ({}, {A1: 0}):
        desk = Desk()
        run(desk, lot(on_hand=on_hand), date(2026, 6, 1), date(2027, 1, 10))
        assert desk.changes == []


def test_disposing_the_last_units_resolves_the_alert() -> None:
    desk = Desk()
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    desk.evaluate(evaluate_lot(lot(), THRESHOLDS, ZONES, CONFIG, now), now)
    desk.evaluate(evaluate_lot(lot(on_hand={}), THRESHOLDS, ZONES, CONFIG, now), now)
    assert desk.summary() == [
        ("raised", "near_expiry", SUBJECT, "30d"),
        ("resolved", "near_expiry", SUBJECT, "30d"),
    ]
    assert desk.changes[-1].alert.resolved_by is None


def test_a_lot_received_inside_the_last_tier_raises_only_that_tier() -> None:
    desk = Desk()
    run(desk, lot(expiry=date(2026, 12, 31)), date(2026, 12, 20), date(2026, 12, 31))
    assert desk.summary() == [("raised", "near_expiry", SUBJECT, "30d")]


def test_the_expiry_day_is_still_near_expiry_and_the_next_day_is_expired() -> None:
    facts = lot(expiry=date(2026, 12, 31))
    on_the_day = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert [c.key.tier for c in near_expiry(facts, None, ZONES, CONFIG, on_the_day).conditions] == [
        "30d"
    ]
    assert expired_on_hand(facts, ZONES, on_the_day).conditions == ()
    next_day = on_the_day + timedelta(minutes=1)
    assert near_expiry(facts, None, ZONES, CONFIG, next_day).conditions == ()
    assert len(expired_on_hand(facts, ZONES, next_day).conditions) == 1


def test_expiry_is_judged_in_the_warehouse_time_zone() -> None:
    now = datetime(2027, 1, 1, 1, 0, tzinfo=UTC) - timedelta(hours=8)
    utc_lot = lot(expiry=date(2026, 12, 31), on_hand={A1: 5})
    shanghai_lot = lot(expiry=date(2026, 12, 31), on_hand={B1: 5})
    assert expired_on_hand(utc_lot, ZONES, now).conditions == ()
    (expired,) = expired_on_hand(shanghai_lot, ZONES, now).conditions
    assert expired.key.subject == f"{GTIN}/L1@WH2"


def test_product_tiers_override_the_default_ones() -> None:
    product = Product(
        gtin=GTIN,
        name="Insulin",
        storage_class=StorageClass.COLD,
        rx=True,
        near_expiry_days=[14, 60, 60, 0],
    )
    own = ProductThresholds.from_product(product)
    assert own.near_expiry_days == (60, 14)
    now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    assert [c.key.tier for c in near_expiry(lot(), own, ZONES, CONFIG, now).conditions] == ["60d"]
    assert [c.key.tier for c in near_expiry(lot(), None, ZONES, CONFIG, now).conditions] == ["90d"]


def test_the_configured_default_tiers_apply_to_products_without_their_own() -> None:
    product = Product(
        gtin=GTIN, name="x", storage_class=StorageClass.COLD, rx=True, near_expiry_days=[]
    )
    assert ProductThresholds.from_product(product).near_expiry_days is None
    config = RulesConfig(near_expiry_days=(45,))
    early, late = datetime(2026, 11, 15, tzinfo=UTC), datetime(2026, 11, 17, tzinfo=UTC)
    assert near_expiry(lot(), THRESHOLDS, ZONES, config, early).conditions == ()
    (condition,) = near_expiry(lot(), THRESHOLDS, ZONES, config, late).conditions
    assert (condition.key.tier, condition.details["tier_days"]) == ("45d", 45)


@pytest.mark.parametrize(
    ("status", "near", "expired"),
    [
        (BatchStatus.AVAILABLE, 1, 1),
        (BatchStatus.QUARANTINED, 1, 1),
        (BatchStatus.REJECTED, 0, 1),
        (BatchStatus.RECALLED, 0, 1),
    ],
)
def test_near_expiry_is_for_stock_that_may_still_sell_expired_stock_is_alerted_always(
    status: BatchStatus, near: int, expired: int
) -> None:
    before = datetime(2026, 12, 1, tzinfo=UTC)
    after = datetime(2027, 1, 2, tzinfo=UTC)
    facts = lot(status=status)
    assert len(near_expiry(facts, None, ZONES, CONFIG, before).conditions) == near
    assert len(expired_on_hand(facts, ZONES, after).conditions) == expired


def test_a_lot_in_two_warehouses_has_one_alert_per_warehouse() -> None:
    desk = Desk()
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    desk.evaluate(evaluate_lot(lot(on_hand={A1: 5, B1: 7}), None, ZONES, CONFIG, now), now)
    assert sorted(a.key.subject for a in desk.open()) == [f"{GTIN}/L1@WH1", f"{GTIN}/L1@WH2"]
    desk.evaluate(evaluate_lot(lot(on_hand={A1: 5}), None, ZONES, CONFIG, now), now)
    assert desk.summary(ChangeKind.RESOLVED) == [
        ("resolved", "near_expiry", f"{GTIN}/L1@WH2", "30d")
    ]


@pytest.mark.parametrize(
    ("when", "severity"),
    [
        (datetime(2026, 7, 10, tzinfo=UTC), Severity.INFO),
        (datetime(2026, 10, 10, tzinfo=UTC), Severity.WARNING),
        (datetime(2026, 12, 10, tzinfo=UTC), Severity.WARNING),
        (datetime(2027, 1, 10, tzinfo=UTC), Severity.CRITICAL),
    ],
)
def test_severity_rises_with_the_tier(when: datetime, severity: Severity) -> None:
    (condition,) = evaluate_lot(lot(), None, ZONES, CONFIG, when).conditions
    assert condition.severity is severity


def test_details_name_the_lot_and_do_not_drift_with_the_clock() -> None:
    facts = lot(on_hand={A1: 30, A2: 10, B1: 3})
    first = near_expiry(facts, None, ZONES, CONFIG, datetime(2026, 10, 3, tzinfo=UTC))
    later = near_expiry(facts, None, ZONES, CONFIG, datetime(2026, 10, 30, tzinfo=UTC))
    assert first == later
    wh1 = first.conditions[0]
    assert wh1.details == {
        "gtin": GTIN,
        "lot": "L1",
        "warehouse": "WH1",
        "expiry": "2026-12-31",
        "status": "available",
        "on_hand": 40,
        "locations": {A1: 30, A2: 10},
        "tier_days": 90,
    }
    assert all(json_native(dict(c.details)) for c in first.conditions)


def test_moving_stock_updates_the_open_alert_without_raising_another() -> None:
    desk = Desk()
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    desk.evaluate(evaluate_lot(lot(on_hand={A1: 40}), None, ZONES, CONFIG, now), now)
    (update,) = desk.evaluate(evaluate_lot(lot(on_hand={A2: 40}), None, ZONES, CONFIG, now), now)
    assert update.kind is ChangeKind.UPDATED
    assert update.alert.details["locations"] == {A2: 40}
    assert len(desk.alerts) == 1
