"""AggregationEvents for serialised packs (docs/adr/0016-serials.md): a receipt or a pick
whose packs travel in containers (its `aggregation`) is followed, in the export, by one
`AggregationEvent` `OBSERVE` per container — the SSCC as `parentID`, the packs (SGTINs)
and inner SSCCs as `childEPCs` — with the ObjectEvent's time, why and where. Its event id
is a name-based UUID of the stock event's id and the container, so exports are stable."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from lotledger.traceability.domain.epcis_ids import sgtin_uri, sscc_uri

_SHARED = (
    "eventTime",
    "eventTimeZoneOffset",
    "recordTime",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
)


def aggregation_events(
    event_id: UUID, gtin: str, packings: list[Any] | None, object_event: dict[str, Any]
) -> list[dict[str, Any]]:
    out = []
    for packing in packings or ():
        children = [sgtin_uri(gtin, s) for s in packing.serials]
        children += [sscc_uri(c) for c in packing.containers]
        out.append(
            {
                "type": "AggregationEvent",
                "eventID": uuid5(event_id, f"aggregation/{packing.parent}").urn,
                **{k: object_event[k] for k in _SHARED if k in object_event},
                "action": "OBSERVE",
                "parentID": sscc_uri(packing.parent),
                "childEPCs": children,
            }
        )
    return out
