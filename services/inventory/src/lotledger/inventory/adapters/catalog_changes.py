"""Recording a master-data change, in the caller's transaction: the audit row (who, when,
before, after), the compacted catalog event in the outbox (the whole record, keyed by
entity) and a notification that drops every process's catalog cache at commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from lotledger.shared.contracts.common import Payload
from lotledger.shared.db import Driver, json_param
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.tracing import current_traceparent


@dataclass(frozen=True)
class Change:
    actor: str
    device: str | None
    correlation_id: str | None
    now: datetime
    topic: str


@dataclass(frozen=True)
class Entity:
    """What changed: its kind in the audit trail, its id there, its catalog key."""

    kind: str
    entity_id: str
    key: str


async def record_change(
    conn: Driver,
    entity: Entity,
    event_type: str,
    before: dict[str, Any] | None,
    record: Payload,
    version: int,
    change: Change,
) -> None:
    after = record.as_data()
    await conn.execute(
        "INSERT INTO catalog_audit (entity, entity_id, actor, device, at, before, after) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)",
        entity.kind,
        entity.entity_id,
        change.actor,
        change.device,
        change.now,
        None if before is None else json_param(before),
        json_param(after),
    )
    envelope = CloudEvent(
        id=uuid4(),
        source="/inventory/catalog",
        type=event_type,
        subject=entity.key,
        time=change.now,
        data=after,
        streamversion=version,
        actor=change.actor,
        device=change.device,
        correlationid=change.correlation_id,
    )
    await conn.execute("SELECT pg_notify(current_schema() || '_catalog', $1)", entity.key)
    await conn.execute(
        "INSERT INTO outbox (topic, key, event_id, payload, traceparent) "
        "VALUES ($1, $2, $3, $4, $5)",
        change.topic,
        entity.key,
        envelope.id,
        envelope.to_json(),
        current_traceparent(),
    )
