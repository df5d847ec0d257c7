"""Topic `lotledger.sync.v1`, key = record id: what inventory refused and keeps for a person
to settle. Sync conflicts: an operation of an offline scanner's batch (`POST /v1/operations`)
that inventory refused, kept with the original operation until a supervisor resolves it
(docs/adr/0011-holdings.md). Suspect returns: returned packs that failed verification,
held for QA (docs/adr/0016-serials.md, amendment)."""

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


class SuspectPack(Payload):
    gtin: str
    serial: str
    lot: str | None = Field(default=None, description="the pack's lot; absent when unknown")
    verdict: str = Field(
        description="why it was not verified: unknown_serial, not_shipped, "
        "not_shipped_to_party, decommissioned, lot_mismatch, expiry_mismatch (a consumer "
        "must not fail on a value it does not know)"
    )


class SuspectReturnRecorded(Payload):
    """Packs of one verified-return request (`POST /v1/returns/verified`) that failed
    verification: they moved no stock and are held as suspect for QA. Packs the same
    request verified are not named (they are `returned` stock events). A request that
    refused more than 1,000 packs is recorded as several parts of at most 1,000 packs
    each (`part` of `parts`), keeping each event far below Kafka's message limit."""

    return_id: str = Field(description="this record's id, also the event's id and key")
    part: int = Field(default=1, ge=1, description="1-based, of `parts`, same request")
    parts: int = Field(default=1, ge=1)
    from_party: str
    location: str
    warehouses: list[str] = Field(description="the warehouse of `location`")
    reason: str = Field(description="the reason the party gave for returning")
    packs: list[SuspectPack] = Field(description="the refused packs, in the order scanned")
    actor: str
    device: str | None = None
    recorded_at: AwareDatetime


RECORDED = "lotledger.sync.conflict_recorded.v1"
RESOLVED = "lotledger.sync.conflict_resolved.v1"
SUSPECT_RETURN = "lotledger.sync.suspect_return_recorded.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    RECORDED: SyncConflictRecorded,
    RESOLVED: SyncConflictResolved,
    SUSPECT_RETURN: SuspectReturnRecorded,
}
