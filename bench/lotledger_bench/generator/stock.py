"""The generator's view of stock: each lot's status and quantity per location, the steps
it emits, and the FEFO order the service would pick in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lotledger_bench.generator.catalog import Product

from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.identifiers import batch_id


@dataclass(frozen=True)
class Step:
    """One `/v1/operations` element (`op`, `client_op_id`, body) posted by `actor_role`,
    with the stock events it produces as (batch id, payload) in stream order."""

    at: datetime
    actor_role: str
    op: dict[str, Any]
    events: tuple[tuple[str, ev.StockEvent], ...]


Action = Callable[[datetime], Step | None]


@dataclass
class LotState:
    product: Product
    lot: str
    expiry: date
    status: BatchStatus = BatchStatus.AVAILABLE
    on_hand: dict[str, int] = field(default_factory=dict)

    @property
    def batch_id(self) -> str:
        return batch_id(self.product.gtin, self.lot)


Line = tuple[LotState, str, int]
"""A lot, a location, the quantity there."""


@dataclass
class Stock:
    lots: dict[str, LotState] = field(default_factory=dict)
    _stocked: dict[str, dict[str, LotState]] = field(default_factory=dict, repr=False)

    def lot(self, product: Product, lot: str, expiry: date) -> LotState:
        """The lot's state, created on first receipt (a later receipt keeps its expiry)."""
        state = self.lots.setdefault(batch_id(product.gtin, lot), LotState(product, lot, expiry))
        self._stocked.setdefault(product.gtin, {})[state.batch_id] = state
        return state

    def in_stock(self, gtin: str) -> list[LotState]:
        """The product's lots with stock left; emptied lots leave the index for good."""
        lots = self._stocked.get(gtin, {})
        for key in [k for k, state in lots.items() if not any(state.on_hand.values())]:
            del lots[key]
        return list(lots.values())

    def stocked(self) -> list[Line]:
        return [
            (s, loc, q)
            for gtin in list(self._stocked)
            for s in self.in_stock(gtin)
            for loc, q in s.on_hand.items()
            if q > 0
        ]

    def fefo(self, product: Product, expires_after: date, warehouse: str = "WH1") -> list[Line]:
        """What a FEFO pick may take, in order: available lots expiring after the horizon,
        earliest expiry first (then lot, then location)."""
        lines = [
            (state, location, qty)
            for state in self.in_stock(product.gtin)
            if state.status is BatchStatus.AVAILABLE and state.expiry > expires_after
            for location, qty in state.on_hand.items()
            if qty > 0 and location.startswith(f"{warehouse}/")
        ]
        return sorted(lines, key=lambda line: (line[0].expiry, line[0].lot, line[1]))
