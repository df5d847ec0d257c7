"""Kafka records as the projection needs them: the CloudEvent envelope kept as received
(the hash chain covers it byte for byte) and the `data` parsed into its contract model.

A record that is not a CloudEvent of a known type (a tombstone on the compacted catalog,
a type from a newer producer, malformed JSON) is skipped and counted, never retried:
retrying could not make it readable, and it must not stop the partition behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import structlog
from prometheus_client import Counter
from pydantic import ValidationError

from lotledger.shared.contracts import catalog, stock, telemetry
from lotledger.shared.contracts.catalog import Location, Product, Sensor
from lotledger.shared.contracts.checkpoints import SIGNED, CheckpointSigned
from lotledger.shared.contracts.stock import StockEvent
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.contracts.topics import CATALOG, CHECKPOINTS, STOCK, TELEMETRY
from lotledger.shared.projection import Record
from lotledger.shared.settings import CommonSettings

log = structlog.get_logger("lotledger.traceability.records")
SKIPPED = Counter(
    "lotledger_traceability_skipped_total", "Records the projection could not read", ["reason"]
)


@dataclass(frozen=True)
class Topics:
    stock: str
    catalog: str
    telemetry: str
    checkpoints: str

    @classmethod
    def of(cls, settings: CommonSettings) -> Topics:
        return cls(
            settings.topic(STOCK),
            settings.topic(CATALOG),
            settings.topic(TELEMETRY),
            settings.topic(CHECKPOINTS),
        )

    def all(self) -> list[str]:
        return [self.stock, self.catalog, self.telemetry, self.checkpoints]


@dataclass(frozen=True)
class StockRecord:
    """`time` is the envelope's (when it happened, for events with a `recordedtime`; when
    it was recorded, for those before it); `recorded` is when inventory recorded it."""

    envelope: dict[str, Any]
    event: StockEvent
    version: int
    time: datetime
    recorded_time: datetime | None = None

    @property
    def recorded(self) -> datetime:
        return self.time if self.recorded_time is None else self.recorded_time


@dataclass(frozen=True)
class ReadingRecord:
    """A reading and when lotledger received it (the envelope's `recordedtime`; None from
    producers that did not stamp it)."""

    reading: Reading
    recorded_at: datetime | None = None


@dataclass
class Decoded:
    """A batch sorted by topic, each list in the order the records were given."""

    stock: list[StockRecord] = field(default_factory=list)
    products: list[tuple[int, Product]] = field(default_factory=list)
    locations: list[tuple[int, Location]] = field(default_factory=list)
    sensors: list[tuple[int, Sensor]] = field(default_factory=list)
    readings: list[ReadingRecord] = field(default_factory=list)
    checkpoints: list[CheckpointSigned] = field(default_factory=list)


def decode(records: Sequence[Record], topics: Topics) -> Decoded:
    decoded = Decoded()
    for record in records:
        try:
            envelope = orjson.loads(record.value) if record.value else None
            if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
                _skip(record, "not a CloudEvent")
                continue
            _route(decoded, record.topic, envelope, topics)
        except (orjson.JSONDecodeError, ValidationError, KeyError, TypeError, ValueError) as exc:
            _skip(record, type(exc).__name__)
    return decoded


def _route(decoded: Decoded, topic: str, envelope: dict[str, Any], topics: Topics) -> None:
    kind, data = envelope.get("type"), envelope["data"]
    if topic == topics.stock and kind in stock.EVENT_TYPES:
        event = stock.EVENT_TYPES[kind].model_validate(data)
        time = _aware(datetime.fromisoformat(envelope["time"]))
        recorded = envelope.get("recordedtime")
        recorded_at = None if recorded is None else _aware(datetime.fromisoformat(recorded))
        _aware(event.at)
        version = int(envelope["streamversion"])
        decoded.stock.append(StockRecord(envelope, event, version, time, recorded_at))
    elif topic == topics.catalog and kind in (catalog.PRODUCT_REGISTERED, catalog.PRODUCT_UPDATED):
        decoded.products.append((_version(envelope), Product.model_validate(data)))
    elif topic == topics.catalog and kind in (
        catalog.LOCATION_REGISTERED,
        catalog.LOCATION_UPDATED,
    ):
        decoded.locations.append((_version(envelope), Location.model_validate(data)))
    elif topic == topics.catalog and kind in (catalog.SENSOR_REGISTERED, catalog.SENSOR_UPDATED):
        decoded.sensors.append((_version(envelope), Sensor.model_validate(data)))
    elif topic == topics.catalog and kind in (
        catalog.WAREHOUSE_REGISTERED,
        catalog.WAREHOUSE_UPDATED,
    ):
        return
    elif topic == topics.checkpoints and kind == SIGNED:
        decoded.checkpoints.append(CheckpointSigned.model_validate(data))
    elif topic == topics.telemetry and kind == telemetry.READING:
        reading = Reading.model_validate(data)
        _aware(reading.at)
        recorded = envelope.get("recordedtime")
        at = None if recorded is None else _aware(datetime.fromisoformat(recorded))
        decoded.readings.append(ReadingRecord(reading, at))
    else:
        raise ValueError(f"unexpected type {kind!r} on {topic}")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a time without a UTC offset cannot be ordered")
    return value


def _version(envelope: dict[str, Any]) -> int:
    return int(envelope.get("streamversion") or 0)


def _skip(record: Record, reason: str) -> None:
    SKIPPED.labels(reason).inc()
    log.warning(
        "record_skipped",
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        reason=reason,
    )
