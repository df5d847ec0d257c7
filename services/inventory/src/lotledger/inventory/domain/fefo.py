"""First-expiry-first-out allocation (DESIGN §6, §7).

Candidates are holdings: (batch, location, holding status) with their quantity. A
holding is eligible when it is an available holding of an available batch, not expired,
with at least `min_remaining_days` of shelf life left (and at least the product's own
minimum in the holding's warehouse, `min_days`), at a pickable location. Eligible
holdings are taken by expiry, then lot, then smaller holdings first (to empty bins),
splitting the quantity across them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus


class Holding(NamedTuple):
    """A tuple, not a dataclass: a pick builds one for every holding of every candidate
    lot, and a frozen dataclass took ~4 times as long to build."""

    gtin: str
    lot: str
    expiry: date
    status: BatchStatus
    location: str
    qty: int
    pickable: bool
    today: date
    holding: HoldingStatus = HoldingStatus.AVAILABLE
    min_days: int = 0

    @property
    def remaining_days(self) -> int:
        return (self.expiry - self.today).days

    def eligible(self, min_remaining_days: int) -> bool:
        return (
            self.status is BatchStatus.AVAILABLE
            and self.holding is HoldingStatus.AVAILABLE
            and self.pickable
            and self.qty > 0
            and self.remaining_days >= max(min_remaining_days, self.min_days, 0)
        )


@dataclass(frozen=True)
class Allocation:
    lot: str
    location: str
    qty: int
    expiry: date


def fefo_order(holdings: Iterable[Holding], min_remaining_days: int) -> list[Holding]:
    eligible = [h for h in holdings if h.eligible(min_remaining_days)]
    return sorted(eligible, key=lambda h: (h.expiry, h.lot, h.qty, h.location))


def allocate(
    holdings: Iterable[Holding], qty: int, min_remaining_days: int
) -> list[Allocation] | None:
    """The FEFO allocation of `qty`, or None when eligible stock is short."""
    allocations: list[Allocation] = []
    remaining = qty
    for holding in fefo_order(holdings, min_remaining_days):
        take = min(remaining, holding.qty)
        allocations.append(Allocation(holding.lot, holding.location, take, holding.expiry))
        remaining -= take
        if remaining == 0:
            return allocations
    return None


def available_quantity(holdings: Iterable[Holding], min_remaining_days: int) -> int:
    return sum(h.qty for h in fefo_order(holdings, min_remaining_days))


def is_deviation(
    holdings: Iterable[Holding], lot: str, expiry: date, min_remaining_days: int
) -> bool:
    """Whether a pick of `lot` skips an eligible lot expiring earlier (the first one found
    answers: `holdings` may be lazy)."""
    return any(
        h.lot != lot and h.expiry < expiry and h.eligible(min_remaining_days) for h in holdings
    )
