"""How each stock event reads in EPCIS 2.0 / CBV 2.0 (one ObjectEvent per event).

| event       | action  | bizStep            | disposition         | readPoint, bizLocation |
|-------------|---------|--------------------|---------------------|------------------------|
| received    | OBSERVE | receiving          | by status (below)   | location, location     |
| returned    | OBSERVE | receiving          | returned            | location, location     |
| moved       | OBSERVE | storing            | (unchanged)         | to, to                 |
| picked      | OBSERVE | shipping           | in_transit          | location, none         |
| counted     | OBSERVE | cycle_counting     | (unchanged)         | location, location     |
| adjusted    | OBSERVE | stock_taking ¹     | (unchanged) ¹       | location, location     |
| disposed    | DELETE  | destroying         | destroyed           | location, none         |
| released    | OBSERVE | inspecting         | sellable_accessible | none (lot-wide)        |
| quarantined | OBSERVE | holding            | non_sellable_other  | none                   |
| rejected    | OBSERVE | inspecting         | non_sellable_other  | none                   |
| recalled    | OBSERVE | holding            | recalled            | none                   |
| holding_changed | OBSERVE | inspecting ²   | by holding (below)  | location, location     |

¹ an adjustment with reason `damaged` is `inspecting` with disposition `damaged`.
² a hold (to `held`) is `holding`. Status on receipt: available → sellable_accessible,
recalled → recalled, otherwise non_sellable_other; a receipt awaiting its inspection is
non_sellable_other. A holding change's disposition is that of the holding it moves to:
available → sellable_accessible, rejected → non_conformant, returned → returned, held
(damaged) → damaged, otherwise non_sellable_other. Every event on a holding other than
available says which as `lotledger:holdingStatus`; a scanned serial is
`lotledger:serial` (serial-level EPCs are another matter).

ADD is not used for receipts: in EPCIS an ObjectEvent's ADD means the objects were
commissioned (came into being) in that event, which a receipt of existing goods is not;
DELETE (decommissioned) fits destruction. Shipments and goods leaving by destruction
have no bizLocation (they are nowhere in the warehouse after it). Parties go to
sourceList/destinationList as both owning_party and possessing_party; moves name the two
locations with the `location` type. Quantities are counts of the lot class's instances,
so `uom` is omitted (EPCIS reads a quantity without uom as a count).
Status events name the class without a quantity: they apply to the whole lot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Counted,
    Disposed,
    HoldingChanged,
    HoldingStatus,
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
from lotledger.traceability.domain.epcis_ids import document_uri, location_uri, party_uri

EXT = "lotledger"


@dataclass(frozen=True)
class Why:
    action: str
    biz_step: str
    disposition: str | None = None


_WHY: dict[type[StockEvent], Why] = {
    Received: Why("OBSERVE", "receiving"),
    Returned: Why("OBSERVE", "receiving", "returned"),
    Moved: Why("OBSERVE", "storing"),
    Picked: Why("OBSERVE", "shipping", "in_transit"),
    Counted: Why("OBSERVE", "cycle_counting"),
    Adjusted: Why("OBSERVE", "stock_taking"),
    Disposed: Why("DELETE", "destroying", "destroyed"),
    Released: Why("OBSERVE", "inspecting", "sellable_accessible"),
    Quarantined: Why("OBSERVE", "holding", "non_sellable_other"),
    Rejected: Why("OBSERVE", "inspecting", "non_sellable_other"),
    Recalled: Why("OBSERVE", "holding", "recalled"),
}
_DAMAGED = Why("OBSERVE", "inspecting", "damaged")
_HOLDING_DISPOSITION = {
    HoldingStatus.AVAILABLE: "sellable_accessible",
    HoldingStatus.REJECTED: "non_conformant",
    HoldingStatus.RETURNED: "returned",
    HoldingStatus.PENDING_INSPECTION: "non_sellable_other",
    HoldingStatus.HELD: "non_sellable_other",
}
_STATUS_DISPOSITION = {
    BatchStatus.AVAILABLE: "sellable_accessible",
    BatchStatus.QUARANTINED: "non_sellable_other",
    BatchStatus.REJECTED: "non_sellable_other",
    BatchStatus.RECALLED: "recalled",
}


def why_of(event: StockEvent) -> Why:
    match event:
        case Received() if event.holding_status is HoldingStatus.PENDING_INSPECTION:
            return Why("OBSERVE", "receiving", "non_sellable_other")
        case Received():
            return Why("OBSERVE", "receiving", _STATUS_DISPOSITION[event.status])
        case HoldingChanged():
            damaged = event.to_status is HoldingStatus.HELD and event.reason == "damaged"
            step = "holding" if event.to_status is HoldingStatus.HELD else "inspecting"
            disposition = "damaged" if damaged else _HOLDING_DISPOSITION[event.to_status]
            return Why("OBSERVE", step, disposition)
        case Adjusted() if event.reason == "damaged":
            return _DAMAGED
    return _WHY[type(event)]


def where_of(event: StockEvent) -> tuple[str | None, str | None]:
    """The event's (readPoint, bizLocation) location ids."""
    match event:
        case Moved():
            return event.to_location, event.to_location
        case Picked() | Disposed():
            return event.location, None
        case Received() | Returned() | Adjusted() | Counted() | HoldingChanged():
            return event.location, event.location
    return None, None


def quantity_of(event: StockEvent) -> int | None:
    match event:
        case Received() | Returned() | Picked() | Disposed() | Moved() | HoldingChanged():
            return event.qty
        case Adjusted():
            return abs(event.delta)
        case Counted():
            return event.counted_qty
    return None


def parties_of(event: StockEvent, own_party: str | None) -> dict[str, list[dict[str, str]]]:
    """sourceList and destinationList, each present only when it names someone."""
    match event:
        case Received():
            lists = _parties("source", event.supplier) | _parties("destination", own_party)
        case Returned():
            lists = _parties("source", event.from_party) | _parties("destination", own_party)
        case Picked():
            lists = _parties("source", own_party) | _parties("destination", event.ship_to)
        case Moved():
            lists = {
                "sourceList": [{"type": "location", "source": location_uri(event.from_location)}],
                "destinationList": [
                    {"type": "location", "destination": location_uri(event.to_location)}
                ],
            }
        case _:
            lists = {}
    return lists


def documents_of(event: StockEvent) -> list[dict[str, str]]:
    match event:
        case Received() if event.reference is not None:
            return [{"bizTransaction": document_uri("reference", event.reference)}]
        case Picked():
            return [{"bizTransaction": document_uri("order", event.order_ref)}]
    return []


def extensions_of(event: StockEvent) -> dict[str, Any]:
    """What CBV has no field for, as `lotledger:` members (null members left out)."""
    members: dict[str, Any] = {}
    match event:
        case Counted():
            members = {"expectedQuantity": event.expected_qty, "variance": event.variance}
        case Adjusted():
            members = {"delta": event.delta, "reason": event.reason}
        case Recalled():
            members = {
                "recallId": event.recall_id,
                "recallClass": event.recall_class.value,
                "reason": event.reason,
            }
        case Returned():
            members = {
                "reason": event.reason,
                "overrideReason": event.override_reason,
                "overrideBy": event.override_by,
            }
        case Disposed() | Released() | Quarantined() | Rejected():
            members = {"reason": event.reason}
        case HoldingChanged():
            members = {
                "fromHoldingStatus": event.from_status.value,
                "reason": event.reason,
            }
    holding = getattr(event, "holding_status", None)
    if isinstance(event, HoldingChanged):
        holding = event.to_status
    if holding is not None and holding is not HoldingStatus.AVAILABLE:
        members["holdingStatus"] = HoldingStatus(holding).value
    members["serial"] = getattr(event, "serial", None)
    return {f"{EXT}:{k}": v for k, v in members.items() if v is not None}


def _parties(role: str, party: str | None) -> dict[str, list[dict[str, str]]]:
    if party is None:
        return {}
    uri = party_uri(party)
    kinds = ("owning_party", "possessing_party")
    return {f"{role}List": [{"type": kind, role: uri} for kind in kinds]}
