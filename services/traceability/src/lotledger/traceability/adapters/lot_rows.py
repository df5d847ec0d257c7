"""What one fetched batch of stock events writes, as the store copies it: the rows to
append, the intervals and stays opened and closed, and each touched lot's new state.
The service folds events into it (`service/lot_batch.py`); `LotStore` reads the stored
part (states and open intervals) and writes the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lotledger.traceability.adapters.rows import HistoryRow, ReceiptRow, ShipmentRow, StayRow
from lotledger.traceability.domain.lots import LotKey, LotState
from lotledger.traceability.domain.residence import Interval

PlaceKey = tuple[str, str, str]
IntervalKey = tuple[str, str, str, int]


@dataclass
class LotRows:
    states: dict[LotKey, LotState]
    open: dict[LotKey, dict[str, Interval]]
    history: list[HistoryRow] = field(default_factory=list)
    receipts: list[ReceiptRow] = field(default_factory=list)
    shipments: list[ShipmentRow] = field(default_factory=list)
    opened: dict[IntervalKey, Interval] = field(default_factory=dict)
    closed: dict[IntervalKey, Interval] = field(default_factory=dict)
    stays_opened: dict[PlaceKey, StayRow] = field(default_factory=dict)
    stays_ended: dict[PlaceKey, datetime] = field(default_factory=dict)
    """Stays opened in this batch (keyed by where, with their end once they end) and
    stays open before it that it ended."""
    stays: list[StayRow] = field(default_factory=list)
    touched: set[LotKey] = field(default_factory=set)
    rewrites: set[LotKey] = field(default_factory=set)
    """Lots given a quantity event stamped before their latest: their residence and stays
    are recomputed from the whole history in time order."""
    duplicates: int = 0

    def new_stays(self) -> list[StayRow]:
        """Every stay this batch started: ended ones with their end, open ones without."""
        return [*self.stays, *self.stays_opened.values()]

    def on_hand(self, key: LotKey) -> int:
        return sum(i.qty for i in self.open.get(key, {}).values())
