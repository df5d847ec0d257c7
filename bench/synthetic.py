"""Synthetic, contract-valid stock histories: hash-chained CloudEvents per lot, as the
inventory relay would publish them; and dropping a bench database reliably."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from uuid import uuid4

from tests.support.infra import Infra, teardown

from lotledger.shared.contracts.stock import (
    TYPE_OF,
    Adjusted,
    BatchStatus,
    Disposed,
    Moved,
    Picked,
    Received,
    StockEvent,
)
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.hashing import GENESIS, chain_hash

GTIN = "09506000134352"
PLACES = ("WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-B/01")
CONSIGNEES = ("9506000000022", "9506000000039", "9506000000046")


def payloads(lot: str, count: int, start: datetime) -> Iterator[StockEvent]:
    """A receipt big enough for everything after it, then moves, picks, adjustments and
    disposals one minute apart; every quantity stays positive."""
    k = {"gtin": GTIN, "lot": lot}
    yield Received(
        **k,
        at=start,
        location=PLACES[0],
        qty=10**8,
        expiry=date(2030, 1, 31),
        supplier="9506000000015",
        reference="PO-1",
        status=BatchStatus.AVAILABLE,
    )
    for i in range(1, count):
        at = start + timedelta(minutes=i)
        here, there = PLACES[i % 3], PLACES[(i + 1) % 3]
        match i % 5:
            case 0 | 1:
                yield Moved(**k, at=at, qty=2, from_location=PLACES[0], to_location=there)
            case 2:
                yield Picked(
                    **k,
                    at=at,
                    location=PLACES[0],
                    qty=1,
                    order_ref=f"SO-{i}",
                    ship_to=CONSIGNEES[i % 3],
                )
            case 3:
                yield Adjusted(**k, at=at, location=PLACES[0], delta=-1, reason="damaged")
            case _:
                yield Disposed(
                    **k,
                    at=at,
                    location=here if here == PLACES[0] else PLACES[0],
                    qty=1,
                    reason="expired",
                )


def envelopes(lot: str, count: int, start: datetime) -> Iterator[CloudEvent]:
    prev = GENESIS
    for version, event in enumerate(payloads(lot, count, start), start=1):
        unsigned = CloudEvent(
            id=uuid4(),
            source="/inventory/WH1",
            type=TYPE_OF[type(event)],
            subject=f"{GTIN}/{lot}",
            time=event.at,
            data=event.as_data(),
            streamversion=version,
            actor="bench",
            device="bench-1",
            prevhash=prev,
        )
        signed = unsigned.model_copy(update={"hash": chain_hash(prev, unsigned.to_dict())})
        prev = signed.hash or GENESIS
        yield signed


async def drop_database(infra: Infra, attempts: int = 30) -> None:
    """Drop the bench database, retrying while autovacuum (which the admin role may not
    terminate) still works on the freshly loaded tables."""
    for attempt in range(attempts):
        try:
            await teardown(infra)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(2)
