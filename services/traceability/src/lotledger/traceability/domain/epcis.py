"""A lot's history as an EPCIS 2.0 JSON-LD document (a dict ready for JSON).

One ObjectEvent per stock event (mapping in `epcis_mapping`, identifiers in
`epcis_ids`), each followed by the AggregationEvents of its containers when it moved
serialised packs in them (`epcis_aggregation`), plus one `sensor_reporting` ObjectEvent
per excursion the lot was exposed to: at the excursion's location, quantity = the most
the lot held there during it, and a sensorElement whose report is the excursion
(start/end, peak as max/min value, an ALARM_CONDITION exception, the limit as
`lotledger:limit`). Its event time is the excursion's end, or its start while it is open.

The lot's expiry (from its first receipt) is master data of the EPC class in the header.
Events are listed by event time, stock events before sensor events at the same instant
and among themselves in stream order. A stock event's `eventTime` is when it happened
(its `at`: the device's scanned time for offline scans) and its `recordTime` when
inventory recorded it (docs/adr/0012-device-time.md). Times are written in the location's time zone
(`zones`, location id → IANA name); events without a location use `default_zone`.
Each stock event carries its stream version and chain hash as `lotledger:` members, so a
recipient can match it to the verifiable stream; actors and witnesses are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from lotledger.shared.contracts.stock import Received, StockEvent
from lotledger.traceability.domain import epcis_mapping as m
from lotledger.traceability.domain.epcis_aggregation import aggregation_events
from lotledger.traceability.domain.epcis_ids import (
    event_uri,
    local_time,
    location_uri,
    lot_class_uri,
    sensor_uri,
    sgtin_uri,
)
from lotledger.traceability.domain.excursion import EXCURSION_NAMESPACE, Excursion
from lotledger.traceability.domain.limits import HIGH_KINDS, METRIC_OF, Metric
from lotledger.traceability.domain.residence import Exposure

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EXTENSION_CONTEXT = {m.EXT: "urn:lotledger:epcis:"}
_MEASURE = {Metric.TEMPERATURE: ("Temperature", "CEL"), Metric.HUMIDITY: ("RelativeHumidity", "P1")}


@dataclass(frozen=True)
class RecordedEvent:
    """A stock event with the envelope facts the export needs."""

    event_id: UUID
    version: int
    payload: StockEvent
    hash: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class LotExposure:
    excursion: Excursion
    exposure: Exposure


@dataclass(frozen=True)
class ExportSettings:
    created_at: datetime
    zones: Mapping[str, str]
    default_zone: str = "UTC"
    own_party: str | None = None

    def zone(self, location: str | None) -> str:
        return self.zones.get(location, self.default_zone) if location else self.default_zone


def lot_document(
    gtin: str,
    lot: str,
    events: Sequence[RecordedEvent],
    exposures: Sequence[LotExposure],
    settings: ExportSettings,
) -> dict[str, Any]:
    epc_class = lot_class_uri(gtin, lot)
    keyed: list[tuple[tuple[Any, int, int, int], dict[str, Any]]] = []
    for e in events:
        stock_event = _stock_event(e, epc_class, settings)
        keyed.append(((e.payload.at, 0, e.version, 0), stock_event))
        packings = getattr(e.payload, "aggregation", None)
        for k, aggregation in enumerate(
            aggregation_events(e.event_id, gtin, packings, stock_event)
        ):
            keyed.append(((e.payload.at, 0, e.version, k + 1), aggregation))
    keyed += [
        ((_sensor_time(x.excursion), 1, i, 0), _sensor_event(x, gtin, lot, epc_class, settings))
        for i, x in enumerate(exposures)
    ]
    document: dict[str, Any] = {
        "@context": [EPCIS_CONTEXT, EXTENSION_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": local_time(settings.created_at, "UTC")[0],
        "epcisBody": {"eventList": [event for _, event in sorted(keyed, key=lambda k: k[0])]},
    }
    receipts = [e.payload for e in events if isinstance(e.payload, Received)]
    if receipts:
        document["epcisHeader"] = _master_data(epc_class, lot, receipts[0])
    return document


def _stock_event(
    recorded: RecordedEvent, epc_class: str, settings: ExportSettings
) -> dict[str, Any]:
    event = recorded.payload
    why = m.why_of(event)
    read_point, biz_location = m.where_of(event)
    time, offset = local_time(event.at, settings.zone(read_point))
    qty = m.quantity_of(event)
    serials = getattr(event, "serials", None)
    body: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": event_uri(recorded.event_id),
        "eventTime": time,
        "eventTimeZoneOffset": offset,
        "recordTime": None
        if recorded.recorded_at is None
        else local_time(recorded.recorded_at, "UTC")[0],
        "action": why.action,
        "bizStep": why.biz_step,
        "disposition": why.disposition,
        "epcList": [sgtin_uri(event.gtin, s) for s in serials] if serials else None,
        "quantityList": None
        if serials
        else [{"epcClass": epc_class} | ({} if qty is None else {"quantity": qty})],
        "readPoint": None if read_point is None else {"id": location_uri(read_point)},
        "bizLocation": None if biz_location is None else {"id": location_uri(biz_location)},
        "bizTransactionList": m.documents_of(event) or None,
        **m.parties_of(event, settings.own_party),
        f"{m.EXT}:streamVersion": recorded.version,
        f"{m.EXT}:hash": recorded.hash,
        **m.extensions_of(event),
    }
    return {k: v for k, v in body.items() if v is not None}


def _sensor_event(
    exposed: LotExposure, gtin: str, lot: str, epc_class: str, settings: ExportSettings
) -> dict[str, Any]:
    x = exposed.excursion
    zone = settings.zone(x.location)
    time, offset = local_time(_sensor_time(x), zone)
    measure, uom = _MEASURE[METRIC_OF[x.kind]]
    metadata = {"startTime": local_time(x.started_at, zone)[0], "deviceID": sensor_uri(x.sensor)}
    if x.ended_at is not None:
        metadata["endTime"] = local_time(x.ended_at, zone)[0]
    extreme = "maxValue" if x.kind in HIGH_KINDS else "minValue"
    report = {
        "type": measure,
        "exception": "ALARM_CONDITION",
        extreme: x.peak,
        "uom": uom,
        f"{m.EXT}:limit": x.limit,
        f"{m.EXT}:kind": x.kind.value,
    }
    return {
        "type": "ObjectEvent",
        "eventID": uuid5(EXCURSION_NAMESPACE, f"{x.excursion_id}/{gtin}/{lot}").urn,
        "eventTime": time,
        "eventTimeZoneOffset": offset,
        "action": "OBSERVE",
        "bizStep": "sensor_reporting",
        "quantityList": [{"epcClass": epc_class, "quantity": exposed.exposure.max_qty}],
        "readPoint": {"id": location_uri(x.location)},
        "bizLocation": {"id": location_uri(x.location)},
        "sensorElementList": [{"sensorMetadata": metadata, "sensorReport": [report]}],
        f"{m.EXT}:excursionId": x.excursion_id,
        f"{m.EXT}:exposureMinutes": exposed.exposure.minutes,
    }


def _sensor_time(excursion: Excursion) -> datetime:
    return excursion.ended_at or excursion.started_at


def _master_data(epc_class: str, lot: str, receipt: Received) -> dict[str, Any]:
    attributes = [
        {"id": "urn:epcglobal:cbv:mda#lotNumber", "attribute": lot},
        {"id": "urn:epcglobal:cbv:mda#itemExpirationDate", "attribute": receipt.expiry.isoformat()},
    ]
    vocabulary = {
        "type": "urn:epcglobal:epc:EPCClass",
        "vocabularyElementList": [{"id": epc_class, "attributes": attributes}],
    }
    return {"epcisMasterData": {"vocabularyList": [vocabulary]}}
