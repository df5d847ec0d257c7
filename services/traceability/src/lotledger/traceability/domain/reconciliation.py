"""A lot's reconciliation (DESIGN §6): the flows its events record against the stock a
read model says is on hand.

    received + returned + adjustments + count variances = shipped + disposed + on hand

(DESIGN's "received = shipped + disposed + on hand ± adjustments − returns"). Moves and
status events change no total. `difference` is the left side minus the right: positive
when units the flows account for are missing from on hand, negative when more is on
hand than they explain; the lot balances when it is zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from lotledger.shared.contracts.stock import (
    Adjusted,
    Counted,
    Disposed,
    Picked,
    Received,
    Returned,
    StockEvent,
)


@dataclass(frozen=True)
class Totals:
    received: int = 0
    shipped: int = 0
    disposed: int = 0
    returned: int = 0
    adjustments: int = 0
    count_variances: int = 0

    @property
    def accounted_on_hand(self) -> int:
        """What should be on hand if every unit is where the flows say."""
        inflow = self.received + self.returned + self.adjustments + self.count_variances
        return inflow - self.shipped - self.disposed


def add(totals: Totals, event: StockEvent) -> Totals:
    """The totals after one more event; the projector keeps them per lot this way."""
    match event:
        case Received():
            return replace(totals, received=totals.received + event.qty)
        case Picked():
            return replace(totals, shipped=totals.shipped + event.qty)
        case Disposed():
            return replace(totals, disposed=totals.disposed + event.qty)
        case Returned():
            return replace(totals, returned=totals.returned + event.qty)
        case Adjusted():
            return replace(totals, adjustments=totals.adjustments + event.delta)
        case Counted():
            return replace(totals, count_variances=totals.count_variances + event.variance)
    return totals


def totals_of(events: Iterable[StockEvent]) -> Totals:
    totals = Totals()
    for event in events:
        totals = add(totals, event)
    return totals


@dataclass(frozen=True)
class Reconciliation:
    totals: Totals
    on_hand: int
    difference: int

    @property
    def balances(self) -> bool:
        return self.difference == 0


def reconcile(totals: Totals, on_hand: int) -> Reconciliation:
    return Reconciliation(totals, on_hand, totals.accounted_on_hand - on_hand)
