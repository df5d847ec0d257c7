"""Sync conflicts, topic `lotledger.sync.v1`, key = conflict id: an operation of an offline
scanner's batch (`POST /v1/operations`) that inventory refused, kept with the original
operation until a supervisor resolves it (docs/adr/0011-holdings.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload


class Resolution(StrEnum):
    APPLIED = "applied"
    DISCARDED = "discarded"


class SyncConflictRecorded(Payload):
    conflict_id: str
    client_op_id: str
    op: str = Field(description="the operation's kind: receipt, pick, move, ...")
    operation: dict[str, Any] = Field(description="the operation exactly as the scanner sent it")
    problem: dict[str, Any] = Field(description="the RFC 9457 problem it was refused with")
    gtin: str | None = None
    lot: str | None = None
    warehouses: list[str] = Field(description="the warehouses the operation named, sorted")
    actor: str
    device: str | None = None
    scanned_at: AwareDatetime | None = None
    recorded_at: AwareDatetime


class SyncConflictResolved(Payload):
    conflict_id: str
    resolution: Resolution
    reason: str
    by: str
    resolved_at: AwareDatetime
    warehouses: list[str]
    events: list[str] = Field(
        default=[], description="ids of the stock events an applied resolution appended"
    )


RECORDED = "lotledger.sync.conflict_recorded.v1"
RESOLVED = "lotledger.sync.conflict_resolved.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    RECORDED: SyncConflictRecorded,
    RESOLVED: SyncConflictResolved,
}
