"""Which lock guards which alerts (docs/adr/0017): every group of a product shares the
product's key, everything else is its own; a change is refused without its key; the
repartition stage keys a stock record by its batch's GTIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import orjson
import pytest

from lotledger.alerts.adapters.locks import lock_order, subject_lock_id
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lifecycle, lock_keys
from lotledger.alerts.domain.conditions import AlertKey, Condition, Scope
from lotledger.alerts.entrypoints.repartition import product_key
from lotledger.alerts.service.recording import Cause, record
from lotledger.shared.contracts.alerts import AlertType as T
from lotledger.shared.contracts.alerts import Severity
from lotledger.shared.db import Driver

GTIN = "09506000134352"
NOW = datetime(2026, 12, 4, tzinfo=UTC)


def test_every_group_of_a_product_shares_its_key() -> None:
    groups = [
        (T.LOW_STOCK, GTIN),
        (T.REORDER_SUGGESTED, GTIN),
        (T.NEAR_EXPIRY, f"{GTIN}/L1"),
        (T.EXPIRED_ON_HAND, f"{GTIN}/L2"),
        (T.RECALL, f"{GTIN}/L1"),
    ]
    assert lock_keys.of_groups(groups) == {lock_keys.product(GTIN)}


def test_other_groups_are_their_own_keys() -> None:
    keys = lock_keys.of_groups(
        [
            (T.SENSOR_SILENT, "S1"),
            (T.SENSOR_SILENT, "WH1/COLD-A/01"),
            (T.FEFO_DEVIATION, "e1"),
            (T.WEBHOOK_FAILING, "sub-1"),
            (T.SYNC_CONFLICT, "c1"),
            (T.TEMPERATURE_EXCURSION, "x1"),
            (T.SENSOR_SILENT, "S1"),
        ]
    )
    assert len(keys) == 6
    assert lock_keys.excursion("x1") == lock_keys.of_groups(
        [(T.TEMPERATURE_EXCURSION, "x1"), (T.HUMIDITY_EXCURSION, "x1")]
    )


def test_a_whole_type_scope_cannot_be_locked() -> None:
    with pytest.raises(ValueError, match="whole-type"):
        lock_keys.of_scope(Scope.everything(T.LOW_STOCK))


def test_lock_ids_are_stable_and_taken_in_one_order() -> None:
    assert subject_lock_id("product:1") == subject_lock_id("product:1")
    assert -(2**31) <= subject_lock_id("product:1") < 2**31
    keys = [lock_keys.product(f"{n:014d}") for n in range(50)]
    assert lock_order(keys) == lock_order(reversed(keys + keys))


async def test_a_change_without_its_groups_lock_is_refused_before_anything_is_written() -> None:
    condition = Condition(AlertKey(T.LOW_STOCK, f"{GTIN}@WH1"), Severity.WARNING, {})
    changes = lifecycle.reconcile([], [condition], Scope.of(GTIN, T.LOW_STOCK), NOW, lambda: "a1")
    stores = Stores.on(cast(Driver, None))
    stores.held = frozenset({lock_keys.product("09506000000000")})
    with pytest.raises(RuntimeError, match="without their subject locks"):
        await record(stores, changes, Cause())


@dataclass
class StockRecord:
    key: bytes | None
    value: bytes | None


def test_a_stock_record_is_keyed_by_its_batchs_gtin() -> None:
    assert product_key(StockRecord(f"{GTIN}/L/1".encode(), b"{}")) == GTIN.encode()
    unkeyed = StockRecord(None, orjson.dumps({"subject": f"{GTIN}/L1"}))
    assert product_key(unkeyed) == GTIN.encode()
    assert product_key(StockRecord(None, b"not json")) is None
