"""Sync conflicts (docs/adr/0011-holdings.md): a refused operation of an offline sync is
kept (service/sync_records.py); a supervisor (role `qa`) resolves it once, either by
applying it as an adjustment with a reason (the adjustment names the conflict) or by
discarding it with a reason. The resolution and its `conflict_resolved` event commit with
the adjustment, or alone for a discard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID, uuid4

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.adapters.sync_store import StoredConflict
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.facts import scanned
from lotledger.inventory.service import stock
from lotledger.inventory.service.authorization import warehouses_touched
from lotledger.inventory.service.sync_records import Origin
from lotledger.inventory.service.units import StockUnit, database_unit
from lotledger.shared.auth import Principal
from lotledger.shared.contracts import sync
from lotledger.shared.contracts.stock import HoldingStatus
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.errors import DomainError, NotFound


class UnknownConflict(NotFound):
    pass


class ConflictResolved(DomainError):
    """A sync conflict is resolved once."""


class NotDerivable(DomainError):
    """The operation does not say which lot, location or quantity to adjust."""


def origin(client_op_id: str, op: str, raw: Mapping[str, Any], cmd: c.Command) -> Origin:
    """The operation as sent, with what a conflict of it is scoped by."""
    if isinstance(cmd, c.ReleaseBatch | c.QuarantineBatch | c.RejectBatch | c.RecallBatch):
        warehouses: set[str] = set()
    else:
        warehouses = warehouses_touched(cmd)
    body = {k: v for k, v in raw.items() if k not in ("op", "client_op_id")}
    return Origin(
        client_op_id, op, body, tuple(sorted(warehouses)), cmd.gtin, cmd.lot, scanned(cmd)
    )


def check_scope(principal: Principal, conflict: StoredConflict) -> None:
    for warehouse in conflict.warehouses:
        principal.require_warehouse(warehouse)


def _number(body: Mapping[str, Any], name: str) -> int | None:
    value = body.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def adjustment_for(
    conflict: StoredConflict,
    reason: str,
    lot: str | None = None,
    location: str | None = None,
    delta: int | None = None,
    holding: HoldingStatus | None = None,
) -> c.AdjustStock:
    """The adjustment that applies the refused operation: what it would have added
    (receipt, return) or taken (pick, disposal) at its location, unless the supervisor
    says otherwise; other operations need `lot`, `location` and `delta` named."""
    op, body = conflict.op, conflict.operation
    qty = _number(body, "qty")
    derived: dict[str, tuple[int | None, HoldingStatus]] = {
        "receipt": (qty, HoldingStatus.AVAILABLE),
        "return": (qty, HoldingStatus.RETURNED),
        "pick": (-qty if qty else None, HoldingStatus.AVAILABLE),
        "disposal": (-qty if qty else None, HoldingStatus.AVAILABLE),
        "adjustment": (_number(body, "delta"), HoldingStatus.AVAILABLE),
    }
    own_delta, own_holding = derived.get(op, (None, HoldingStatus.AVAILABLE))
    lot = lot or conflict.lot
    named = body.get("location")
    location = location or (named if isinstance(named, str) else None)
    delta = delta if delta is not None else own_delta
    missing = [n for n, v in (("lot", lot), ("location", location), ("delta", delta)) if v is None]
    if missing or conflict.gtin is None:
        raise NotDerivable(
            f"a {op} operation does not say which {', '.join(missing)} to adjust; give it",
            field=missing[0] if missing else "gtin",
        )
    assert lot is not None
    assert location is not None
    assert delta is not None
    return c.AdjustStock(
        conflict.gtin,
        lot,
        location,
        delta,
        reason,
        holding or own_holding,
        sync_conflict=str(conflict.conflict_id),
    )


def resolved_event(
    conflict: StoredConflict,
    resolution: sync.Resolution,
    reason: str,
    meta: Metadata,
    events: Sequence[UUID],
) -> tuple[UUID, bytes]:
    data = sync.SyncConflictResolved(
        conflict_id=str(conflict.conflict_id),
        resolution=resolution,
        reason=reason,
        by=meta.actor,
        resolved_at=meta.now,
        warehouses=conflict.warehouses,
        events=[str(e) for e in events],
    )
    event_id = uuid4()
    event = CloudEvent(
        id=event_id,
        source=f"/inventory/{conflict.warehouses[0]}" if conflict.warehouses else "/inventory",
        type=sync.RESOLVED,
        subject=str(conflict.conflict_id),
        time=meta.now,
        data=data.as_data(),
        actor=meta.actor,
        device=meta.device,
        correlationid=meta.correlation_id,
        causationid=str(conflict.conflict_id),
    )
    return event_id, event.to_json()


async def record_resolution(
    uow: UnitOfWork,
    conflict: StoredConflict,
    resolution: sync.Resolution,
    reason: str,
    meta: Metadata,
    events: Sequence[UUID],
    sync_topic: str,
) -> None:
    """Write the resolution; refuses (and so rolls back) a conflict resolved meanwhile."""
    event_id, payload = resolved_event(conflict, resolution, reason, meta, events)
    written = await uow.sync.resolve(
        conflict.conflict_id,
        resolution.value,
        reason,
        meta.actor,
        meta.now,
        events,
        (sync_topic, event_id, payload),
    )
    if not written:
        raise ConflictResolved(
            f"sync conflict {conflict.conflict_id} is already resolved", field="conflict_id"
        )


def refuse_resolved(conflict: StoredConflict) -> None:
    if not conflict.open:
        raise ConflictResolved(
            f"sync conflict {conflict.conflict_id} was {conflict.resolution} by "
            f"{conflict.resolved_by}",
            field="conflict_id",
            resolution=conflict.resolution,
        )


def application_also(
    conflict: StoredConflict, reason: str, meta: Metadata, sync_topic: str
) -> stock.Also:
    async def also(unit: StockUnit, results: list[stock.Result]) -> None:
        uow = database_unit(unit)
        [result] = results
        if isinstance(result, stock.Accepted):
            events = [e.id for e in result.events]
            await record_resolution(
                uow, conflict, sync.Resolution.APPLIED, reason, meta, events, sync_topic
            )

    return also
