"""Keeping a refused operation of an offline sync as a sync conflict: the row the append
writes, the event it publishes on the sync topic, and the refusal a retry of the same
`client_op_id` replays (its problem names the conflict as `sync_conflict`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import orjson

from lotledger.inventory.adapters.append_statement import ConflictRow
from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.shared.contracts import sync
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.errors import DomainError
from lotledger.shared.idempotency import StoredResponse


@dataclass(frozen=True)
class Origin:
    """An operation as the offline scanner sent it."""

    client_op_id: str
    op: str
    body: dict[str, Any]
    warehouses: tuple[str, ...]
    gtin: str | None = None
    lot: str | None = None
    scanned_at: datetime | None = None


def conflict_row(
    origin: Origin,
    refusal: DomainError,
    meta: Metadata,
    problem_of: Callable[[DomainError], dict[str, Any]],
) -> tuple[ConflictRow, StoredResponse]:
    """The conflict to keep for `refusal`, and the response stored under the operation's
    key (the problem, naming the conflict)."""
    conflict_id = uuid4()
    problem = {**problem_of(refusal), "sync_conflict": str(conflict_id)}
    recorded = sync.SyncConflictRecorded(
        conflict_id=str(conflict_id),
        client_op_id=origin.client_op_id,
        op=origin.op,
        operation=origin.body,
        problem=problem,
        gtin=origin.gtin,
        lot=origin.lot,
        warehouses=sorted(origin.warehouses),
        actor=meta.actor,
        device=meta.device,
        scanned_at=origin.scanned_at,
        recorded_at=meta.now,
    )
    event = CloudEvent(
        id=conflict_id,
        source=f"/inventory/{origin.warehouses[0]}" if origin.warehouses else "/inventory",
        type=sync.RECORDED,
        subject=str(conflict_id),
        time=meta.now,
        data=recorded.as_data(),
        actor=meta.actor,
        device=meta.device,
        correlationid=meta.correlation_id,
        causationid=origin.client_op_id,
    )
    row = ConflictRow(
        conflict_id,
        origin.client_op_id,
        origin.op,
        origin.body,
        problem,
        sorted(origin.warehouses),
        origin.gtin,
        origin.lot,
        meta.device,
        origin.scanned_at,
        event.to_json(),
    )
    return row, StoredResponse("", int(problem["status"]), orjson.dumps(problem))
