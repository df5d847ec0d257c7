"""Who sees and who acts on an alert, by the warehouses it concerns (`warehouses`).

- A viewer for every warehouse (`*`) sees every alert; any other viewer sees an alert
  when it covers at least one of the alert's warehouses. An alert of no warehouse
  (webhook_failing) is seen by `*` viewers only.
- A viewer covering only some of an alert's warehouses (only a recall has several) sees
  the alert with its details limited to those warehouses (`Viewer.seen`): their
  locations, stock and consignees, nothing of the others.
- Acknowledging and resolving need a viewer covering every warehouse of the alert: there
  is one alert for all of them, and acknowledging a recall lets it resolve once its stock
  is gone, so no warehouse decides that for another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lotledger.alerts.domain.alert import Alert
from lotledger.alerts.domain.triggered import consignee_lines
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.identifiers import warehouse_of

Details = Mapping[str, Any]


@dataclass(frozen=True)
class Viewer:
    """`warehouses` None: every warehouse (a `*` token)."""

    warehouses: frozenset[str] | None

    def sees(self, alert: Alert) -> bool:
        if self.warehouses is None:
            return True
        return not self.warehouses.isdisjoint(alert.warehouses)

    def acts_on(self, alert: Alert) -> bool:
        if self.warehouses is None:
            return True
        return bool(alert.warehouses) and self.warehouses.issuperset(alert.warehouses)

    def seen(self, alert: Alert) -> Alert:
        """The alert as this viewer may see it (call only for an alert it `sees`)."""
        if self.acts_on(alert):
            return alert
        visible = frozenset(alert.warehouses) & (self.warehouses or frozenset())
        part = PARTS.get(alert.key.alert_type, _nothing)
        return replace(
            alert, warehouses=tuple(sorted(visible)), details=part(alert.details, visible)
        )


def _recall_part(details: Details, visible: frozenset[str]) -> dict[str, Any]:
    by_warehouse = details.get("by_warehouse")
    parts = {
        warehouse: part
        for warehouse, part in (by_warehouse if isinstance(by_warehouse, Mapping) else {}).items()
        if warehouse in visible
    }
    locations = details.get("locations")
    here = {
        location: qty
        for location, qty in (locations if isinstance(locations, Mapping) else {}).items()
        if warehouse_of(location) in visible
    }
    lines = [
        (line["party"], line["shipped"], line["returned"])
        for part in parts.values()
        for line in part["consignees"]
    ]
    return dict(details) | {
        "consignees": consignee_lines(lines),
        "on_hand": sum(here.values()),
        "locations": here,
        "by_warehouse": parts,
    }


def _nothing(details: Details, visible: frozenset[str]) -> dict[str, Any]:
    """Details of a type that has no per-warehouse part are not shown in part."""
    return {}


PARTS: Mapping[AlertType, Callable[[Details, frozenset[str]], dict[str, Any]]] = {
    AlertType.RECALL: _recall_part,
}
