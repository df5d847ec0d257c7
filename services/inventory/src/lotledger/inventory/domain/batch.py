"""The batch aggregate's state, folded from its stock events.

Stock is held as holdings (batch, location, holding status); docs/adr/0011-holdings.md.
`on_hand` is the quantity per location whatever its holding status, `held` the part of
it in a holding other than `available`; the available holding at a location is the rest.

Invariants: every quantity in `on_hand` and `held` is positive (an empty holding is
absent) and a location's held quantities never exceed its on-hand; the expiry is fixed
by the first receipt; `version` counts the events folded so far; `last_at` is the latest
`data.at` folded (the device time of the latest scan); `warehouses` only grows: every
warehouse that has held stock of the batch after any event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from lotledger.shared.contracts.holdings import AVAILABLE, holding_deltas
from lotledger.shared.contracts.stock import (
    BatchStatus,
    HoldingStatus,
    Quarantined,
    Recalled,
    Received,
    Rejected,
    Released,
    Returned,
    StockEvent,
)
from lotledger.shared.identifiers import batch_id, warehouse_of
from lotledger.verify.chain import GENESIS

HeldKey = tuple[str, HoldingStatus]
"""(location, holding status other than available)."""


@dataclass(frozen=True)
class BatchState:
    gtin: str
    lot: str
    expiry: date | None = None
    status: BatchStatus | None = None
    on_hand: dict[str, int] = field(default_factory=dict)
    version: int = 0
    head_hash: str = GENESIS
    warehouses: frozenset[str] = frozenset()
    """The batch's warehouse scope (DESIGN §10): every warehouse it was ever in."""
    held: Mapping[HeldKey, int] = field(default_factory=dict)
    last_at: datetime | None = None

    @property
    def batch_id(self) -> str:
        return batch_id(self.gtin, self.lot)

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def total(self) -> int:
        return sum(self.on_hand.values())

    def at(self, location: str, holding: HoldingStatus = AVAILABLE) -> int:
        """The quantity of one holding."""
        if holding is not AVAILABLE:
            return self.held.get((location, holding), 0)
        here = self.on_hand.get(location, 0)
        if here and self.held:
            here -= sum(q for (loc, _), q in self.held.items() if loc == location)
        return here

    def holdings(self) -> Iterator[tuple[str, HoldingStatus, int]]:
        """Every non-empty holding: (location, holding status, quantity), available first
        at each location, locations in `on_hand` order."""
        for location in self.on_hand:
            available = self.at(location)
            if available > 0:
                yield location, AVAILABLE, available
            for (loc, status), qty in self.held.items():
                if loc == location:
                    yield location, status, qty


def _after(state: BatchState, event: StockEvent) -> tuple[dict[str, int], dict[HeldKey, int]]:
    deltas = holding_deltas(event)
    if not deltas:
        return state.on_hand, dict(state.held)
    on_hand = dict(state.on_hand)
    held = dict(state.held)
    for location, status, delta in deltas:
        qty = on_hand.get(location, 0) + delta
        if qty > 0:
            on_hand[location] = qty
        else:
            on_hand.pop(location, None)
        if status is not AVAILABLE:
            key = (location, status)
            left = held.get(key, 0) + delta
            if left > 0:
                held[key] = left
            else:
                held.pop(key, None)
    return on_hand, held


_SETS_STATUS: dict[type[StockEvent], BatchStatus] = {
    Released: BatchStatus.AVAILABLE,
    Quarantined: BatchStatus.QUARANTINED,
    Rejected: BatchStatus.REJECTED,
    Recalled: BatchStatus.RECALLED,
}


def apply(state: BatchState, event: StockEvent) -> BatchState:
    """The state after `event` (version advanced by one); pure, total over every type."""
    on_hand, held = _after(state, event)
    status = state.status
    if isinstance(event, Received | Returned):
        status = event.status
    else:
        status = _SETS_STATUS.get(type(event), status)
    held_places = {warehouse_of(loc) for loc in on_hand}
    warehouses = (
        state.warehouses if held_places <= state.warehouses else state.warehouses | held_places
    )
    last_at = event.at if state.last_at is None else max(state.last_at, event.at)
    return replace(
        state,
        expiry=state.expiry or (event.expiry if isinstance(event, Received) else None),
        status=status,
        on_hand=on_hand,
        held=held,
        version=state.version + 1,
        warehouses=warehouses,
        last_at=last_at,
    )


def fold(gtin: str, lot: str, events: list[StockEvent]) -> BatchState:
    state = BatchState(gtin, lot)
    for event in events:
        state = apply(state, event)
    return state
