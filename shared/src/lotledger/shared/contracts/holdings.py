"""How stock events move quantities between holdings (batch, location, holding status):
the one reading of the `holding_status` members every consumer shares
(docs/adr/0011-holdings.md).

A member absent means `available`. A returned event without one was recorded before
holdings existed: its goods count as available and its `status` is the batch's (the
batch was quarantined). Moves keep the holding status; a count changes its holding by the
variance; a holding change moves `qty` between two statuses at one location.
"""

from __future__ import annotations

from lotledger.shared.contracts.stock import (
    Adjusted,
    Counted,
    Disposed,
    HoldingChanged,
    HoldingStatus,
    Moved,
    Picked,
    Received,
    Returned,
    StockEvent,
)

HoldingDelta = tuple[str, HoldingStatus, int]
"""(location, holding status, signed quantity)."""

AVAILABLE = HoldingStatus.AVAILABLE


def holding_of(event: StockEvent) -> HoldingStatus:
    status = getattr(event, "holding_status", None)
    return AVAILABLE if status is None else HoldingStatus(status)


def holding_deltas(event: StockEvent) -> list[HoldingDelta]:
    """The signed quantity change per holding; empty for batch-wide status events."""
    match event:
        case Received() | Returned():
            return [(event.location, holding_of(event), event.qty)]
        case Picked() | Disposed():
            return [(event.location, holding_of(event), -event.qty)]
        case Adjusted():
            return [(event.location, holding_of(event), event.delta)]
        case Counted():
            return [(event.location, holding_of(event), event.variance)]
        case Moved():
            status = holding_of(event)
            return [
                (event.from_location, status, -event.qty),
                (event.to_location, status, event.qty),
            ]
        case HoldingChanged():
            return [
                (event.location, event.from_status, -event.qty),
                (event.location, event.to_status, event.qty),
            ]
    return []
