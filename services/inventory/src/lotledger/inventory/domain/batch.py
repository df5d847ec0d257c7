"""The batch aggregate's state, folded from its stock events.

Invariants: every on-hand quantity is positive (a location at zero is absent); the
expiry is fixed by the first receipt; `version` counts the events folded so far;
`warehouses` only grows: every warehouse that has held stock of the batch after any event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Counted,
    Disposed,
    Moved,
    Picked,
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

    @property
    def batch_id(self) -> str:
        return batch_id(self.gtin, self.lot)

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def total(self) -> int:
        return sum(self.on_hand.values())

    def at(self, location: str) -> int:
        return self.on_hand.get(location, 0)


def _with_qty(state: BatchState, location: str, delta: int) -> dict[str, int]:
    on_hand = dict(state.on_hand)
    qty = on_hand.get(location, 0) + delta
    if qty > 0:
        on_hand[location] = qty
    else:
        on_hand.pop(location, None)
    return on_hand


def apply(state: BatchState, event: StockEvent) -> BatchState:
    """The state after `event` (version advanced by one); pure, total over every type."""
    after = _apply(state, event)
    held = {warehouse_of(loc) for loc in after.on_hand}
    warehouses = state.warehouses if held <= state.warehouses else state.warehouses | held
    return replace(after, version=state.version + 1, warehouses=warehouses)


def _apply(state: BatchState, event: StockEvent) -> BatchState:
    match event:
        case Received():
            return replace(
                state,
                expiry=state.expiry or event.expiry,
                status=event.status,
                on_hand=_with_qty(state, event.location, event.qty),
            )
        case Picked() | Disposed():
            return replace(state, on_hand=_with_qty(state, event.location, -event.qty))
        case Moved():
            moved_out = replace(state, on_hand=_with_qty(state, event.from_location, -event.qty))
            return replace(moved_out, on_hand=_with_qty(moved_out, event.to_location, event.qty))
        case Adjusted():
            return replace(state, on_hand=_with_qty(state, event.location, event.delta))
        case Counted():
            return replace(state, on_hand=_with_qty(state, event.location, event.variance))
        case Returned():
            return replace(
                state, status=event.status, on_hand=_with_qty(state, event.location, event.qty)
            )
        case Released():
            return replace(state, status=BatchStatus.AVAILABLE)
        case Quarantined():
            return replace(state, status=BatchStatus.QUARANTINED)
        case Rejected():
            return replace(state, status=BatchStatus.REJECTED)
        case Recalled():
            return replace(state, status=BatchStatus.RECALLED)
    raise TypeError(f"unknown stock event {type(event).__name__}")


def fold(gtin: str, lot: str, events: list[StockEvent]) -> BatchState:
    state = BatchState(gtin, lot)
    for event in events:
        state = apply(state, event)
    return state
