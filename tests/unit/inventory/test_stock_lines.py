"""The stock lines a request writes: one row per (batch, location, holding) it changed,
with the request's net change in it, and the lines it emptied deleted (service/stock_lines.py,
on the in-memory unit of work)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.errors import LocationNotPickable
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.service import stock
from lotledger.shared.auth import Principal, Role
from lotledger.shared.contracts.catalog import LocationKind
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.identifiers import batch_id
from tests.unit.inventory.fake_uow import Database
from tests.unit.inventory.fixtures import COLD_GTIN, NOW

QA = Principal("qa-1", frozenset({Role.SCANNER, Role.QA}), frozenset({"WH1"}))
SHELF, OTHER = "WH1/COLD-A/01", "WH1/COLD-A/02"
BATCH = batch_id(COLD_GTIN, "A")


def db_with_lot() -> Database:
    db = Database()
    db.put(
        BatchState(
            COLD_GTIN,
            "A",
            date(2027, 6, 30),
            BatchStatus.AVAILABLE,
            {SHELF: 10, OTHER: 4},
            1,
            warehouses=frozenset({"WH1"}),
        )
    )
    return db


def pick(qty: int, location: str = SHELF) -> stock.Operation:
    return stock.Operation(
        c.PickStock(COLD_GTIN, qty, "SO-1", "GLN-PHARMACY", lot="A", location=location)
    )


async def lines_of(db: Database, *operations: stock.Operation) -> dict[tuple[str, str], int]:
    request = stock.Request(list(operations), Metadata("qa-1", None, None, None, NOW), QA)
    outcome = await stock.submit(request, db.factory, StockPolicy())
    assert all(isinstance(r, stock.Accepted) for r in outcome.results), outcome.results
    [appended] = db.appended
    keys = [(line.batch_id, line.location, line.holding) for line in appended.levels]
    assert len(keys) == len(set(keys))
    return {(line.location, line.holding): line.qty for line in appended.levels}


async def test_several_picks_on_one_shelf_write_one_line_with_their_sum() -> None:
    db = db_with_lot()
    assert await lines_of(db, pick(3), pick(2), pick(1)) == {(SHELF, "available"): 4}
    assert db.appended[0].gone == []


async def test_a_hold_and_a_pick_on_one_shelf_stay_apart_by_holding() -> None:
    db = db_with_lot()
    hold = stock.Operation(c.HoldStock(COLD_GTIN, "A", SHELF, 2, "dented"))
    assert await lines_of(db, hold, pick(3), hold) == {
        (SHELF, "available"): 3,
        (SHELF, "held"): 4,
    }


async def test_an_emptied_shelf_is_deleted_and_untouched_shelves_are_not_written() -> None:
    db = db_with_lot()
    assert await lines_of(db, pick(3, OTHER), pick(1, OTHER)) == {}
    assert db.appended[0].gone == [(BATCH, OTHER, "available")]


async def test_a_new_batch_writes_all_its_lines() -> None:
    db = Database()
    receive = c.ReceiveStock(COLD_GTIN, "N", date(2027, 6, 30), 5, SHELF, "GLN-SUPPLIER", "PO-1")
    assert await lines_of(db, stock.Operation(receive)) == {(SHELF, "available"): 5}


def quarantined(location: str) -> Callable[[Database], None]:
    """A catalog change committing: `location` made a quarantine location."""

    def write(db: Database) -> None:
        db.locations[location] = db.locations[location].model_copy(
            update={"kind": LocationKind.QUARANTINE}
        )
        db.versions["location", location] = 2

    return write


def listening_cache() -> CatalogCache:
    cache = CatalogCache()
    cache.listening = True
    return cache


async def test_a_receipt_decided_on_a_stale_location_is_tried_again_with_the_new_kind() -> None:
    """The cache read the shelf as storage; the catalog quarantined it before the append.
    The append refuses the assumption, the cache is dropped and the retry writes the line
    not pickable."""
    db, cache = Database(), listening_cache()
    db.before_append.append(quarantined(SHELF))
    receive = c.ReceiveStock(COLD_GTIN, "N", date(2027, 6, 30), 5, SHELF, "GLN-SUPPLIER", "PO-1")
    request = stock.Request([stock.Operation(receive)], Metadata("qa-1", None, None, None, NOW), QA)
    outcome = await stock.submit(request, db.factory, StockPolicy(), cache)
    assert isinstance(outcome.results[0], stock.Accepted)
    stale, fresh = db.appended
    assert ("location", SHELF, 1) in stale.catalog
    assert [line.pickable for line in stale.levels] == [True]
    assert ("location", SHELF, 2) in fresh.catalog
    assert [line.pickable for line in fresh.levels] == [False]
    assert len(db.events) == 1


async def test_a_pick_from_a_shelf_quarantined_before_its_append_is_refused() -> None:
    db, cache = db_with_lot(), listening_cache()
    db.before_append.append(quarantined(OTHER))
    request = stock.Request([pick(2, OTHER)], Metadata("qa-1", None, None, None, NOW), QA)
    outcome = await stock.submit(request, db.factory, StockPolicy(), cache)
    [result] = outcome.results
    assert isinstance(result, LocationNotPickable), result
    assert db.batches[BATCH].at(OTHER) == 4
    assert db.events == []
