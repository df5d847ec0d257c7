"""Event-triggered alerts: a recall raises its alert when the batch is recalled, a pick
marked `fefo_deviation` raises one per pick, a kept sync conflict raises one per conflict
(`lifecycle.raise_on_event`). The recall alert is then kept current, and resolved, by the
`recall` condition; a sync conflict's alert resolves with the conflict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import NO_STOCK, FefoDeviation, LotFacts, RecallFacts, Zones
from lotledger.alerts.domain.severity import SEVERITY, recall_severity
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.contracts.sync import SyncConflictRecorded
from lotledger.shared.identifiers import warehouse_of


def consignee_lines(entries: Iterable[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """(party, shipped, returned) entries summed per party, with what is still out there,
    sorted by party; parties with nothing shipped or returned are left out."""
    shipped: Counter[str] = Counter()
    returned: Counter[str] = Counter()
    for party, out, back in entries:
        shipped[party] += out
        returned[party] += back
    return [
        {
            "party": party,
            "shipped": shipped[party],
            "returned": returned[party],
            "outstanding": max(shipped[party] - returned[party], 0),
        }
        for party in sorted(set(shipped) | set(returned))
        if shipped[party] or returned[party]
    ]


def recall_raised(recall: RecallFacts, lot: LotFacts) -> Condition:
    """The recall alert of a batch: every consignee with the quantity shipped to it,
    returned by it and still out there, the stock left on hand by location, and the same
    per warehouse (`by_warehouse`) for every warehouse the batch was ever in. The last
    names the warehouses the alert concerns and lets each see its own part."""
    lines = [(s.party, s.shipped, s.returned) for s in recall.shipments]
    ever_in = recall.warehouses | set(lot.warehouses())
    ever_in |= {s.warehouse for s in recall.shipments if s.warehouse}
    details = {
        "gtin": recall.gtin,
        "lot": recall.lot,
        "recall_id": recall.recall_id,
        "class": recall.recall_class.value,
        "reason": recall.reason,
        "recalled_at": recall.recalled_at.isoformat(),
        "expiry": lot.expiry.isoformat(),
        "consignees": consignee_lines(lines),
        "on_hand": lot.total(),
        "locations": {loc: qty for loc, qty in sorted(lot.on_hand.items()) if qty > 0},
        "by_warehouse": {
            warehouse: {
                "on_hand": lot.by_warehouse.get(warehouse, NO_STOCK).on_hand,
                "consignees": consignee_lines(
                    (s.party, s.shipped, s.returned)
                    for s in recall.shipments
                    if s.warehouse == warehouse
                ),
            }
            for warehouse in sorted(ever_in)
        },
    }
    return Condition(
        AlertKey(AlertType.RECALL, recall.batch_id), recall_severity(recall.recall_class), details
    )


def recall(recall: RecallFacts, lot: LotFacts) -> Evaluation:
    """Holds while recalled stock remains on hand anywhere. The alert itself is raised by
    the recall event (stock or not); this keeps its details current, raises it again
    when recalled goods come back, and lets it resolve once acknowledged (see lifecycle)."""
    scope = Scope.of(recall.batch_id, AlertType.RECALL)
    if lot.total() == 0:
        return Evaluation(scope)
    return Evaluation(scope, (recall_raised(recall, lot),))


EARLIER_LOTS_NAMED = 10
"""A deviation alert names at most this many earlier lots, the earliest first."""


class ProductLots:
    """A product's lots for naming earlier lots, its available ones ordered by expiry once,
    so each of many deviating picks walks only the lots before its own."""

    def __init__(self, lots: Iterable[LotFacts]) -> None:
        self._lots = list(lots)
        self._by_name = {(lot.gtin, lot.lot): lot for lot in self._lots}
        self._available = sorted(
            (lot for lot in self._lots if lot.status is BatchStatus.AVAILABLE),
            key=lambda lot: (lot.expiry, lot.lot),
        )

    def get(self, gtin: str, lot: str) -> LotFacts | None:
        return self._by_name.get((gtin, lot))

    def earlier(self, deviation: FefoDeviation, warehouse: str, today: date) -> list[LotFacts]:
        """The available lots of the deviation's product with stock in `warehouse`, not
        expired `today`, expiring before the picked lot, earliest first, at most
        `EARLIER_LOTS_NAMED`."""
        picked = self.get(deviation.gtin, deviation.lot)
        out: list[LotFacts] = []
        for lot in self._available:
            if picked is not None and lot.expiry >= picked.expiry:
                break
            if (
                lot.gtin == deviation.gtin
                and lot.lot != deviation.lot
                and warehouse in lot.by_warehouse
                and today <= lot.expiry
            ):
                out.append(lot)
                if len(out) == EARLIER_LOTS_NAMED:
                    break
        return out


def fefo_deviation(
    deviation: FefoDeviation, lots: Iterable[LotFacts] | ProductLots, zones: Zones
) -> Condition:
    """The alert of one deviating pick, naming the earliest-expiring available lots of the
    product (at most `EARLIER_LOTS_NAMED`) that were in the same warehouse when the
    consumer batch holding the pick was applied. Many picks of one product share one
    `ProductLots`."""
    product = lots if isinstance(lots, ProductLots) else ProductLots(lots)
    warehouse = warehouse_of(deviation.location)
    today = zones.today(warehouse, deviation.picked_at)
    picked = product.get(deviation.gtin, deviation.lot)
    earlier = product.earlier(deviation, warehouse, today)
    details = {
        "gtin": deviation.gtin,
        "lot": deviation.lot,
        "location": deviation.location,
        "warehouse": warehouse,
        "qty": deviation.qty,
        "order_ref": deviation.order_ref,
        "ship_to": deviation.ship_to,
        "picked_at": deviation.picked_at.isoformat(),
        "expiry": picked.expiry.isoformat() if picked else None,
        "earlier_lots": [
            {
                "lot": lot.lot,
                "expiry": lot.expiry.isoformat(),
                "on_hand": lot.by_warehouse.get(warehouse, NO_STOCK).on_hand,
            }
            for lot in earlier
        ],
    }
    key = AlertKey(AlertType.FEFO_DEVIATION, deviation.event_id)
    return Condition(key, SEVERITY[AlertType.FEFO_DEVIATION], details)


def sync_conflict(conflict: SyncConflictRecorded) -> Condition:
    """The alert of one refused offline operation: what was sent, why it was refused, by
    whom, for the warehouses it named."""
    location = conflict.operation.get("location")
    details = {
        "conflict_id": conflict.conflict_id,
        "client_op_id": conflict.client_op_id,
        "op": conflict.op,
        "gtin": conflict.gtin,
        "lot": conflict.lot,
        "warehouses": sorted(conflict.warehouses),
        "warehouse": conflict.warehouses[0] if len(conflict.warehouses) == 1 else None,
        "location": location if isinstance(location, str) else None,
        "refusal": conflict.problem.get("type"),
        "detail": conflict.problem.get("detail"),
        "actor": conflict.actor,
        "device": conflict.device,
        "scanned_at": conflict.scanned_at.isoformat() if conflict.scanned_at else None,
        "recorded_at": conflict.recorded_at.isoformat(),
    }
    key = AlertKey(AlertType.SYNC_CONFLICT, conflict.conflict_id)
    return Condition(key, SEVERITY[AlertType.SYNC_CONFLICT], details)
