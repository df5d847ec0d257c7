"""A lot as the regulator sees it, folded from its stream one event at a time.

- Expiry and manufacture date come from the first receipt and never change.
- Status follows the inventory aggregate: a receipt or a return sets the status its
  event carries; released, quarantined, rejected and recalled set theirs; quantity
  events leave it alone.
- `warehouses` is every warehouse the lot has ever had stock in or moved through; it
  never shrinks, so a token scoped to a warehouse keeps seeing a lot that left it.
- `version` and `head_hash` are those of the last event folded in; an event whose
  version is not above `version` is a duplicate and must not be folded again.
- `first_at` and `last_at` are the earliest and latest `at` (when things happened, which
  for offline scans is not the stream's order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lotledger.shared.contracts.stock import (
    BatchStatus,
    Quarantined,
    Recalled,
    Received,
    Rejected,
    Released,
    Returned,
    StockEvent,
)
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.domain.reconciliation import Totals, add
from lotledger.traceability.domain.residence import quantity_deltas

LotKey = tuple[str, str]
"""(gtin, lot)"""

_SETS_STATUS: dict[type[StockEvent], BatchStatus] = {
    Released: BatchStatus.AVAILABLE,
    Quarantined: BatchStatus.QUARANTINED,
    Rejected: BatchStatus.REJECTED,
    Recalled: BatchStatus.RECALLED,
}


@dataclass(frozen=True)
class LotState:
    gtin: str
    lot: str
    expiry: date | None = None
    manufactured: date | None = None
    status: BatchStatus | None = None
    version: int = 0
    head_hash: str | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None
    totals: Totals = field(default_factory=Totals)
    warehouses: frozenset[str] = frozenset()

    def is_duplicate(self, version: int) -> bool:
        return version <= self.version


def status_after(status: BatchStatus | None, event: StockEvent) -> BatchStatus | None:
    if isinstance(event, Received | Returned):
        return event.status
    return _SETS_STATUS.get(type(event), status)


def locations_of(event: StockEvent) -> list[str]:
    """The locations a quantity event names (a move: from, then to); none for status events."""
    return list(quantity_deltas(event))


def advance(state: LotState, event: StockEvent, version: int, hash_: str | None) -> LotState:
    """The lot after its `version`-th event."""
    receipt = event if isinstance(event, Received) and state.expiry is None else None
    places = {warehouse_of(loc) for loc in locations_of(event)}
    return LotState(
        gtin=state.gtin,
        lot=state.lot,
        expiry=state.expiry if receipt is None else receipt.expiry,
        manufactured=state.manufactured if receipt is None else receipt.manufactured,
        status=status_after(state.status, event),
        version=version,
        head_hash=hash_,
        first_at=event.at if state.first_at is None else min(state.first_at, event.at),
        last_at=event.at if state.last_at is None else max(state.last_at, event.at),
        totals=add(state.totals, event),
        warehouses=state.warehouses if places <= state.warehouses else state.warehouses | places,
    )
