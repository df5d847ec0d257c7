"""Sync conflicts (topic `lotledger.sync.v1`) into alerts: a recorded conflict raises its
`sync_conflict` alert (id derived from the event, so a redelivery raises nothing new), a
resolved one resolves it. Both are idempotent."""

from __future__ import annotations

from lotledger.alerts.domain import triggered
from lotledger.alerts.domain.conditions import Evaluation, Scope
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.sync import SyncConflictRecorded, SyncConflictResolved
from lotledger.shared.envelope import CloudEvent


async def apply_sync(
    ctx: ev.Context, envelope: CloudEvent, event: SyncConflictRecorded | SyncConflictResolved
) -> None:
    cause = Cause(str(envelope.id), envelope.correlationid)
    if isinstance(event, SyncConflictRecorded):
        await ev.trigger(ctx, triggered.sync_conflict(event), cause)
        return
    scope = Scope.of(event.conflict_id, AlertType.SYNC_CONFLICT)
    await ev.settle(ctx, Evaluation(scope), cause)
