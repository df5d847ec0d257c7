"""Every published event type with its topic, key and payload model, and the JSON
Schemas and AsyncAPI document generated from them (committed under shared/contracts/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lotledger.shared.contracts import (
    alerts,
    catalog,
    checkpoints,
    excursions,
    stock,
    sync,
    telemetry,
    topics,
)
from lotledger.shared.contracts.common import Payload
from lotledger.shared.contracts.revisions import REVISION_KEY, revision_of
from lotledger.shared.envelope import CloudEvent

CONTRACTS_DIR = Path(__file__).resolve().parents[4] / "contracts"
SCHEMA_BASE = "https://lotledger.dev/contracts/schemas/"


@dataclass(frozen=True)
class EventContract:
    event_type: str
    topic: str
    model: type[Payload]

    @property
    def schema_file(self) -> str:
        return f"{self.event_type}.schema.json"


def _contracts(topic: str, types: dict[str, type[Payload]]) -> list[EventContract]:
    return [EventContract(name, topic, model) for name, model in sorted(types.items())]


EVENTS: tuple[EventContract, ...] = (
    *_contracts(topics.STOCK, dict(stock.EVENT_TYPES)),
    *_contracts(topics.CATALOG, catalog.EVENT_TYPES),
    *_contracts(topics.TELEMETRY, telemetry.EVENT_TYPES),
    *_contracts(topics.EXCURSIONS, excursions.EVENT_TYPES),
    *_contracts(topics.ALERTS, alerts.EVENT_TYPES),
    *_contracts(topics.CHECKPOINTS, checkpoints.EVENT_TYPES),
    *_contracts(topics.SYNC, sync.EVENT_TYPES),
)
BY_TYPE = {event.event_type: event for event in EVENTS}


def data_schema(event: EventContract) -> dict[str, Any]:
    schema = event.model.model_json_schema(mode="serialization", by_alias=True)
    revision = revision_of(event.event_type)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + event.schema_file,
        "title": event.event_type,
        **({REVISION_KEY: revision} if revision > 1 else {}),
        **{k: v for k, v in schema.items() if k != "title"},
    }


def envelope_schema() -> dict[str, Any]:
    schema = CloudEvent.model_json_schema(mode="serialization")
    schema["properties"]["time"] = {
        "type": "string",
        "format": "date-time",
        "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + "cloudevent.schema.json",
        "title": "lotledger CloudEvent envelope (structured mode)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_files() -> dict[str, dict[str, Any]]:
    files = {e.schema_file: data_schema(e) for e in EVENTS}
    files["cloudevent.schema.json"] = envelope_schema()
    return files


_CHANNELS: dict[str, tuple[str, str]] = {
    topics.STOCK: (
        "stock",
        "Every stock event of every batch. Key: batch id `{gtin}/{lot}`; one "
        "batch always lands on one partition, in `streamversion` order, each event "
        "once per `id`. Retained forever: replay from offset zero rebuilds any "
        "ledger. Each event carries `prevhash`/`hash` (per-batch hash chain).",
    ),
    topics.CATALOG: (
        "catalog",
        "Products, locations, sensors and warehouses, the whole current record per event. "
        "Key: `product:{gtin}`, `location:{id}`, `sensor:{id}` or `warehouse:{id}`; "
        "compacted.",
    ),
    topics.TELEMETRY: ("telemetry", "Sensor readings. Key: sensor id; per-sensor time order."),
    topics.EXCURSIONS: (
        "excursions",
        "Temperature/humidity excursions started and ended, with "
        "the lots exposed. Key: location id.",
    ),
    topics.ALERTS: (
        "alerts",
        "Alert lifecycle changes (raised, updated, acknowledged, resolved). Key: alert id.",
    ),
    topics.SYNC: (
        "sync",
        "What inventory refused and keeps for a person to settle. Sync conflicts: "
        "operations of an offline scanner's batch that inventory refused, kept with the "
        "original operation, and their resolution by a supervisor. Suspect returns: "
        "returned packs that failed verification, held for QA. Key: the conflict's or "
        "the suspect return's id; retained forever.",
    ),
    topics.CHECKPOINTS: (
        "checkpoints",
        "Signed checkpoints of the stock log: an RFC 6962 Merkle root over every stock "
        "event up to the stated offsets, Ed25519-signed. One partition; key: the log's "
        "name; retained forever. `lotledger-verify` checks it against the stock topic.",
    ),
}


def asyncapi() -> dict[str, Any]:
    """An AsyncAPI 3.0 document of every topic, key, envelope and payload."""
    specs = {spec.name: spec for spec in topics.TOPICS}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, (name, description) in _CHANNELS.items():
        ours = [e for e in EVENTS if e.topic == topic]
        channels[name] = {
            "address": topic,
            "description": description,
            "messages": {
                e.event_type: {"$ref": f"#/components/messages/{e.event_type}"} for e in ours
            },
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "bindingVersion": "0.5.0",
                    "topicConfiguration": dict(specs[topic].configs),
                }
            },
        }
        operations[f"receive_{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"Consume {topic} with your own consumer group.",
            "messages": [{"$ref": f"#/channels/{name}/messages/{e.event_type}"} for e in ours],
        }
        for event in ours:
            messages[event.event_type] = {
                "name": event.event_type,
                "title": event.model.__name__,
                "summary": (event.model.__doc__ or "").strip().split("\n")[0] or event.event_type,
                "contentType": "application/cloudevents+json",
                REVISION_KEY: revision_of(event.event_type),
                "headers": {
                    "type": "object",
                    "properties": {"content-type": {"const": "application/cloudevents+json"}},
                },
                "payload": {
                    "allOf": [
                        {"$ref": "schemas/cloudevent.schema.json"},
                        {
                            "type": "object",
                            "required": ["type", "data"],
                            "properties": {
                                "type": {"const": event.event_type},
                                "data": {"$ref": f"schemas/{event.schema_file}"},
                            },
                        },
                    ]
                },
                "bindings": {
                    "kafka": {
                        "key": {"type": "string", "description": specs[topic].key},
                        "bindingVersion": "0.5.0",
                    }
                },
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "lotledger events",
            "version": "1.1.0",
            "description": "CloudEvents 1.0 in structured JSON mode on every topic. Within a "
            "topic version only additive changes are made; consumers must "
            "ignore members they do not know (docs/adr/0002).",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "the broker `make up` starts",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered() -> dict[str, str]:
    """Relative path → file content, exactly as committed."""
    files = {f"schemas/{name}": schema for name, schema in schema_files().items()}
    files["asyncapi.json"] = asyncapi()
    return {path: json.dumps(body, indent=2, sort_keys=True) + "\n" for path, body in files.items()}


def write_contracts(out: Path) -> int:
    files = rendered()
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return len(files)
